package io.sessionkit;

import java.util.Objects;
import java.util.Optional;

/**
 * The answer to {@link SessionManager#authenticate(String)}.
 *
 * @param status the verdict
 * @param claims the token's claims, present for {@link Status#AUTHENTICATED}, {@link
 *     Status#SESSION_ENDED} and {@link Status#STORE_UNAVAILABLE}
 * @param session the stored session, present when the store confirmed it; empty when the JWT-only
 *     fallback accepted the token while the store was unreachable
 * @param tokenStatus what token verification said (VALID unless the token itself was refused)
 */
public record Authentication(
    Status status,
    Optional<TokenClaims> claims,
    Optional<Session> session,
    TokenVerification.Status tokenStatus) {

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

  public Authentication {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(claims, "claims");
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(tokenStatus, "tokenStatus");
    if ((status == Status.INVALID_TOKEN) == (tokenStatus == TokenVerification.Status.VALID)) {
      throw new IllegalArgumentException("INVALID_TOKEN goes with a refused token, and only it");
    }
  }

  static Authentication authenticated(TokenClaims claims, Optional<Session> session) {
    return new Authentication(
        Status.AUTHENTICATED, Optional.of(claims), session, TokenVerification.Status.VALID);
  }

  static Authentication invalidToken(TokenVerification.Status tokenStatus) {
    return new Authentication(
        Status.INVALID_TOKEN, Optional.empty(), Optional.empty(), tokenStatus);
  }

  static Authentication sessionEnded(TokenClaims claims) {
    return new Authentication(
        Status.SESSION_ENDED,
        Optional.of(claims),
        Optional.empty(),
        TokenVerification.Status.VALID);
  }

  static Authentication storeUnavailable(TokenClaims claims) {
    return new Authentication(
        Status.STORE_UNAVAILABLE,
        Optional.of(claims),
        Optional.empty(),
        TokenVerification.Status.VALID);
  }

  public boolean isAuthenticated() {
    return status == Status.AUTHENTICATED;
  }
}
