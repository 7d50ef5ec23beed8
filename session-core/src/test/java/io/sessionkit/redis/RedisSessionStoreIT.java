package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.sessionkit.RefreshRotation;
import io.sessionkit.Session;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreContract;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.internal.SessionIds;
import io.sessionkit.testing.MutableClock;
import io.sessionkit.testing.RedisExtension;
import io.sessionkit.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisExtension.class)
class RedisSessionStoreIT extends SessionStoreContract {

  private static String uri;
  private static RedisClient client;
  private static StatefulRedisConnection<String, String> connection;
  private static RedisCommands<String, String> redis;

  @BeforeAll
  static void connect(RedisServer server) {
    uri = server.uri();
    client = RedisClient.create(uri);
    connection = client.connect();
    redis = connection.sync();
  }

  @AfterAll
  static void disconnect() {
    connection.close();
    client.shutdown();
  }

  @Override
  protected SessionStore createStore(MutableClock clock) {
    return RedisSessionStore.builder().uri(uri).clock(clock).build();
  }

  private static List<String> keysOf(String userId) {
    List<String> keys = new ArrayList<>();
    ScanIterator<String> scan =
        ScanIterator.scan(
            redis, ScanArgs.Builder.matches("*{" + SessionIds.userTag(userId) + "}*").limit(1000));
    scan.forEachRemaining(keys::add);
    return keys;
  }

  @Test
  void everyKeyWrittenHasATtlAndNoneRemainOnceAllSessionsEnd() {
    String user = newUser();
    Session revoked = created(user);
    Session rotated = created(user);
    store.rotateRefreshToken(
        new RefreshRotation(rotated.id(), hash("first"), hash("second"), "sealed", GRACE));
    Session idle = store.create(newSession(user, Duration.ofMinutes(30)), hash("i"), 0).session();
    clock.advance(Duration.ofMinutes(2));
    store.touch(idle.id(), Duration.ofMinutes(1));

    List<String> keys = keysOf(user);
    assertThat(keys).hasSize(7);
    for (String key : keys) {
      assertThat(redis.pttl(key)).as("TTL of %s", key).isPositive();
    }

    store.revoke(revoked.id());
    assertThat(keysOf(user)).hasSize(5);
    store.revokeAllOfUser(user);
    assertThat(keysOf(user)).isEmpty();
  }

  @Test
  void theSessionKeyIsOneReadableJsonStringPerSession() {
    String user = newUser();
    Session session = created(user);

    List<String> sessionKeys = keysOf(user).stream().filter(k -> k.startsWith("session:")).toList();

    assertThat(sessionKeys)
        .containsExactly("session:{" + SessionIds.userTag(user) + "}:" + session.id());
    String json = redis.get(sessionKeys.get(0));
    assertThat(json)
        .startsWith("{\"session_id\":\"" + session.id() + "\",\"user_id\":\"" + user + "\"")
        .contains("\"created_at\":\"" + SessionJson.time(session.createdAt()) + "\"")
        .contains("\"ip\":\"203.0.113.7\"");
    assertThat(redis.type("refresh:{" + SessionIds.userTag(user) + "}:" + session.id()))
        .isEqualTo("hash");
  }

  @Test
  void ttlsFollowTheAbsoluteExpiryAndTheIdleTimeout() {
    String user = newUser();
    Session absolute = created(user);
    Session idle = store.create(newSession(user, Duration.ofMinutes(30)), hash("i"), 0).session();
    String tag = SessionIds.userTag(user);

    assertThat(redis.pttl("session:{" + tag + "}:" + absolute.id()))
        .isBetween(LIFETIME.toMillis() - 60_000, LIFETIME.toMillis());
    assertThat(redis.pttl("session:{" + tag + "}:" + idle.id()))
        .isBetween(Duration.ofMinutes(29).toMillis(), Duration.ofMinutes(30).toMillis());
    assertThat(redis.pttl("user-sessions:{" + tag + "}:" + user))
        .isBetween(LIFETIME.toMillis() - 60_000, LIFETIME.toMillis());

    clock.advance(Duration.ofMinutes(20));
    store.touch(idle.id(), Duration.ofMinutes(1));

    // touched at +20 min: the idle end moved to +50 min, 30 min from the store's now
    assertThat(redis.pttl("session:{" + tag + "}:" + idle.id()))
        .isBetween(Duration.ofMinutes(29).toMillis(), Duration.ofMinutes(30).toMillis());
  }

  @Test
  void touchKeepsTheJsonFieldOrderOperatorsRead() {
    String user = newUser();
    Session session =
        store
            .create(
                new Session(
                    SessionIds.newSessionId(user, new java.security.SecureRandom()),
                    user,
                    java.util.Set.of("USER"),
                    clock.instant(),
                    clock.instant(),
                    clock.instant().plus(LIFETIME),
                    Duration.ZERO,
                    "",
                    "",
                    java.util.Map.of("last_active_at", "decoy")),
                hash("first"),
                0)
            .session();
    String key = "session:{" + SessionIds.userTag(user) + "}:" + session.id();
    String before = redis.get(key);

    clock.advance(Duration.ofMinutes(5));
    Session touched = store.touch(session.id(), Duration.ofMinutes(1)).orElseThrow();

    String after = redis.get(key);
    assertThat(after)
        .isEqualTo(
            before.replace(
                SessionJson.time(session.lastActiveAt()) + "\",\"expires_at",
                SessionJson.time(clock.instant()) + "\",\"expires_at"));
    assertThat(touched.attributes()).containsEntry("last_active_at", "decoy");
  }

  @Test
  void authenticationCostsOneRoundTrip() throws Exception {
    try (RedisServer privateServer = RedisServer.startLocal();
        SessionStore counted =
            RedisSessionStore.builder().uri(privateServer.uri()).clock(clock).build()) {
      Session session = counted.create(newSession(newUser()), hash("first"), 0).session();
      counted.touch(session.id(), Duration.ofMinutes(1)); // loads the script once

      List<String> sent;
      try (Monitor monitor = new Monitor(privateServer.port())) {
        for (int i = 0; i < 10; i++) {
          clock.advance(Duration.ofSeconds(20)); // three of these ten touches write
          assertThat(counted.touch(session.id(), Duration.ofMinutes(1))).isPresent();
        }
        sent = monitor.commandsFromClients();
      }
      assertThat(sent)
          .hasSize(10)
          .allSatisfy(line -> assertThat(line).containsIgnoringCase("\"evalsha\""));
    }
  }

  /** MONITOR over a raw socket: what clients sent, without the commands scripts ran. */
  private static final class Monitor implements AutoCloseable {
    private final java.net.Socket socket;
    private final java.io.BufferedReader in;

    Monitor(int port) throws java.io.IOException {
      socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port);
      socket
          .getOutputStream()
          .write("MONITOR\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      in =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(
                  socket.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
      assertThat(in.readLine()).isEqualTo("+OK");
    }

    List<String> commandsFromClients() throws java.io.IOException {
      socket.setSoTimeout(500);
      List<String> lines = new ArrayList<>();
      try {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (!line.contains(" lua] ")) {
            lines.add(line);
          }
        }
      } catch (java.net.SocketTimeoutException drained) {
        // nothing more was sent
      }
      return lines;
    }

    @Override
    public void close() throws java.io.IOException {
      socket.close();
    }
  }

  @Test
  void scriptsAreReloadedAfterTheServerForgetsThem() {
    Session session = created(newUser());
    redis.scriptFlush();

    assertThat(store.touch(session.id(), Duration.ZERO)).isPresent();
    assertThat(store.listByUser(session.userId())).hasSize(1);
  }

  @Test
  void aStoppedRedisIsReportedAsUnavailableWithinTheTimeout() {
    try (RedisServer privateServer = RedisServer.startLocal();
        SessionStore broken =
            RedisSessionStore.builder()
                .uri(privateServer.uri())
                .commandTimeout(Duration.ofMillis(300))
                .build()) {
      Session session = broken.create(newSession(newUser()), hash("first"), 0).session();

      privateServer.pause();
      long start = System.nanoTime();
      assertThatThrownBy(() -> broken.touch(session.id(), Duration.ZERO))
          .isInstanceOf(SessionStoreUnavailableException.class)
          .hasMessageContaining("unavailable");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      privateServer.resume();
      assertThat(broken.touch(session.id(), Duration.ZERO)).isPresent();

      privateServer.stop();
      assertThatThrownBy(() -> broken.find(session.id()))
          .isInstanceOf(SessionStoreUnavailableException.class);
      assertThat(broken.ping()).isFalse();
    }
  }

  @Test
  void aRedisThatStopsAnsweringTripsTheBreakerAndItClosesWhenRedisAnswersAgain() throws Exception {
    try (RedisServer privateServer = RedisServer.startLocal();
        SessionStore store =
            RedisSessionStore.builder()
                .uri(privateServer.uri())
                .commandTimeout(Duration.ofSeconds(1))
                .failureThreshold(2)
                .probeInterval(Duration.ofMillis(100))
                .build()) {
      Session session = store.create(newSession(newUser()), hash("first"), 0).session();
      privateServer.pause();
      for (int i = 0; i < 2; i++) {
        assertThatThrownBy(() -> store.touch(session.id(), Duration.ZERO))
            .isInstanceOf(SessionStoreUnavailableException.class);
      }

      for (int i = 0; i < 20; i++) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> store.touch(session.id(), Duration.ZERO))
            .isInstanceOf(SessionStoreUnavailableException.class)
            .hasMessageContaining("being probed");
        // far below the 1 s timeout: the call did not wait for Redis
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(250));
      }
      assertThat(store.ping()).isFalse();

      privateServer.resume();
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (!store.ping() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(store.touch(session.id(), Duration.ZERO)).isPresent();
    }
  }

  @Test
  void aStoreNeedsAUri() {
    assertThatThrownBy(() -> RedisSessionStore.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("uri is required");
    assertThatThrownBy(() -> RedisSessionStore.builder().commandTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("commandTimeout must be > 0, but was PT0S");
  }
}
