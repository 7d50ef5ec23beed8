package io.sessionkit.example;

import io.lettuce.core.RedisException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisKeyCommands;
import io.lettuce.core.api.sync.RedisStringCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Accounts in Redis, under the app's own keys (never the library's), so that every instance on that
 * Redis sees the same accounts:
 *
 * <ul>
 *   <li>{@code account:name:<username in lower case>}: a string, the account as JSON ({@code id},
 *       {@code username}, {@code password_hash}, {@code roles}); the password only as its BCrypt
 *       hash;
 *   <li>{@code account:id:<id>}: a string, the lower-case username, to find the account from the
 *       subject of a token.
 * </ul>
 *
 * <p>Neither has a TTL: an account lasts until an operator deletes it. They are the only keys in
 * the deployment without one.
 *
 * <p><b>Adding</b> writes the id key, then the name key with {@code SET NX}: of two instances
 * registering one username at once, Redis lets exactly one set it, and the other deletes its id key
 * and reports the name taken. The name key decides: an id key whose name key holds another id (left
 * by an instance that stopped in between) finds nothing.
 *
 * <p><b>Reads</b> look at the {@link KnownAccounts} of this instance first (accounts never change),
 * then Redis. So a known account logs in while Redis is unreachable; anything else needs Redis and
 * fails with {@link AccountsUnavailableException}.
 *
 * <p>Typed against Lettuce's {@link RedisStringCommands} and {@link RedisKeyCommands}, which a
 * standalone, Sentinel or Cluster connection's synchronous commands all implement. Thread-safe.
 *
 * @param <C> the commands of the connection in use
 */
final class RedisAccountStore<
        C extends RedisStringCommands<String, String> & RedisKeyCommands<String, String>>
    implements AccountStore, AutoCloseable {

  /** How many accounts each instance keeps at hand. */
  static final int KNOWN_ACCOUNTS = 10_000;

  private static final Logger log = LoggerFactory.getLogger(RedisAccountStore.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String NAME_PREFIX = "account:name:";
  private static final String ID_PREFIX = "account:id:";

  private final Supplier<C> commands;
  private final String where;
  private final AutoCloseable connection;
  private final KnownAccounts known = new KnownAccounts(KNOWN_ACCOUNTS);

  /**
   * @param commands the commands of an open connection; may throw {@link RedisException} when it
   *     cannot be opened
   * @param where the Redis, for messages (no password)
   * @param connection closed with this store
   */
  RedisAccountStore(Supplier<C> commands, String where, AutoCloseable connection) {
    this.commands = commands;
    this.where = where;
    this.connection = connection;
  }

  /** A store on the app's own connection to the Redis at {@code redis}. */
  static RedisAccountStore<?> on(AccountsRedis redis) {
    return new RedisAccountStore<RedisClusterCommands<String, String>>(
        redis::commands, redis.where(), redis);
  }

  static String nameKey(String username) {
    return NAME_PREFIX + AccountStore.normalized(username);
  }

  static String idKey(String id) {
    return ID_PREFIX + id;
  }

  @Override
  public boolean add(User user) {
    String username = AccountStore.normalized(user.username());
    // ids are random (122 bits): never taken; NX all the same, so nothing is ever overwritten
    call(redis -> redis.set(idKey(user.id()), username, SetArgs.Builder.nx()));
    boolean added =
        "OK".equals(call(redis -> redis.set(nameKey(username), json(user), SetArgs.Builder.nx())));
    if (!added) {
      try {
        call(redis -> redis.del(idKey(user.id())));
      } catch (AccountsUnavailableException e) {
        // harmless: the name key holds another id, so this id finds nothing
        log.warn(
            "Accounts: could not delete the unused key {}: {}", idKey(user.id()), e.getMessage());
      }
      return false;
    }
    known.remember(user);
    return true;
  }

  @Override
  public Optional<User> byUsername(String username) {
    Optional<User> remembered = known.byUsername(username);
    if (remembered.isPresent()) {
      return remembered;
    }
    return load(username);
  }

  @Override
  public Optional<User> byId(String id) {
    Optional<User> remembered = known.byId(id);
    if (remembered.isPresent()) {
      return remembered;
    }
    String username = call(redis -> redis.get(idKey(id)));
    if (username == null) {
      return Optional.empty();
    }
    return load(username).filter(user -> user.id().equals(id));
  }

  /** Closes the connection. */
  @Override
  public void close() throws Exception {
    connection.close();
  }

  private Optional<User> load(String username) {
    String json = call(redis -> redis.get(nameKey(username)));
    if (json == null) {
      return Optional.empty();
    }
    User user = user(json, nameKey(username));
    known.remember(user);
    return Optional.of(user);
  }

  private <T> T call(Function<C, T> command) {
    try {
      return command.apply(commands.get());
    } catch (RedisException | CancellationException e) {
      // CancellationException: what Lettuce throws for commands in flight during a failover
      throw new AccountsUnavailableException(
          "Redis at " + where + " is unavailable for accounts: " + e.getClass().getSimpleName(), e);
    }
  }

  private static String json(User user) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", user.id());
    node.put("username", user.username());
    node.put("password_hash", user.passwordHash());
    user.roles().stream().sorted().forEach(node.putArray("roles")::add);
    return node.toString();
  }

  private static User user(String json, String key) {
    try {
      JsonNode node = JSON.readTree(json);
      Set<String> roles = new HashSet<>();
      List<String> missing = new ArrayList<>();
      for (String field : List.of("id", "username", "password_hash", "roles")) {
        if (node.get(field) == null) {
          missing.add(field);
        }
      }
      if (!missing.isEmpty()) {
        throw new IllegalStateException(key + " is not an account: it lacks " + missing);
      }
      node.get("roles").forEach(role -> roles.add(role.asString()));
      return new User(
          node.get("id").asString(),
          node.get("username").asString(),
          node.get("password_hash").asString(),
          Set.copyOf(roles));
    } catch (JacksonException e) {
      throw new IllegalStateException(key + " is not an account: not JSON", e);
    }
  }
}
