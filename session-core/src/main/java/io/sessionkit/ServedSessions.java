package io.sessionkit;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions this instance saw the store confirm lately, by id, with their users: during an
 * outage, what may be revoked by id here (the outage record holds nothing else). Bounded by
 * forgetting about half of them, at random, when full: a lock-free bound on the request path.
 * Thread-safe.
 */
final class ServedSessions {

  private final int capacity;
  private final Map<String, String> users = new ConcurrentHashMap<>();

  ServedSessions(int capacity) {
    this.capacity = capacity;
  }

  void served(String sessionId, String userId) {
    if (users.size() >= capacity && !users.containsKey(sessionId)) {
      users.keySet().removeIf(id -> java.util.concurrent.ThreadLocalRandom.current().nextBoolean());
    }
    users.putIfAbsent(sessionId, userId);
  }

  Optional<String> userOf(String sessionId) {
    return Optional.ofNullable(users.get(sessionId));
  }

  void forget(String sessionId) {
    users.remove(sessionId);
  }
}
