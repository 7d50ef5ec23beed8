package io.sessionkit.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisClusterDeploymentIT {

  @RegisterExtension static final RedisExtension CLUSTER = RedisExtension.privateCluster();

  private static final Duration FAILOVER = Duration.ofSeconds(60);

  @Test
  void startsThreeMastersEachWithOneLinkedReplica() {
    RedisServer cluster = CLUSTER.server();
    List<String> nodes = cluster.nodes();

    assertThat(cluster.source()).isEqualTo(RedisServer.SOURCE_CLUSTER);
    assertThat(nodes).hasSize(6).doesNotHaveDuplicates();
    int masters = 0;
    for (String node : nodes) {
      Map<String, String> info = RedisNodes.info(port(node), "replication");
      if ("master".equals(info.get("role"))) {
        masters++;
        assertThat(info.get("connected_slaves")).isEqualTo("1");
      } else {
        assertThat(info.get("master_link_status")).isEqualTo("up");
      }
    }
    assertThat(masters).isEqualTo(3);
    // keys of different slots live on different masters
    HashSet<String> owners = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      owners.add(cluster.masterOf("key-" + i));
    }
    assertThat(owners).hasSize(3);
  }

  @Test
  void aKilledMastersReplicaTakesOverAndTheRestartedNodeRejoins() {
    RedisServer cluster = CLUSTER.server();
    String master = cluster.masterOf("{failover}");

    cluster.kill(master);

    assertThat(
            Await.atMost(FAILOVER)
                .every(Duration.ofMillis(100))
                .holds(() -> promotedOtherThan(cluster, "{failover}", master)))
        .isTrue();
    cluster.restart(master);
    cluster.awaitHealthy(FAILOVER);
    assertThat(RedisNodes.info(port(master), "replication")).containsEntry("role", "slave");
  }

  private static int port(String node) {
    return Integer.parseInt(node.substring(node.lastIndexOf(':') + 1));
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
