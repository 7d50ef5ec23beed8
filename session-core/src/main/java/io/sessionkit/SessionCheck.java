package io.sessionkit;

import java.util.Objects;
import java.util.Optional;

/**
 * The answer of a {@link RevocationPolicy}.
 *
 * @param live whether the token's session is live
 * @param session the stored session, when the store was asked and it is live; empty when the
 *     session has ended or when the answer came from the JWT-only fallback
 */
public record SessionCheck(boolean live, Optional<Session> session) {

  public SessionCheck {
    Objects.requireNonNull(session, "session");
    if (!live && session.isPresent()) {
      throw new IllegalArgumentException("an ended session carries no stored session");
    }
  }

  /** Live, as confirmed by the store. */
  public static SessionCheck live(Session session) {
    return new SessionCheck(true, Optional.of(session));
  }

  /** Live as far as can be told without the store. */
  public static SessionCheck liveWithoutStore() {
    return new SessionCheck(true, Optional.empty());
  }

  /** Revoked, evicted, logged out or expired. */
  public static SessionCheck ended() {
    return new SessionCheck(false, Optional.empty());
  }
}
