package io.sessionkit;

import java.util.List;

/**
 * A bounded, newest-first feed of what happened to each user's account, fed by {@link
 * SessionEvent}s (register it as a {@link SessionListener}) and by the host for what only it sees
 * (a failed login). Implementations: {@code io.sessionkit.redis.RedisActivityLog} and {@code
 * io.sessionkit.memory.InMemoryActivityLog}.
 *
 * <p>Thread-safe. Recording never throws for an unreachable store: a feed is not worth failing a
 * login over, so the entry is dropped and logged. Reading throws {@link
 * SessionStoreUnavailableException} when the store is unreachable.
 */
public interface ActivityLog extends SessionListener {

  /** Adds an entry to its user's feed, dropping the oldest beyond the feed's length. */
  void record(ActivityEntry entry);

  /** The user's most recent entries, newest first, at most {@code limit}. */
  List<ActivityEntry> recent(String userId, int limit);

  /** Records the entry a session event becomes; see {@link ActivityEntry#of(SessionEvent)}. */
  @Override
  default void onEvent(SessionEvent event) {
    ActivityEntry.of(event).ifPresent(this::record);
  }
}
