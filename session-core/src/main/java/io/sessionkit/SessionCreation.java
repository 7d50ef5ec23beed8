package io.sessionkit;

import java.util.List;
import java.util.Objects;

/**
 * The result of {@link SessionStore#create}: the stored session and the sessions evicted to keep
 * the user within the per-user limit (oldest first; empty when none were).
 */
public record SessionCreation(Session session, List<Session> evicted) {

  public SessionCreation {
    Objects.requireNonNull(session, "session");
    evicted = List.copyOf(evicted);
  }
}
