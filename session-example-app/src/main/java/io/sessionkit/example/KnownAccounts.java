package io.sessionkit.example;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The accounts this instance has read or written lately, the least recently used dropped beyond a
 * bound. Accounts never change, so an entry is never stale: it spares a Redis call on every login
 * and {@code /me}, and lets a known account log in while Redis is unreachable. Thread-safe.
 */
final class KnownAccounts {

  private final int capacity;
  private final Object lock = new Object();
  private final LinkedHashMap<String, User> byUsername;
  private final LinkedHashMap<String, User> byId;

  KnownAccounts(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, but was " + capacity);
    }
    this.capacity = capacity;
    this.byUsername = bounded();
    this.byId = bounded();
  }

  void remember(User user) {
    synchronized (lock) {
      byUsername.put(AccountStore.normalized(user.username()), user);
      byId.put(user.id(), user);
    }
  }

  Optional<User> byUsername(String username) {
    synchronized (lock) {
      return Optional.ofNullable(byUsername.get(AccountStore.normalized(username)));
    }
  }

  Optional<User> byId(String id) {
    synchronized (lock) {
      return Optional.ofNullable(byId.get(id));
    }
  }

  private LinkedHashMap<String, User> bounded() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, User> eldest) {
        return size() > capacity;
      }
    };
  }
}
