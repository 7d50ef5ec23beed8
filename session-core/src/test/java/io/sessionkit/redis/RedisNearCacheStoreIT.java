package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreContract;
import io.sessionkit.testing.MutableClock;
import io.sessionkit.testing.RedisExtension;
import io.sessionkit.testing.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The store contract with the near-cache on: what a store answers does not change when verdicts
 * come from the cache. Activity found due on a cached verdict is recorded without waiting, so the
 * contract waits for those writes before reading activity back.
 */
@ExtendWith(RedisExtension.class)
class RedisNearCacheStoreIT extends SessionStoreContract {

  private static String uri;

  @BeforeAll
  static void connect(RedisServer server) {
    uri = server.uri();
  }

  @Override
  protected void awaitWrites() {
    assertThat(((RedisSessionStore) store).awaitWrites(Duration.ofSeconds(5))).isTrue();
  }

  @Override
  protected SessionStore createStore(MutableClock clock) {
    return RedisSessionStore.builder()
        .uri(uri)
        .clock(clock)
        .nearCache(Duration.ofSeconds(30), 10_000)
        .build();
  }
}
