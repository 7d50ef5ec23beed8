package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.sessionkit.AuthenticationResult;
import io.sessionkit.ClientInfo;
import io.sessionkit.Login;
import io.sessionkit.SessionManager;
import io.sessionkit.jwt.JwtTokenService;
import io.sessionkit.jwt.SigningKey;
import io.sessionkit.testing.Await;
import io.sessionkit.testing.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The near-cache on a real Redis Cluster (three masters, one replica each): verdicts of users whose
 * indexes live on every master are cached, and an end on one instance is refused on the other
 * through the masters' broadcast invalidations.
 */
class NearCacheClusterIT {

  @RegisterExtension static final RedisExtension CLUSTER = RedisExtension.privateCluster();

  private static final SigningKey KEY =
      SigningKey.hmacSha256("k1", "near-cache-cluster-test-key-0123456789ab");
  private static final ClientInfo LAPTOP = new ClientInfo("198.51.100.1", "Firefox on Linux");
  // an invalidation takes about a millisecond; the rest is room for a loaded 2-core machine
  private static final Await WITHIN_BOUND =
      Await.atMost(Duration.ofSeconds(1)).every(Duration.ofMillis(1));
  // enough users that every master holds some of their indexes
  private static final int USERS = 24;

  private RedisSessionStore storeA;
  private RedisSessionStore storeB;
  private SessionManager instanceA;
  private SessionManager instanceB;

  @BeforeEach
  void start() {
    storeA = store();
    storeB = store();
    instanceA = manager(storeA);
    instanceB = manager(storeB);
  }

  @AfterEach
  void stop() {
    instanceA.close();
    instanceB.close();
    storeA.close();
    storeB.close();
  }

  private static RedisSessionStore store() {
    return RedisSessionStore.builder()
        .clusterNodes(CLUSTER.server().nodes())
        .nearCache(Duration.ofSeconds(30), 10_000)
        .build();
  }

  private static SessionManager manager(RedisSessionStore store) {
    return SessionManager.builder()
        .store(store)
        .tokenService(JwtTokenService.builder().signingKey(KEY).build())
        .build();
  }

  private List<Login> loginsOnA(String prefix) {
    List<Login> logins = new ArrayList<>();
    for (int i = 0; i < USERS; i++) {
      logins.add(instanceA.login(prefix + "-" + i, Set.of(), LAPTOP));
    }
    return logins;
  }

  private static boolean accepts(SessionManager instance, Login login) {
    AuthenticationResult result = instance.authenticate(login.accessToken().value());
    return result.isAuthenticated() && !result.withoutStore();
  }

  private static boolean refuses(SessionManager instance, Login login) {
    return !instance.authenticate(login.accessToken().value()).isAuthenticated();
  }

  // summed over the cluster's nodes, from INFO
  private static long sum(String section, ToLongFunction<java.util.Map<String, String>> field) {
    return CLUSTER.server().nodes().stream()
        .mapToLong(node -> field.applyAsLong(CLUSTER.server().info(node, section)))
        .sum();
  }

  private static long scriptCalls() {
    return sum("commandstats", stats -> calls(stats.get("cmdstat_evalsha")));
  }

  private static long calls(String stat) {
    if (stat == null) {
      return 0;
    }
    String calls = stat.split(",")[0];
    return Long.parseLong(calls.substring(calls.indexOf('=') + 1));
  }

  @Test
  void sessionsWhoseIndexesLiveOnEveryMasterAreCheckedWithoutAnyRoundTrip() {
    List<Login> logins = loginsOnA("cached");
    logins.forEach(login -> assertThat(accepts(instanceB, login)).isTrue());
    Set<String> masters = new java.util.HashSet<>();
    for (Login login : logins) {
      masters.add(CLUSTER.server().masterOf("user-sessions:{" + tagOf(login) + "}"));
    }
    long before = scriptCalls();

    for (int round = 0; round < 5; round++) {
      logins.forEach(login -> assertThat(accepts(instanceB, login)).isTrue());
    }

    assertThat(masters).as("masters holding the users' indexes").hasSize(3);
    assertThat(scriptCalls() - before).isZero();
    assertThat(storeB.nearCache().orElseThrow().size()).isEqualTo(USERS);
  }

  @Test
  void anEndOnOneInstanceIsRefusedOnTheOtherWhicheverMasterHoldsTheUser() {
    List<Login> logins = loginsOnA("ended");
    logins.forEach(login -> assertThat(accepts(instanceB, login)).isTrue());

    for (int i = 0; i < logins.size(); i++) {
      Login login = logins.get(i);
      if (i % 2 == 0) {
        instanceA.logout(login.session().id(), LAPTOP);
      } else {
        instanceA.logoutAll(login.session().userId(), LAPTOP);
      }
      WITHIN_BOUND.until("ended session refused on B", () -> refuses(instanceB, login));
    }
  }

  @Test
  void aLostTrackingConnectionEmptiesTheCache() {
    List<Login> logins = loginsOnA("lost");
    logins.forEach(login -> assertThat(accepts(instanceB, login)).isTrue());
    assertThat(storeB.nearCache().orElseThrow().size()).isEqualTo(USERS);

    killTrackingClients();

    Await.atMost(Duration.ofSeconds(5))
        .until("cache emptied", () -> storeB.nearCache().orElseThrow().size() == 0);
    // and it fills again, with fresh tracking connections (once the last of the killed ones has
    // been noticed: each notice empties the cache again)
    Await.atMost(Duration.ofSeconds(5))
        .until(
            "cache filled again",
            () -> {
              logins.forEach(login -> assertThat(accepts(instanceB, login)).isTrue());
              return storeB.nearCache().orElseThrow().size() == USERS;
            });
  }

  // CLIENT KILL of every client with tracking on (flag t), on every node
  private static void killTrackingClients() {
    for (String node : CLUSTER.server().nodes()) {
      RedisClient client = RedisClient.create("redis://" + node);
      try (StatefulRedisConnection<String, String> connection = client.connect()) {
        for (String line : connection.sync().clientList().split("\n")) {
          String flags = field(line, "flags");
          if (flags.contains("t")) {
            connection
                .sync()
                .clientKill(io.lettuce.core.KillArgs.Builder.id(Long.parseLong(field(line, "id"))));
          }
        }
      } finally {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
    }
  }

  private static String field(String clientLine, String name) {
    for (String part : clientLine.trim().split(" ")) {
      if (part.startsWith(name + "=")) {
        return part.substring(name.length() + 1);
      }
    }
    return "";
  }

  private static String tagOf(Login login) {
    return io.sessionkit.internal.SessionIds.tagOf(login.session().id()).orElseThrow();
  }
}
