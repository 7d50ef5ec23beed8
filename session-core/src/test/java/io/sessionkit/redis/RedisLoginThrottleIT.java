package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.sessionkit.LoginThrottle;
import io.sessionkit.LoginThrottleContract;
import io.sessionkit.testing.MutableClock;
import io.sessionkit.testing.RedisExtension;
import io.sessionkit.testing.RedisServer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisExtension.class)
class RedisLoginThrottleIT extends LoginThrottleContract {

  private static String uri;
  private RedisSessionStore store;

  @BeforeAll
  static void redis(RedisServer server) {
    uri = server.uri();
  }

  @Override
  protected LoginThrottle createThrottle(MutableClock clock) {
    store = RedisSessionStore.builder().uri(uri).clock(clock).build();
    return RedisLoginThrottle.sharing(store, LIMITS);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Override
  protected void settle() throws Exception {
    // successes are sent without waiting: a PING on the same connection comes back after them
    store.ping();
  }

  @Test
  void theCountersHaveTheWindowAsTheirTtlAndNameNoUserOrAddress() {
    throttle.attempt("alice", "198.51.100.77");

    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      var redis = connection.sync();
      String account = RedisLoginThrottle.digest("alice");
      String address = RedisLoginThrottle.digest("198.51.100.77");
      for (String key :
          List.of(
              "login-attempts:{" + account + "}:" + address,
              "login-attempts:{" + account + "}",
              "login-attempts-from:{" + address + "}")) {
        assertThat(redis.get(key)).as(key).isEqualTo("1");
        assertThat(redis.pttl(key)).as(key).isBetween(WINDOW.toMillis() - 5_000, WINDOW.toMillis());
        assertThat(key).doesNotContain("alice", "198.51");
      }
    } finally {
      client.shutdown();
    }
  }

  @Test
  void anUnreachableRedisStillThrottlesOnThisInstance() {
    try (RedisServer down = RedisServer.startLocal();
        RedisSessionStore broken = RedisSessionStore.builder().uri(down.uri()).build()) {
      LoginThrottle brokenThrottle =
          RedisLoginThrottle.sharing(broken, new LoginThrottle.Limits(1, 10, 10, WINDOW));
      down.stop();

      assertThat(brokenThrottle.attempt("k", "a").allowed()).isTrue();
      assertThat(brokenThrottle.attempt("k", "a").allowed()).isFalse();
    }
  }
}
