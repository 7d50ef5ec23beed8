package io.sessionkit.example;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Accounts in this process's memory: lost on restart and not shared with other instances. */
final class InMemoryAccountStore implements AccountStore {

  private final Map<String, User> byUsername = new ConcurrentHashMap<>();
  private final Map<String, User> byId = new ConcurrentHashMap<>();

  @Override
  public boolean add(User user) {
    if (byUsername.putIfAbsent(AccountStore.normalized(user.username()), user) != null) {
      return false;
    }
    // before add returns no token carries the id, so nothing looks it up in between
    byId.put(user.id(), user);
    return true;
  }

  @Override
  public Optional<User> byUsername(String username) {
    return Optional.ofNullable(byUsername.get(AccountStore.normalized(username)));
  }

  @Override
  public Optional<User> byId(String id) {
    return Optional.ofNullable(byId.get(id));
  }
}
