package io.sessionkit;

import io.sessionkit.internal.RefreshState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The current refresh token of each session this instance issued one for lately (at login or at its
 * last refresh): its generation, nonce hash and tag key, never the token. During an outage it is
 * what lets {@link OutageRecord} rotate a session's token as exactly as the store would; a session
 * not here cannot be refreshed until the store is back.
 *
 * <p>Bounded: the least recently issued entries go first. Thread-safe.
 */
final class IssuedTokens {

  /** A session's current refresh token, as this instance issued it. */
  record Issued(Session session, int generation, String nonceHash, String tagKey) {

    /** A fresh refresh state in which this token is current. */
    RefreshState state() {
      return new RefreshState(session.id(), tagKey, generation, nonceHash);
    }

    @Override
    public String toString() {
      return "Issued[session=" + session.id() + ", generation=" + generation + "]";
    }
  }

  private final Map<String, Issued> issued;

  IssuedTokens(int capacity) {
    this.issued =
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Issued> eldest) {
            return size() > capacity;
          }
        };
  }

  synchronized void remember(Issued token) {
    // re-inserted, so the entry counts as the newest
    issued.remove(token.session().id());
    issued.put(token.session().id(), token);
  }

  synchronized Optional<Issued> get(String sessionId) {
    return Optional.ofNullable(issued.get(sessionId));
  }

  synchronized void forget(String sessionId) {
    issued.remove(sessionId);
  }
}
