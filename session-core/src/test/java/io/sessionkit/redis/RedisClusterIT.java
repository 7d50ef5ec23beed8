package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.sessionkit.ActivityEntry;
import io.sessionkit.ClientInfo;
import io.sessionkit.Login;
import io.sessionkit.SessionEnd;
import io.sessionkit.SessionManager;
import io.sessionkit.jwt.JwtTokenService;
import io.sessionkit.jwt.SigningKey;
import io.sessionkit.testing.Await;
import io.sessionkit.testing.RedisExtension;
import io.sessionkit.testing.RedisServer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store on a real Redis Cluster beyond the contract: the activity log beside it, and the
 * deployments it refuses at start with a message that says what to configure.
 */
class RedisClusterIT {

  @RegisterExtension static final RedisExtension CLUSTER = RedisExtension.privateCluster();

  @Test
  void theActivityLogKeepsEachUsersEntriesOnTheCluster() {
    try (RedisSessionStore store =
        RedisSessionStore.builder().clusterNodes(CLUSTER.server().nodes()).build()) {
      RedisActivityLog log = RedisActivityLog.sharing(store, 10, Duration.ofDays(1));
      List<String> users = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        users.add("activity-" + System.nanoTime() + "-" + i);
      }
      Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      for (String user : users) {
        log.record(
            new ActivityEntry(
                user, ActivityEntry.Type.LOGIN, at, "198.51.100.4", "curl", Optional.empty()));
      }
      assertThat(store.awaitWrites(Duration.ofSeconds(5))).isTrue();

      for (String user : users) {
        assertThat(log.recent(user, 5))
            .singleElement()
            .satisfies(e -> assertThat(e.at()).isEqualTo(at));
      }
    }
  }

  @Test
  void endsAnnouncedOnAnyMasterReachEverySubscriber() throws Exception {
    List<String> nodes = CLUSTER.server().nodes();
    try (RedisSessionStore announcing = RedisSessionStore.builder().clusterNodes(nodes).build();
        RedisSessionStore listening = RedisSessionStore.builder().clusterNodes(nodes).build();
        SessionManager manager =
            SessionManager.builder()
                .store(announcing)
                .tokenService(
                    JwtTokenService.builder()
                        .signingKey(
                            SigningKey.hmacSha256("k1", "cluster-ends-key-0123456789abcdef01234"))
                        .build())
                .build()) {
      ClientInfo client = new ClientInfo("198.51.100.5", "curl");
      String run = Long.toString(System.nanoTime(), 36);
      List<SessionEnd> heard = new CopyOnWriteArrayList<>();
      try (AutoCloseable subscription = listening.onEnds(heard::add)) {
        // the subscription connects in the background: announce until it hears one
        Await.atMost(Duration.ofSeconds(10))
            .every(Duration.ofMillis(50))
            .until(
                "the subscription hears",
                () -> {
                  Login login = manager.login("warm-" + run, Set.of("USER"), client);
                  manager.logout(login.session().id(), client);
                  return !heard.isEmpty();
                });
        // users spread over the three masters: their ends are published on each of them
        List<SessionEnd> expected = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
          Login login = manager.login("ends-" + run + "-" + i, Set.of("USER"), client);
          assertThat(manager.logout(login.session().id(), client)).isTrue();
          expected.add(SessionEnd.ofSession(login.session().id()));
        }
        Await.atMost(Duration.ofSeconds(10))
            .every(Duration.ofMillis(20))
            .until("every end heard", () -> heard.containsAll(expected));
      }
    }
  }

  @Test
  void aUriThatReachesAClusterNodeIsRefusedWithWhatToSet() {
    String node = CLUSTER.server().nodes().get(0);
    try (RedisSessionStore store = RedisSessionStore.builder().uri("redis://" + node).build()) {
      Throwable refused = catchThrowable(store::verifyDeployment);

      assertThat(refused)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Redis at " + node)
          .hasMessageContaining("cluster_enabled:1")
          .hasMessageContaining("clusterNodes")
          .hasMessageContaining("sessionkit.redis.cluster.nodes")
          .hasMessageContaining("REDIS_CLUSTER_NODES");
      assertThat(store.ping()).isFalse();
    }
  }

  @Test
  void clusterNodesThatAreAStandaloneServerAreRefusedWithWhatToSet() {
    try (RedisServer single = RedisServer.startLocal();
        RedisSessionStore store =
            RedisSessionStore.builder().clusterNodes("127.0.0.1:" + single.port()).build()) {
      assertThat(catchThrowable(store::verifyDeployment))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not a Redis Cluster node")
          .hasMessageContaining("uri(");
    }
  }

  @Test
  void clusterNodesOfTwoClustersAreRefused() {
    // a cluster node that never joined: a cluster of its own, with no slots
    try (RedisServer lonely =
            RedisServer.startLocal(
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                "nodes.conf",
                // so that its CLUSTER NODES names its address, as a node that ever joined does
                "--cluster-announce-ip",
                "127.0.0.1");
        RedisSessionStore store =
            RedisSessionStore.builder()
                .clusterNodes(CLUSTER.server().nodes().get(0), "127.0.0.1:" + lonely.port())
                .build()) {
      assertThat(catchThrowable(store::verifyDeployment))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("do not form one cluster");
    }
  }
}
