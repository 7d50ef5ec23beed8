package io.sessionkit.redis;

import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreContract;
import io.sessionkit.testing.MutableClock;
import io.sessionkit.testing.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store contract on a real Redis Cluster of three masters with one replica each. */
class RedisClusterSessionStoreIT extends SessionStoreContract {

  @RegisterExtension static final RedisExtension CLUSTER = RedisExtension.privateCluster();

  @Override
  protected void awaitWrites() {
    ((RedisSessionStore) store).awaitWrites(java.time.Duration.ofSeconds(5));
  }

  @Override
  protected SessionStore createStore(MutableClock clock) {
    return RedisSessionStore.builder().clusterNodes(CLUSTER.server().nodes()).clock(clock).build();
  }
}
