package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.sessionkit.LoginThrottle;
import io.sessionkit.LoginThrottleContract;
import io.sessionkit.testing.MutableClock;
import io.sessionkit.testing.RedisExtension;
import io.sessionkit.testing.RedisServer;
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
    return RedisLoginThrottle.sharing(store, MAX_FAILURES, WINDOW);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void theCounterKeyHasTheWindowAsItsTtlAndNamesNoUser() {
    String key = newKey();
    throttle.recordFailure(key);

    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      String redisKey = ((RedisLoginThrottle) throttle).key(key);
      assertThat(redisKey).startsWith("login-failures:").doesNotContain("alice");
      assertThat(connection.sync().pttl(redisKey))
          .isBetween(WINDOW.toMillis() - 5_000, WINDOW.toMillis());
    } finally {
      client.shutdown();
    }
  }

  @Test
  void anUnreachableRedisLetsAttemptsThrough() {
    try (RedisServer down = RedisServer.startLocal();
        RedisSessionStore broken = RedisSessionStore.builder().uri(down.uri()).build()) {
      LoginThrottle brokenThrottle = RedisLoginThrottle.sharing(broken, 1, WINDOW);
      down.stop();

      assertThat(brokenThrottle.recordFailure("k").allowed()).isTrue();
      assertThat(brokenThrottle.check("k").allowed()).isTrue();
    }
  }
}
