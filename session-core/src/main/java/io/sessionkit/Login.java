package io.sessionkit;

import java.util.Objects;

/**
 * A successful login: the new session and its first tokens.
 *
 * @param session the new session
 * @param accessToken its first access token
 * @param refreshToken its first refresh token
 * @param evicted how many of the user's sessions the login ended to keep within the limit; each is
 *     told to listeners as an {@link SessionEvent.Type#EVICTED} event, off the request path
 */
public record Login(
    Session session, AccessToken accessToken, RefreshToken refreshToken, int evicted) {

  public Login {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(accessToken, "accessToken");
    Objects.requireNonNull(refreshToken, "refreshToken");
    if (evicted < 0) {
      throw new IllegalArgumentException("evicted must be >= 0, but was " + evicted);
    }
  }
}
