package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.LoginThrottle;
import io.sessionkit.LoginThrottleContract;
import io.sessionkit.testing.MutableClock;
import io.sessionkit.testing.RedisExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The login throttle contract on a real Redis Cluster: an attempt's counters live in two slots (the
 * account's and the address's), sent together to their two masters.
 */
class RedisClusterLoginThrottleIT extends LoginThrottleContract {

  @RegisterExtension static final RedisExtension CLUSTER = RedisExtension.privateCluster();

  private RedisSessionStore store;

  @Override
  protected LoginThrottle createThrottle(MutableClock clock) {
    store = RedisSessionStore.builder().clusterNodes(CLUSTER.server().nodes()).clock(clock).build();
    return RedisLoginThrottle.sharing(store, LIMITS);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Override
  protected boolean countsEveryAttemptInOneOrder() {
    return false;
  }

  @Override
  protected void settle() {
    // successes are sent without waiting, to the masters of their slots
    assertThat(store.awaitWrites(Duration.ofSeconds(5))).isTrue();
  }
}
