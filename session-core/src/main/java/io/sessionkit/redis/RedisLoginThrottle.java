package io.sessionkit.redis;

import io.lettuce.core.ScriptOutputType;
import io.sessionkit.LoginThrottle;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.internal.Require;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LoginThrottle} in Redis, on the connection of a {@link RedisSessionStore}, shared by
 * every instance: one counter {@code login-failures:<hash of the key>} per key, whose TTL is the
 * window (it starts at the first failure and runs on Redis's clock). Each call is one round trip.
 * Thread-safe.
 */
public final class RedisLoginThrottle implements LoginThrottle {

  private static final Logger log = LoggerFactory.getLogger(RedisLoginThrottle.class);
  private static final RedisScript THROTTLE = RedisScript.load("throttle");

  private final RedisBackend redis;
  private final RedisKeys keys;
  private final int maxFailures;
  private final Duration window;

  private RedisLoginThrottle(RedisBackend redis, RedisKeys keys, int maxFailures, Duration window) {
    this.redis = redis;
    this.keys = keys;
    this.maxFailures = maxFailures;
    this.window = window;
  }

  /**
   * A throttle in the Redis of {@code store}, on its connection, refusing attempts after {@code
   * maxFailures} failures within {@code window}.
   */
  public static RedisLoginThrottle sharing(
      RedisSessionStore store, int maxFailures, Duration window) {
    Objects.requireNonNull(store, "store");
    Require.atLeast(maxFailures, 1, "maxFailures");
    if (window.toMillis() < 1) {
      throw new IllegalArgumentException("window must be at least 1 ms, but was " + window);
    }
    return new RedisLoginThrottle(store.backend(), store.keys(), maxFailures, window);
  }

  // hashed: keys carry user names and addresses, which have no place in a key listing
  String key(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return keys.loginFailures(Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  @Override
  public Decision check(String key) {
    return decide(key, "check");
  }

  @Override
  public Decision recordFailure(String key) {
    return decide(key, "fail");
  }

  @Override
  public void reset(String key) {
    try {
      redis.call(commands -> commands.del(key(key)));
    } catch (SessionStoreUnavailableException e) {
      log.warn("Redis unavailable: login failures not reset");
    }
  }

  private Decision decide(String key, String mode) {
    List<Object> answer;
    try {
      answer =
          redis.run(
              THROTTLE,
              ScriptOutputType.MULTI,
              new String[] {key(key)},
              mode,
              Long.toString(window.toMillis()));
    } catch (SessionStoreUnavailableException e) {
      log.warn("Redis unavailable: login attempt let through without throttling");
      return Decision.allow();
    }
    long failures = (Long) answer.get(0);
    long remainingMillis = (Long) answer.get(1);
    if (failures < maxFailures) {
      return Decision.allow();
    }
    return Decision.refuse(Duration.ofMillis(Math.max(remainingMillis, 1)));
  }
}
