package io.sessionkit.example;

import io.sessionkit.testing.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RedisAccountStore} on a real Redis Cluster (3 masters, 1 replica each), as the app runs it
 * with {@code REDIS_CLUSTER_NODES}: the account contract, the one-winner registration race
 * included, with the two keys of an account in different slots.
 */
class RedisClusterAccountStoreIT extends AccountStoreContract {

  @RegisterExtension static final RedisExtension CLUSTER = RedisExtension.privateCluster();

  private final List<AutoCloseable> opened = new ArrayList<>();

  @Override
  AccountStore store() {
    RedisAccountStore<?> store =
        RedisAccountStore.on(
            AccountsRedis.cluster(
                CLUSTER.server().nodes(), Duration.ofSeconds(1), Duration.ofSeconds(1)));
    opened.add(store);
    return store;
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable store : opened) {
      store.close();
    }
  }
}
