package io.sessionkit;

import java.util.Objects;
import java.util.Optional;

/**
 * The answer to {@link TokenService#verify(String)}: the claims of a valid token, or why the token
 * was refused.
 *
 * @param status the verdict
 * @param claims the claims, present exactly when {@code status} is {@link Status#VALID}
 */
public record TokenVerification(Status status, Optional<TokenClaims> claims) {

  /** Why a token was accepted or refused. */
  public enum Status {
    /** Well-formed, signed by a known key, and not expired. */
    VALID,
    /** Well-formed and correctly signed, but past its expiry. */
    EXPIRED,
    /** The signature does not match, or the token is unsigned ({@code alg=none}). */
    BAD_SIGNATURE,
    /** Not a token of ours: bad encoding, bad JSON, missing claims, too long, or empty. */
    MALFORMED,
    /** Signed with a key id ({@code kid}) that is not configured. */
    UNKNOWN_KEY
  }

  public TokenVerification {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(claims, "claims");
    if ((status == Status.VALID) != claims.isPresent()) {
      throw new IllegalArgumentException("claims must be present exactly when status is VALID");
    }
  }

  public static TokenVerification valid(TokenClaims claims) {
    return new TokenVerification(Status.VALID, Optional.of(claims));
  }

  public static TokenVerification refused(Status status) {
    return new TokenVerification(status, Optional.empty());
  }

  public boolean isValid() {
    return status == Status.VALID;
  }
}
