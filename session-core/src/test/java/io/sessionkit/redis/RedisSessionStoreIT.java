package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.sessionkit.NewSession;
import io.sessionkit.Session;
import io.sessionkit.SessionCheck;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreContract;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.internal.RefreshTokens;
import io.sessionkit.internal.SessionIds;
import io.sessionkit.testing.Await;
import io.sessionkit.testing.MutableClock;
import io.sessionkit.testing.RedisExtension;
import io.sessionkit.testing.RedisServer;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisExtension.class)
class RedisSessionStoreIT extends SessionStoreContract {

  private static final SecureRandom RANDOM = new SecureRandom();

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

  private static List<String> keysMatching(String pattern) {
    List<String> keys = new ArrayList<>();
    ScanIterator.scan(redis, ScanArgs.Builder.matches(pattern).limit(1000))
        .forEachRemaining(keys::add);
    return keys;
  }

  private static List<String> keysOf(String userId) {
    return keysMatching("*{" + SessionIds.userTag(userId) + "}*");
  }

  @Test
  void theSessionKeyIsOneImmutableReadableJsonStringPerLiveSession() {
    String user = newUser();
    Held held = created(user);
    String key = "session:{" + SessionIds.userTag(user) + "}:" + held.session().id();

    assertThat(keysOf(user).stream().filter(k -> k.startsWith("session:"))).containsExactly(key);
    String json = redis.get(key);
    assertThat(json)
        .isEqualTo(
            "{\"user_id\":\""
                + user
                + "\",\"roles\":[\"USER\"],\"created_at\":\""
                + SessionJson.time(held.session().createdAt())
                + "\",\"expires_at\":\""
                + SessionJson.time(held.session().expiresAt())
                + "\",\"ip\":\"203.0.113.7\",\"user_agent\":\""
                + BROWSER
                + "\"}");

    // activity and refreshes live elsewhere: the record never changes while the session lives
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofMinutes(5));
      store.touch(user, held.session().id(), Duration.ofMinutes(1));
    }
    rotate(rotate(held.token()));
    assertThat(redis.get(key)).isEqualTo(json);
    assertThat(store.find(held.session().id()).orElseThrow().lastActiveAt())
        .isEqualTo(clock.instant().truncatedTo(ChronoUnit.MILLIS));
  }

  @Test
  void everyKeyHasATtlAndNothingIsLeftOnceEverySessionHasEnded() throws Exception {
    // Redis's own clock here, and short lives, so that TTLs really run out
    try (SessionStore real = RedisSessionStore.builder().uri(uri).build()) {
      String user = newUser();
      Duration life = Duration.ofMillis(1500);
      List<Held> held = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        held.add(
            createShortLived(real, user, life, i == 5 ? Duration.ofMillis(1000) : Duration.ZERO));
      }
      // each way a session ends: logout, theft, eviction, and logout everywhere; and a rotation
      real.revoke(held.get(0).session().id());
      RefreshTokens.Parts second = rotateOn(real, held.get(1).token());
      rotateOn(real, second);
      real.rotate(rotation(held.get(1).token()));
      createShortLived(real, user, life, Duration.ZERO, 3);
      real.touch(user, held.get(5).session().id(), Duration.ZERO);
      List<String> keys = keysOf(user);
      assertThat(keys).isNotEmpty();
      for (String key : keys) {
        assertThat(redis.pttl(key)).as("TTL of %s", key).isPositive();
      }
      real.revokeAll(user, Instant.now(), life);
      for (String key : keysOf(user)) {
        assertThat(redis.pttl(key)).as("TTL of %s", key).isPositive();
      }

      Await.atMost(Duration.ofSeconds(5))
          .until("no key of the user left", () -> keysOf(user).isEmpty());
    }
  }

  private static Held createShortLived(
      SessionStore store, String user, Duration life, Duration idle) {
    return createShortLived(store, user, life, idle, 0);
  }

  private static Held createShortLived(
      SessionStore store, String user, Duration life, Duration idle, int max) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Session session =
        new Session(
            store.newSessionId(user),
            user,
            Set.of("USER"),
            now,
            now,
            now.plus(life),
            idle,
            "",
            "Agent/" + RANDOM.nextInt(3),
            Map.of());
    String tagKey = RefreshTokens.newTagKey(RANDOM);
    RefreshTokens.Parts first =
        RefreshTokens.issue(session.id(), 0, RefreshTokens.newNonce(RANDOM), tagKey);
    store.create(new NewSession(session, 0, first.nonceHash(), tagKey, false), max);
    return new Held(session, first, tagKey);
  }

  private static RefreshTokens.Parts rotateOn(SessionStore store, RefreshTokens.Parts presented) {
    byte[] next = RefreshTokens.newNonce(RANDOM);
    var successor = store.rotate(rotation(presented, next)).successor().orElseThrow();
    return RefreshTokens.issue(
        presented.sessionId(), successor.generation(), next, successor.tagKey());
  }

  @Test
  void ttlsFollowTheAbsoluteExpiryAndTheIdleTimeout() {
    String user = newUser();
    Held absolute = created(user);
    Held idle = create(newSession(user, Duration.ofMinutes(30), BROWSER), 0);
    String tag = SessionIds.userTag(user);

    assertThat(redis.pttl("session:{" + tag + "}:" + absolute.session().id()))
        .isBetween(LIFETIME.toMillis() - 60_000, LIFETIME.toMillis());
    assertThat(redis.pttl("session:{" + tag + "}:" + idle.session().id()))
        .isBetween(Duration.ofMinutes(29).toMillis(), Duration.ofMinutes(30).toMillis());
    assertThat(redis.pttl("user-sessions:{" + tag + "}"))
        .isBetween(LIFETIME.toMillis() - 60_000, LIFETIME.toMillis());

    clock.advance(Duration.ofMinutes(20));
    store.touch(user, idle.session().id(), Duration.ofMinutes(1));

    // touched at +20 min: the idle end moved to +50 min, 30 min from the store's now
    assertThat(redis.pttl("session:{" + tag + "}:" + idle.session().id()))
        .isBetween(Duration.ofMinutes(29).toMillis(), Duration.ofMinutes(30).toMillis());
  }

  @Test
  void aSessionStateStaysInRedisCompactEncodingHoweverOftenItIsRefreshed() {
    String user = newUser();
    Held held = created(user);
    for (int i = 0; i < 9; i++) {
      created(user);
    }
    String states = "user-session-states:{" + SessionIds.userTag(user) + "}";
    String before = redis.hget(states, SessionIds.randomPart(held.session().id()));

    RefreshTokens.Parts token = held.token();
    for (int i = 0; i < 100; i++) {
      clock.advance(Duration.ofMinutes(15));
      token = rotate(token);
    }

    assertThat(redis.objectEncoding(states)).isEqualTo("listpack");
    assertThat(redis.objectEncoding("user-sessions:{" + SessionIds.userTag(user) + "}"))
        .isEqualTo("listpack");
    String after = redis.hget(states, SessionIds.randomPart(held.session().id()));
    assertThat(after.length()).isLessThanOrEqualTo(before.length() + 2).isLessThanOrEqualTo(64);
  }

  @Test
  void namespacesKeepServicesSharingOneRedisApart() {
    try (SessionStore billing =
            RedisSessionStore.builder().uri(uri).clock(clock).namespace("billing").build();
        SessionStore shop =
            RedisSessionStore.builder().uri(uri).clock(clock).namespace("shop").build()) {
      String user = newUser();
      Session inBilling = newSession(user);
      Session inShop = newSession(user);
      billing.create(asNew(heldOfSession(inBilling), false), 1);
      shop.create(asNew(heldOfSession(inShop), false), 1);

      assertThat(billing.revokeAll(user, clock.instant(), LIFETIME)).isEqualTo(1);

      assertThat(shop.touch(user, inShop.id(), Duration.ZERO).isLive()).isTrue();
      assertThat(keysMatching("session:{" + SessionIds.userTag(user) + "}*")).isEmpty();
      assertThat(keysMatching("shop:session:{" + SessionIds.userTag(user) + "}*"))
          .containsExactly("shop:session:{" + SessionIds.userTag(user) + "}:" + inShop.id());
    }
    assertThatThrownBy(() -> RedisSessionStore.builder().namespace("a b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("namespace must be 1 to 64 of [A-Za-z0-9_.-], but was \"a b\"");
  }

  private Held heldOfSession(Session session) {
    String tagKey = RefreshTokens.newTagKey(RANDOM);
    return new Held(
        session,
        RefreshTokens.issue(session.id(), 0, RefreshTokens.newNonce(RANDOM), tagKey),
        tagKey);
  }

  @Test
  void withAKeyedTagEverythingWorksAndNoKeyShowsTheUnkeyedTag() {
    byte[] secret =
        "a-tag-secret-of-at-least-32-bytes!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    try (SessionStore keyed =
        RedisSessionStore.builder().uri(uri).clock(clock).userTagSecret(secret).build()) {
      String user = newUser();
      Session first = newSessionOn(keyed, user);
      Session second = newSessionOn(keyed, user);
      keyed.create(asNew(heldOfSession(first), false), 0);
      keyed.create(asNew(heldOfSession(second), false), 0);

      assertThat(first.id().substring(0, 16))
          .isEqualTo(second.id().substring(0, 16))
          .isNotEqualTo(SessionIds.userTag(user));
      assertThat(keyed.touch(user, first.id(), Duration.ZERO).isLive()).isTrue();
      assertThat(keyed.list(user, Optional.empty(), 10).sessions()).hasSize(2);
      assertThat(keysOf(user)).isEmpty();
      assertThat(keyed.revokeAll(user, clock.instant(), LIFETIME)).isEqualTo(2);
    }
  }

  private Session newSessionOn(SessionStore on, String user) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    return new Session(
        on.newSessionId(user),
        user,
        Set.of("USER"),
        now,
        now,
        now.plus(LIFETIME),
        Duration.ZERO,
        "",
        BROWSER,
        Map.of());
  }

  @Test
  void anInstanceWhoseClockIsFortyMinutesAheadEndsNoLiveSessionOfOthers() {
    // both stores on Redis's own clock, as in production; only the callers' clocks differ
    try (SessionStore onTime = RedisSessionStore.builder().uri(uri).build();
        SessionStore ahead = RedisSessionStore.builder().uri(uri).build()) {
      String user = newUser();
      Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      Session shortLived =
          new Session(
              onTime.newSessionId(user),
              user,
              Set.of("USER"),
              now,
              now,
              now.plus(Duration.ofMinutes(30)),
              Duration.ZERO,
              "",
              BROWSER,
              Map.of());
      Session idle =
          new Session(
              onTime.newSessionId(user),
              user,
              Set.of("USER"),
              now,
              now,
              now.plus(LIFETIME),
              Duration.ofMinutes(20),
              "",
              BROWSER,
              Map.of());
      onTime.create(asNew(heldOfSession(shortLived), false), 0);
      onTime.create(asNew(heldOfSession(idle), false), 0);

      Instant fast = now.plus(Duration.ofMinutes(40));
      Session fromFastInstance =
          new Session(
              ahead.newSessionId(user),
              user,
              Set.of("USER"),
              fast,
              fast,
              fast.plus(LIFETIME),
              Duration.ZERO,
              "",
              BROWSER,
              Map.of());
      ahead.create(asNew(heldOfSession(fromFastInstance), false), 0);
      ahead.list(user, Optional.empty(), 100);
      ahead.touch(user, idle.id(), Duration.ZERO);

      assertThat(onTime.touch(user, shortLived.id(), Duration.ZERO).isLive()).isTrue();
      assertThat(onTime.touch(user, idle.id(), Duration.ZERO).isLive()).isTrue();
      assertThat(ahead.list(user, Optional.empty(), 100).liveCount()).isEqualTo(3);
    }
  }

  @Test
  void authenticationCostsOneRoundTrip() throws Exception {
    try (RedisServer privateServer = RedisServer.startLocal();
        SessionStore counted =
            RedisSessionStore.builder().uri(privateServer.uri()).clock(clock).build()) {
      Session session = newSession(newUser());
      counted.create(asNew(heldOfSession(session), false), 0);
      counted.touch(session.userId(), session.id(), Duration.ofMinutes(1)); // loads the script

      List<String> sent;
      try (Monitor monitor = new Monitor(privateServer.port())) {
        for (int i = 0; i < 10; i++) {
          clock.advance(Duration.ofSeconds(20)); // three of these ten touches write
          assertThat(counted.touch(session.userId(), session.id(), Duration.ofMinutes(1)))
              .isNotEqualTo(SessionCheck.ended());
        }
        sent = monitor.commandsFromClients();
      }
      assertThat(sent)
          .hasSize(10)
          .allSatisfy(line -> assertThat(line).containsIgnoringCase("\"evalsha\""));
    }
  }

  /** MONITOR over a raw socket: what clients sent, without the commands scripts ran. */
  static final class Monitor implements AutoCloseable {
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
    Held held = created(newUser());
    redis.scriptFlush();

    assertThat(isLive(held)).isTrue();
    assertThat(all(held.session().userId())).hasSize(1);
  }

  @Test
  void aStoppedRedisIsReportedAsUnavailableWithinTheTimeout() {
    try (RedisServer privateServer = RedisServer.startLocal();
        SessionStore broken =
            RedisSessionStore.builder()
                .uri(privateServer.uri())
                .commandTimeout(Duration.ofMillis(300))
                .build()) {
      Session session = newSession(newUser());
      broken.create(asNew(heldOfSession(session), false), 0);

      privateServer.pause();
      long start = System.nanoTime();
      assertThatThrownBy(() -> broken.touch(session.userId(), session.id(), Duration.ZERO))
          .isInstanceOf(SessionStoreUnavailableException.class)
          .hasMessageContaining("unavailable");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      privateServer.resume();
      assertThat(broken.touch(session.userId(), session.id(), Duration.ZERO).isLive()).isTrue();

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
      Session session = newSession(newUser());
      store.create(asNew(heldOfSession(session), false), 0);
      privateServer.pause();
      for (int i = 0; i < 2; i++) {
        assertThatThrownBy(() -> store.touch(session.userId(), session.id(), Duration.ZERO))
            .isInstanceOf(SessionStoreUnavailableException.class);
      }

      for (int i = 0; i < 20; i++) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> store.touch(session.userId(), session.id(), Duration.ZERO))
            .isInstanceOf(SessionStoreUnavailableException.class)
            .hasMessageContaining("being probed");
        // far below the 1 s timeout: the call did not wait for Redis
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(250));
      }
      assertThat(store.ping()).isFalse();

      privateServer.resume();
      Await.atMost(Duration.ofSeconds(5)).until("the store answers again", store::ping);
      assertThat(store.touch(session.userId(), session.id(), Duration.ZERO).isLive()).isTrue();
    }
  }

  @Test
  void aStoreNeedsAUri() {
    assertThatThrownBy(() -> RedisSessionStore.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("uri or clusterNodes is required");
    assertThatThrownBy(() -> RedisSessionStore.builder().commandTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("commandTimeout must be > 0, but was PT0S");
  }
}
