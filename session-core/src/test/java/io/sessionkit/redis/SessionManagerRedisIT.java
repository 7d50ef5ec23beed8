package io.sessionkit.redis;

import io.sessionkit.SessionManagerTest;
import io.sessionkit.SessionStore;
import io.sessionkit.testing.MutableClock;
import io.sessionkit.testing.RedisExtension;
import io.sessionkit.testing.RedisServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every flow of the facade's test, on a real Redis. */
@ExtendWith(RedisExtension.class)
class SessionManagerRedisIT extends SessionManagerTest {

  private static String uri;

  @BeforeAll
  static void redis(RedisServer server) {
    uri = server.uri();
  }

  @Override
  protected SessionStore newStore(MutableClock clock) {
    return RedisSessionStore.builder().uri(uri).clock(clock).build();
  }
}
