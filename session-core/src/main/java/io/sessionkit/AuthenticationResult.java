package io.sessionkit;

import java.util.Objects;
import java.util.Optional;

/**
 * The answer to {@link SessionManager#authenticate(String)}.
 *
 * @param status the verdict
 * @param claims the token's claims, present for {@link Status#AUTHENTICATED}, {@link
 *     Status#SESSION_ENDED} and {@link Status#STORE_UNAVAILABLE}
 * @param tokenStatus what token verification said (VALID unless the token itself was refused)
 * @param withoutStore for {@link Status#AUTHENTICATED}: true when the store could not be asked and
 *     the JWT-only fallback accepted the token; false when the store confirmed the session
 */
public record AuthenticationResult(
    Status status,
    Optional<TokenClaims> claims,
    TokenVerification.Status tokenStatus,
    boolean withoutStore) {

  /** The verdicts, from an adapter's point of view. */
  public enum Status {
    /** The token is valid and its session live. */
    AUTHENTICATED,
    /** The token is missing, malformed, forged, signed with an unknown key or expired. */
    INVALID_TOKEN,
    /** The token is valid but its session was revoked, evicted, logged out or has expired. */
    SESSION_ENDED,
    /** The store is unreachable and the fallback mode is {@link FallbackMode#DENY}. */
    STORE_UNAVAILABLE
  }

  public AuthenticationResult {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(claims, "claims");
    Objects.requireNonNull(tokenStatus, "tokenStatus");
    if ((status == Status.INVALID_TOKEN) == (tokenStatus == TokenVerification.Status.VALID)) {
      throw new IllegalArgumentException("INVALID_TOKEN goes with a refused token, and only it");
    }
    if (withoutStore && status != Status.AUTHENTICATED) {
      throw new IllegalArgumentException("only an AUTHENTICATED answer can be without the store");
    }
  }

  static AuthenticationResult authenticated(TokenClaims claims, boolean withoutStore) {
    return new AuthenticationResult(
        Status.AUTHENTICATED, Optional.of(claims), TokenVerification.Status.VALID, withoutStore);
  }

  static AuthenticationResult invalidToken(TokenVerification.Status tokenStatus) {
    return new AuthenticationResult(Status.INVALID_TOKEN, Optional.empty(), tokenStatus, false);
  }

  static AuthenticationResult sessionEnded(TokenClaims claims) {
    return new AuthenticationResult(
        Status.SESSION_ENDED, Optional.of(claims), TokenVerification.Status.VALID, false);
  }

  static AuthenticationResult storeUnavailable(TokenClaims claims) {
    return new AuthenticationResult(
        Status.STORE_UNAVAILABLE, Optional.of(claims), TokenVerification.Status.VALID, false);
  }

  public boolean isAuthenticated() {
    return status == Status.AUTHENTICATED;
  }
}
