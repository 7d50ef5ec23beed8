package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.SlotHash;
import io.sessionkit.AuthenticationResult;
import io.sessionkit.Login;
import io.sessionkit.internal.SessionIds;
import io.sessionkit.testing.Await;
import io.sessionkit.testing.RedisExtension;
import io.sessionkit.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link FailoverUnderLoad} on a Redis Cluster of three masters with a replica each, and a slot
 * migrated while its users' sessions are in use: commands that find the slot's keys split between
 * two nodes are answered TRYAGAIN and tried again, a logout everywhere sent meanwhile ends every
 * session of its user, and no session of the slot is lost.
 */
class RedisClusterFailoverIT extends FailoverUnderLoad {

  @RegisterExtension static final RedisExtension CLUSTER = RedisExtension.privateCluster();

  private static final int SESSIONS = 10;

  @Override
  RedisServer topology() {
    return CLUSTER.server();
  }

  @Override
  RedisSessionStore.Builder storeOn(RedisServer topology) {
    return RedisSessionStore.builder().clusterNodes(topology.nodes());
  }

  @Override
  String masterHolding(Login login) {
    return topology().masterOf(hashTag(login.session().userId()));
  }

  private static String hashTag(String userId) {
    return "{" + SessionIds.userTag(userId) + "}";
  }

  @Test
  void aSlotMigratedUnderLoadLosesNoSessionAndLeavesNoLogoutEverywhereHalfDone() throws Exception {
    startManager();
    String stayer = "stayer-" + runId;
    int slot = SlotHash.getSlot(hashTag(stayer));
    // another user in the same slot, whose logout everywhere runs while the slot moves
    String leaver = null;
    for (int i = 0; leaver == null; i++) {
      String candidate = "leaver-" + runId + "-" + i;
      if (SlotHash.getSlot(hashTag(candidate)) == slot) {
        leaver = candidate;
      }
    }
    List<Login> staying = new ArrayList<>();
    List<Login> leaving = new ArrayList<>();
    for (int i = 0; i < SESSIONS; i++) {
      staying.add(manager.login(stayer, Set.of("USER"), CLIENT));
      leaving.add(manager.login(leaver, Set.of("USER"), CLIENT));
    }
    String source = topology().masterOf(hashTag(stayer));
    String target =
        topology().nodes().stream()
            .filter(node -> !node.equals(source))
            .filter(node -> "master".equals(topology().info(node, "replication").get("role")))
            .findFirst()
            .orElseThrow();
    long tryAgainBefore = tryAgains(source, target);
    String leavingUser = leaver;
    java.util.concurrent.atomic.AtomicReference<CompletableFuture<Integer>> logoutEverywhere =
        new java.util.concurrent.atomic.AtomicReference<>();

    Load load = new Load(staying, List.of());
    try {
      Await.atMost(Duration.ofSeconds(10))
          .every(Duration.ofMillis(10))
          .until("the load runs", () -> load.answers.get() > 50);
      topology()
          .migrateSlotOf(
              hashTag(stayer),
              target,
              () -> {
                logoutEverywhere.set(
                    CompletableFuture.supplyAsync(() -> manager.logoutAll(leavingUser, CLIENT)));
                // the slot stays split until Redis has refused a command for it
                Await.atMost(Duration.ofSeconds(10))
                    .every(Duration.ofMillis(5))
                    .until("a TRYAGAIN", () -> tryAgains(source, target) > tryAgainBefore);
              });
      assertThat(logoutEverywhere.get().get())
          .as("sessions ended by the logout everywhere")
          .isEqualTo(SESSIONS);
    } finally {
      load.close();
      System.out.printf(
          "slot migration: %d answers: %s; slowest %d ms; TRYAGAIN answered %d times%n",
          load.answers.get(),
          load.statuses,
          load.slowestMillis.get(),
          tryAgains(source, target) - tryAgainBefore);
    }
    assertThat(topology().masterOf(hashTag(stayer))).isEqualTo(target);
    assertThat(load.anomalies).isEmpty();
    assertThat(load.statuses).doesNotContainKey(AuthenticationResult.Status.STORE_UNAVAILABLE);

    RedisSessionStore fresh = newStore();
    for (Login login : staying) {
      assertThat(fresh.find(login.session().id())).as("a session of the moved slot").isPresent();
    }
    for (Login login : leaving) {
      assertThat(fresh.find(login.session().id())).as("ended by the logout everywhere").isEmpty();
    }
  }

  // TRYAGAIN answered by either node: the source for keys it still has, the target for the rest
  private long tryAgains(String... nodes) {
    long count = 0;
    for (String node : nodes) {
      String tryAgain = topology().info(node, "errorstats").get("errorstat_TRYAGAIN");
      count += tryAgain == null ? 0 : Long.parseLong(tryAgain.replaceFirst("count=(\\d+).*", "$1"));
    }
    return count;
  }
}
