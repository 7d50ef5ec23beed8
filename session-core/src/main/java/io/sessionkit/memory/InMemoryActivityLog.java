package io.sessionkit.memory;

import io.sessionkit.ActivityEntry;
import io.sessionkit.ActivityLog;
import io.sessionkit.internal.Require;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An {@link ActivityLog} in this process's memory: the last {@code maxEntriesPerUser} entries of
 * each user, each kept for {@code retention}. Thread-safe (one lock).
 */
public final class InMemoryActivityLog implements ActivityLog {

  private final Clock clock;
  private final int maxEntriesPerUser;
  private final Duration retention;
  private final Map<String, Deque<ActivityEntry>> feeds = new HashMap<>();

  private InMemoryActivityLog(Clock clock, int maxEntriesPerUser, Duration retention) {
    this.clock = clock;
    this.maxEntriesPerUser = maxEntriesPerUser;
    this.retention = retention;
  }

  /**
   * A log keeping the last {@code maxEntriesPerUser} entries of each user for {@code retention}.
   */
  public static InMemoryActivityLog create(Clock clock, int maxEntriesPerUser, Duration retention) {
    Objects.requireNonNull(clock, "clock");
    Require.atLeast(maxEntriesPerUser, 1, "maxEntriesPerUser");
    Require.positive(retention, "retention");
    return new InMemoryActivityLog(clock, maxEntriesPerUser, retention);
  }

  @Override
  public synchronized void record(ActivityEntry entry) {
    Deque<ActivityEntry> feed = feeds.computeIfAbsent(entry.userId(), u -> new ArrayDeque<>());
    feed.addFirst(entry);
    while (feed.size() > maxEntriesPerUser) {
      feed.removeLast();
    }
    prune(clock.instant());
  }

  @Override
  public synchronized List<ActivityEntry> recent(String userId, int limit) {
    prune(clock.instant());
    Deque<ActivityEntry> feed = feeds.get(userId);
    if (feed == null || limit <= 0) {
      return List.of();
    }
    List<ActivityEntry> entries = new ArrayList<>(Math.min(limit, feed.size()));
    for (Iterator<ActivityEntry> it = feed.iterator(); it.hasNext() && entries.size() < limit; ) {
      entries.add(it.next());
    }
    return entries;
  }

  // a feed lives until `retention` after its newest entry, like the Redis key's TTL
  private void prune(Instant now) {
    feeds.values().removeIf(feed -> !feed.peekFirst().at().plus(retention).isAfter(now));
  }
}
