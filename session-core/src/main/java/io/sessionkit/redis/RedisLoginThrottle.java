package io.sessionkit.redis;

import io.lettuce.core.ScriptOutputType;
import io.sessionkit.LoginThrottle;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.internal.AggregatedWarning;
import io.sessionkit.memory.InMemoryLoginThrottle;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LoginThrottle} in Redis, on the connection of a {@link RedisSessionStore}, shared by
 * every instance. Its counters are {@code login-attempts:{<account>}:<address>} and {@code
 * login-attempts:{<account>}} (one Redis Cluster slot per account, counted together in one script)
 * and {@code login-attempts-from:{<address>}}, named by digests so that no user name or address
 * appears in a key; each has the window as its TTL, from its first attempt. An attempt is one round
 * trip (both scripts sent together); a success is written without waiting.
 *
 * <p>While Redis is unreachable the throttle counts on this instance instead (in memory, with the
 * same limits), and says so in the log once per ten seconds. Thread-safe.
 */
public final class RedisLoginThrottle implements LoginThrottle {

  private static final Logger log = LoggerFactory.getLogger(RedisLoginThrottle.class);
  private static final RedisScript ATTEMPT = RedisScript.load("throttle");
  private static final RedisScript SUCCEEDED = RedisScript.load("throttle_succeeded");

  private final RedisBackend redis;
  private final RedisKeys keys;
  private final Limits limits;
  private final LoginThrottle local;
  private final AggregatedWarning countedLocally =
      new AggregatedWarning(
          log,
          Duration.ofSeconds(10),
          "Redis unavailable: {} login attempts throttled on this instance alone");

  private RedisLoginThrottle(RedisBackend redis, RedisKeys keys, Limits limits) {
    this.redis = redis;
    this.keys = keys;
    this.limits = limits;
    this.local = InMemoryLoginThrottle.create(Clock.systemUTC(), limits);
  }

  /** A throttle with these limits in the Redis of {@code store}, on its connection. */
  public static RedisLoginThrottle sharing(RedisSessionStore store, Limits limits) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(limits, "limits");
    return new RedisLoginThrottle(store.backend(), store.keys(), limits);
  }

  @Override
  public Decision attempt(String account, String address) {
    String accountDigest = digest(Objects.requireNonNull(account, "account"));
    String addressDigest = digest(Objects.requireNonNull(address, "address"));
    String window = Long.toString(limits.window().toMillis());
    List<Object> answers;
    try {
      answers =
          redis.runTogether(
              List.of(
                  new RedisBackend.ScriptCall(
                      ATTEMPT,
                      ScriptOutputType.MULTI,
                      new String[] {
                        keys.loginAttempts(accountDigest, addressDigest),
                        keys.loginAttempts(accountDigest)
                      },
                      new String[] {
                        "",
                        window,
                        Integer.toString(limits.perAccountAndAddress()),
                        Integer.toString(limits.perAccount())
                      }),
                  new RedisBackend.ScriptCall(
                      ATTEMPT,
                      ScriptOutputType.MULTI,
                      new String[] {keys.loginAttemptsFrom(addressDigest)},
                      new String[] {"", window, Integer.toString(limits.perAddress())})));
    } catch (SessionStoreUnavailableException e) {
      countedLocally.record();
      return local.attempt(account, address);
    }
    long wait = 0;
    for (Object answer : answers) {
      List<?> decision = (List<?>) answer;
      if ((Long) decision.get(0) == 0L) {
        wait = Math.max(wait, (Long) decision.get(1));
      }
    }
    return wait == 0 ? Decision.allow() : Decision.refuse(Duration.ofMillis(wait));
  }

  @Override
  public void succeeded(String account, String address) {
    String accountDigest = digest(Objects.requireNonNull(account, "account"));
    String addressDigest = digest(Objects.requireNonNull(address, "address"));
    local.succeeded(account, address);
    redis.runLater(
        new RedisBackend.ScriptCall(
            SUCCEEDED,
            ScriptOutputType.INTEGER,
            new String[] {
              keys.loginAttempts(accountDigest, addressDigest), keys.loginAttempts(accountDigest)
            },
            new String[] {"", "1"}));
    redis.runLater(
        new RedisBackend.ScriptCall(
            SUCCEEDED,
            ScriptOutputType.INTEGER,
            new String[] {keys.loginAttemptsFrom(addressDigest)},
            new String[] {"", "0"}));
  }

  // 96 bits of SHA-256: user names and addresses have no place in a key listing
  static String digest(String value) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
