package io.sessionkit;

/**
 * Issues and verifies access tokens: short-lived signed JWTs that name a user and a session. The
 * built-in implementation is {@code io.sessionkit.jwt.JwtTokenService}.
 *
 * <p>Implementations are thread-safe. {@link #verify(String)} never throws for bad input: every
 * malformed, forged, expired or foreign token is answered with a {@link TokenVerification} that
 * says why it was refused.
 */
public interface TokenService {

  /** A new access token for the session, with a fresh unique id ({@code jti}). */
  AccessToken issue(Session session);

  /** Checks a token's form, signature, key and expiry. Never throws for bad input. */
  TokenVerification verify(String token);

  /**
   * The longest time an access token issued by this service stays valid, clock skew included.
   * Anything that must outlive every token of a session (such as a locally recorded logout) keeps
   * it that long.
   */
  java.time.Duration accessTokenLifetime();
}
