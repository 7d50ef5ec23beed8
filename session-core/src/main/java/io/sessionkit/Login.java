package io.sessionkit;

import java.util.List;
import java.util.Objects;

/**
 * A successful login: the new session, its first tokens, and the sessions evicted to keep the user
 * within the per-user limit.
 */
public record Login(
    Session session, AccessToken accessToken, RefreshToken refreshToken, List<Session> evicted) {

  public Login {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(accessToken, "accessToken");
    Objects.requireNonNull(refreshToken, "refreshToken");
    evicted = List.copyOf(evicted);
  }
}
