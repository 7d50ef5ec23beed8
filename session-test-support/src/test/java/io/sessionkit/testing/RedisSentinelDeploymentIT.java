package io.sessionkit.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisSentinelDeploymentIT {

  @RegisterExtension static final RedisExtension SENTINEL = RedisExtension.privateSentinel();

  private static final Duration FAILOVER = Duration.ofSeconds(60);

  @Test
  void theSentinelsAgreeOnAMasterAndTheUriListsThemAll() {
    RedisServer group = SENTINEL.server();
    List<String> nodes = group.nodes();

    assertThat(group.source()).isEqualTo(RedisServer.SOURCE_SENTINEL);
    assertThat(nodes).hasSize(2);
    assertThat(nodes).contains(group.masterOf("any"));
    assertThat(group.uri())
        .matches(
            "redis-sentinel://127\\.0\\.0\\.1:\\d+,127\\.0\\.0\\.1:\\d+,127\\.0\\.0\\.1:\\d+#sessionkit");
  }

  @Test
  void aKilledMastersReplicaIsPromotedAndTheRestartedServerFollowsIt() {
    RedisServer group = SENTINEL.server();
    String master = group.masterOf("any");

    group.kill(master);

    assertThat(
            Await.atMost(FAILOVER)
                .every(Duration.ofMillis(100))
                .holds(() -> promotedOtherThan(group, "any", master)))
        .isTrue();
    group.restart(master);
    group.awaitHealthy(FAILOVER);
    String promoted = group.masterOf("any");
    assertThat(promoted).isNotEqualTo(master);
    int port = Integer.parseInt(master.substring(master.lastIndexOf(':') + 1));
    assertThat(RedisNodes.info(port, "replication")).containsEntry("role", "slave");
  }

  // while the replica is not promoted yet, no master serves the key
  private static boolean promotedOtherThan(RedisServer topology, String key, String old) {
    try {
      return !topology.masterOf(key).equals(old);
    } catch (IllegalStateException notYet) {
      return false;
    }
  }
}
