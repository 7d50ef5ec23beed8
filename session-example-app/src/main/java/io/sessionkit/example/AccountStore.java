package io.sessionkit.example;

import java.util.Locale;
import java.util.Optional;

/**
 * Where the example keeps its accounts: {@link InMemoryAccountStore} for a single instance, {@link
 * RedisAccountStore} when the app runs on Redis, so that every instance on that Redis sees the same
 * accounts. Accounts are only ever added, never changed or deleted. Usernames compare
 * case-insensitively. Implementations are thread-safe.
 */
interface AccountStore {

  /**
   * Adds the account unless its username is taken. Atomic, also between instances that share the
   * store: of two additions of one username, exactly one returns true.
   *
   * @return true when added, false when the username was taken
   * @throws AccountsUnavailableException when the store cannot be reached (nothing was added)
   */
  boolean add(User user);

  /**
   * The account with this username, in any case.
   *
   * @throws AccountsUnavailableException when the store cannot be reached and the account is not
   *     known to this instance
   */
  Optional<User> byUsername(String username);

  /**
   * The account with this id.
   *
   * @throws AccountsUnavailableException when the store cannot be reached and the account is not
   *     known to this instance
   */
  Optional<User> byId(String id);

  /** The form usernames are stored and compared in. */
  static String normalized(String username) {
    return username.toLowerCase(Locale.ROOT);
  }
}
