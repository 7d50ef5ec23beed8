package io.sessionkit.redis;

import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreContract;
import io.sessionkit.testing.MutableClock;
import io.sessionkit.testing.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store contract on a real master and replica behind three Sentinels. */
class RedisSentinelSessionStoreIT extends SessionStoreContract {

  @RegisterExtension static final RedisExtension SENTINEL = RedisExtension.privateSentinel();

  @Override
  protected void awaitWrites() {
    ((RedisSessionStore) store).awaitWrites(java.time.Duration.ofSeconds(5));
  }

  @Override
  protected SessionStore createStore(MutableClock clock) {
    return RedisSessionStore.builder().uri(SENTINEL.server().uri()).clock(clock).build();
  }
}
