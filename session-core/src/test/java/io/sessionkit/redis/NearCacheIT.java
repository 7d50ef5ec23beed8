package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.sessionkit.AuthenticationResult;
import io.sessionkit.ClientInfo;
import io.sessionkit.Login;
import io.sessionkit.NewSession;
import io.sessionkit.Refresh;
import io.sessionkit.Session;
import io.sessionkit.SessionCheck;
import io.sessionkit.SessionCreation;
import io.sessionkit.SessionManager;
import io.sessionkit.internal.RefreshTokens;
import io.sessionkit.jwt.JwtTokenService;
import io.sessionkit.jwt.SigningKey;
import io.sessionkit.testing.Await;
import io.sessionkit.testing.MutableClock;
import io.sessionkit.testing.RedisServer;
import io.sessionkit.testing.TcpProxy;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The near-cache on a real Redis: two instances, each with its own store and near-cache, as two
 * service instances behind a load balancer. Whatever one ends, the other refuses within the
 * invalidation bound, and nothing it cached outlives the session, the tracking connection or the
 * circuit breaker.
 */
class NearCacheIT {

  private static final SigningKey KEY =
      SigningKey.hmacSha256("k1", "near-cache-test-key-0123456789abcdef0123");
  private static final ClientInfo LAPTOP = new ClientInfo("198.51.100.1", "Firefox on Linux");
  private static final ClientInfo PHONE = new ClientInfo("198.51.100.2", "Safari on iOS");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration MAX_AGE = Duration.ofSeconds(30);
  private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(300);
  // an invalidation takes about a millisecond; the rest is room for a loaded 2-core machine
  private static final Duration INVALIDATION_BOUND = Duration.ofSeconds(1);
  private static final Await WITHIN_BOUND =
      Await.atMost(INVALIDATION_BOUND).every(Duration.ofMillis(1));

  private RedisServer redis;
  private TcpProxy proxy;
  private RedisClient inspector;
  private StatefulRedisConnection<String, String> inspection;
  private RedisSessionStore storeA;
  private RedisSessionStore storeB;
  private SessionManager instanceA;
  private SessionManager instanceB;

  @BeforeEach
  void start() {
    redis = RedisServer.startLocal();
    // instance B reaches Redis through a proxy, so that its connections can be broken alone
    proxy = TcpProxy.start(redis.port());
    inspector = RedisClient.create(redis.uri());
    inspection = inspector.connect();
    storeA = store(redis.uri(), MAX_AGE);
    storeB = store(proxy.uri(), MAX_AGE);
    instanceA = manager(storeA, b -> {});
    instanceB = manager(storeB, b -> {});
  }

  @AfterEach
  void stop() {
    for (AutoCloseable closeable :
        new AutoCloseable[] {instanceA, instanceB, storeA, storeB, inspection, proxy}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    inspector.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    redis.close();
  }

  private static RedisSessionStore store(String uri, Duration maxAge) {
    return RedisSessionStore.builder()
        .uri(uri)
        .commandTimeout(COMMAND_TIMEOUT)
        .failureThreshold(1)
        .probeInterval(Duration.ofMillis(100))
        .nearCache(maxAge, 10_000)
        .build();
  }

  private static SessionManager manager(
      RedisSessionStore store, Consumer<SessionManager.Builder> settings) {
    SessionManager.Builder builder =
        SessionManager.builder()
            .store(store)
            .tokenService(JwtTokenService.builder().signingKey(KEY).build())
            .refreshReuseGrace(Duration.ZERO);
    settings.accept(builder);
    return builder.build();
  }

  private static boolean accepts(SessionManager instance, Login login) {
    AuthenticationResult result = instance.authenticate(login.accessToken().value());
    return result.isAuthenticated() && !result.withoutStore();
  }

  private static boolean refuses(SessionManager instance, Login login) {
    return !instance.authenticate(login.accessToken().value()).isAuthenticated();
  }

  private long scriptCalls() {
    // lines such as cmdstat_evalsha:calls=3,usec=…
    Map<String, String> stats = parseInfo(inspection.sync().info("commandstats"));
    return callsOf(stats.get("cmdstat_evalsha")) + callsOf(stats.get("cmdstat_eval"));
  }

  private static Map<String, String> parseInfo(String info) {
    Map<String, String> fields = new HashMap<>();
    for (String line : info.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#")) {
        fields.put(line.substring(0, colon), line.substring(colon + 1));
      }
    }
    return fields;
  }

  private static long callsOf(String stat) {
    if (stat == null) {
      return 0;
    }
    String calls = stat.split(",")[0];
    return Long.parseLong(calls.substring(calls.indexOf('=') + 1));
  }

  @Test
  void aCachedSessionIsCheckedWithoutAnyRoundTrip() {
    Login login = instanceA.login("alice", Set.of(), LAPTOP);
    assertThat(accepts(instanceB, login)).isTrue();
    long before = scriptCalls();

    for (int i = 0; i < 100; i++) {
      assertThat(accepts(instanceB, login)).isTrue();
    }

    assertThat(scriptCalls() - before).isZero();
    assertThat(storeB.nearCache().orElseThrow().size()).isEqualTo(1);
  }

  @Test
  void eachCachedUserCostsOneKeyInRedissTrackingTable() {
    List<Login> logins =
        List.of(
            instanceA.login("rupert", Set.of(), LAPTOP),
            instanceA.login("rupert", Set.of(), PHONE),
            instanceA.login("sybil", Set.of(), LAPTOP),
            instanceA.login("trent", Set.of(), LAPTOP));

    logins.forEach(login -> assertThat(accepts(instanceB, login)).isTrue());

    // the users' indexes only: not their states, session records or anything a script declares
    assertThat(parseInfo(inspection.sync().info("stats")))
        .containsEntry("tracking_total_keys", "3")
        .containsEntry("tracking_total_items", "3");
  }

  /** Each way a session ends, done on instance A to a session instance B has cached. */
  enum End {
    LOGOUT {
      @Override
      void apply(SessionManager instance, Login login) {
        instance.logout(login.session().id(), LAPTOP);
      }
    },
    ADMIN_REVOKE {
      @Override
      void apply(SessionManager instance, Login login) {
        instance.revoke(login.session().userId(), login.session().id(), LAPTOP);
      }
    },
    LOGOUT_EVERYWHERE {
      @Override
      void apply(SessionManager instance, Login login) {
        instance.logoutAll(login.session().userId(), LAPTOP);
      }
    },
    THEFT {
      @Override
      void apply(SessionManager instance, Login login) {
        Refresh rotated = instance.refresh(login.refreshToken().value(), LAPTOP);
        assertThat(rotated.status()).isEqualTo(Refresh.Status.REFRESHED);
        // the rotated-away token presented again, past the (zero) grace: reuse revokes the session
        assertThat(instance.refresh(login.refreshToken().value(), LAPTOP).status())
            .isEqualTo(Refresh.Status.REUSE_DETECTED);
      }
    };

    abstract void apply(SessionManager instance, Login login);
  }

  @ParameterizedTest
  @EnumSource(End.class)
  void anEndOnOneInstanceIsRefusedOnTheOtherWithinTheBound(End end) {
    Login login = instanceA.login("bob", Set.of(), LAPTOP);
    Login other = instanceA.login("carol", Set.of(), LAPTOP);
    assertThat(accepts(instanceB, login)).isTrue();
    assertThat(accepts(instanceB, other)).isTrue();
    assertThat(accepts(instanceB, login)).isTrue();

    end.apply(instanceA, login);

    WITHIN_BOUND.until(end + " refused on the other instance", () -> refuses(instanceB, login));
    assertThat(accepts(instanceB, other)).isTrue();
  }

  @Test
  void anEvictionByALoginOnOneInstanceIsRefusedOnTheOther() {
    SessionManager limitedA = manager(storeA, b -> b.maxSessionsPerUser(2));
    try {
      Login oldest = limitedA.login("dave", Set.of(), LAPTOP);
      Login kept = limitedA.login("dave", Set.of(), PHONE);
      assertThat(accepts(instanceB, oldest)).isTrue();
      assertThat(accepts(instanceB, kept)).isTrue();

      Login newest = limitedA.login("dave", Set.of(), LAPTOP);

      assertThat(newest.evicted()).isEqualTo(1);
      WITHIN_BOUND.until("the evicted session refused", () -> refuses(instanceB, oldest));
      assertThat(accepts(instanceB, kept)).isTrue();
    } finally {
      limitedA.close();
    }
  }

  @Test
  void aLogoutEverywhereOnOneInstanceEndsEveryCachedSessionOfThatUserOnTheOther() {
    List<Login> sessions =
        List.of(
            instanceA.login("erin", Set.of(), LAPTOP),
            instanceA.login("erin", Set.of(), PHONE),
            instanceA.login("erin", Set.of(), LAPTOP));
    Login otherUser = instanceA.login("frank", Set.of(), LAPTOP);
    sessions.forEach(login -> assertThat(accepts(instanceB, login)).isTrue());
    assertThat(accepts(instanceB, otherUser)).isTrue();

    instanceA.logoutAll("erin", LAPTOP);

    WITHIN_BOUND.until(
        "every session of erin refused",
        () -> sessions.stream().allMatch(login -> refuses(instanceB, login)));
    assertThat(accepts(instanceB, otherUser)).isTrue();
  }

  @Test
  void anEndOnThisInstanceIsRefusedHereAtOnceWithoutWaitingForTheInvalidation() {
    Login login = instanceB.login("grace", Set.of(), LAPTOP);
    assertThat(accepts(instanceB, login)).isTrue();
    assertThat(accepts(instanceB, login)).isTrue();

    instanceB.logout(login.session().id(), LAPTOP);

    assertThat(refuses(instanceB, login)).isTrue();
  }

  @Test
  void onceRefusedARevokedSessionIsNeverAcceptedAgainWhileRequestsRace() throws Exception {
    Login login = instanceA.login("heidi", Set.of(), LAPTOP);
    assertThat(accepts(instanceB, login)).isTrue();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong firstRefusal = new AtomicLong(Long.MAX_VALUE);
    AtomicInteger acceptedAfterRefusal = new AtomicInteger();
    CountDownLatch running = new CountDownLatch(2);
    List<Thread> requests =
        List.of(
            new Thread(() -> hammer(login, stop, firstRefusal, acceptedAfterRefusal, running)),
            new Thread(() -> hammer(login, stop, firstRefusal, acceptedAfterRefusal, running)));
    requests.forEach(Thread::start);
    running.await();

    instanceA.revoke("heidi", login.session().id(), LAPTOP);
    long revoked = System.nanoTime();
    WITHIN_BOUND.until("the revoked session refused", () -> firstRefusal.get() != Long.MAX_VALUE);
    // requests go on racing the refills for a while after the first refusal
    Thread.sleep(200);
    stop.set(true);
    for (Thread thread : requests) {
      thread.join();
    }

    assertThat(acceptedAfterRefusal).hasValue(0);
    assertThat(Duration.ofNanos(firstRefusal.get() - revoked)).isLessThan(INVALIDATION_BOUND);
  }

  private void hammer(
      Login login,
      AtomicBoolean stop,
      AtomicLong firstRefusal,
      AtomicInteger acceptedAfterRefusal,
      CountDownLatch running) {
    running.countDown();
    while (!stop.get()) {
      // the request starts after the first refusal was seen, so it must be refused too
      boolean afterRefusal = firstRefusal.get() != Long.MAX_VALUE;
      if (accepts(instanceB, login)) {
        if (afterRefusal) {
          acceptedAfterRefusal.incrementAndGet();
        }
      } else {
        firstRefusal.compareAndSet(Long.MAX_VALUE, System.nanoTime());
      }
    }
  }

  @Test
  void losingTheTrackingConnectionEmptiesTheCacheAndAnEndMeanwhileIsNotMissed() {
    Login login = instanceA.login("ivan", Set.of(), LAPTOP);
    Login kept = instanceA.login("ivan", Set.of(), PHONE);
    assertThat(accepts(instanceB, login)).isTrue();
    assertThat(accepts(instanceB, kept)).isTrue();
    NearCache cache = storeB.nearCache().orElseThrow();
    assertThat(cache.size()).isEqualTo(2);

    // every connection of instance B reset, and kept from reconnecting while A logs out
    proxy.drop();
    WITHIN_BOUND.until("the cache emptied", () -> cache.size() == 0);
    instanceA.logout(login.session().id(), LAPTOP);
    proxy.pass();

    Await.atMost(Duration.ofSeconds(5))
        .until(
            "instance B answers from Redis again",
            () -> accepts(instanceB, kept) || refuses(instanceB, login));
    assertThat(refuses(instanceB, login)).isTrue();
    assertThat(accepts(instanceB, kept)).isTrue();
  }

  @Test
  void aKilledTrackingConnectionEmptiesTheCache() {
    Login login = instanceA.login("judy", Set.of(), LAPTOP);
    assertThat(accepts(instanceB, login)).isTrue();
    NearCache cache = storeB.nearCache().orElseThrow();
    assertThat(cache.size()).isEqualTo(1);

    List<Long> trackers = trackingClients();
    assertThat(trackers).hasSize(1);
    inspection.sync().clientKill(KillArgs.Builder.id(trackers.get(0)));

    WITHIN_BOUND.until("the cache emptied", () -> cache.size() == 0);
    Await.atMost(Duration.ofSeconds(5))
        .until("instance B answers from Redis again", () -> accepts(instanceB, login));
  }

  @Test
  void aFlushOfRedisEmptiesTheCache() {
    Login login = instanceA.login("walter", Set.of(), LAPTOP);
    assertThat(accepts(instanceB, login)).isTrue();
    NearCache cache = storeB.nearCache().orElseThrow();
    assertThat(cache.size()).isEqualTo(1);

    // every session gone at once: Redis tells tracking clients with an invalidation of no keys
    inspection.sync().flushall();

    WITHIN_BOUND.until("the cache emptied", () -> cache.size() == 0);
    assertThat(refuses(instanceB, login)).isTrue();
  }

  // the ids of the clients with tracking on (flag t in CLIENT LIST)
  private List<Long> trackingClients() {
    return inspection
        .sync()
        .clientList()
        .lines()
        .filter(line -> line.matches(".* flags=[A-Za-z]*t[A-Za-z]* .*"))
        .map(line -> Long.parseLong(line.replaceAll("^id=(\\d+) .*", "$1")))
        .toList();
  }

  @Test
  void anOpenBreakerEmptiesTheCacheAndIsNeverAnsweredFromIt() {
    Login cached = instanceA.login("mallory", Set.of(), LAPTOP);
    Login uncached = instanceA.login("mallory", Set.of(), PHONE);
    assertThat(accepts(instanceB, cached)).isTrue();
    NearCache cache = storeB.nearCache().orElseThrow();
    assertThat(cache.size()).isEqualTo(1);

    redis.pause();
    try {
      // a request the cache cannot answer times out, and the breaker opens
      AuthenticationResult outage = instanceB.authenticate(uncached.accessToken().value());
      assertThat(outage.withoutStore()).isTrue();
      assertThat(storeB.backend().isBreakerOpen()).isTrue();
      assertThat(cache.size()).isZero();
      assertThat(instanceB.authenticate(cached.accessToken().value()).withoutStore()).isTrue();
    } finally {
      redis.resume();
    }
    Await.atMost(Duration.ofSeconds(5))
        .until("instance B answers from Redis again", () -> accepts(instanceB, cached));
  }

  @Test
  void withInvalidationsLostSilentlyNoVerdictIsTrustedPastItsMaxAge() {
    Duration maxAge = Duration.ofMillis(500);
    RedisSessionStore shortLived = store(proxy.uri(), maxAge);
    SessionManager instanceC = manager(shortLived, b -> {});
    try {
      Login login = instanceA.login("niaj", Set.of(), LAPTOP);
      assertThat(accepts(instanceC, login)).isTrue();
      long cachedAt = System.nanoTime();

      // a partition the connection does not notice: nothing reaches instance C any more
      proxy.blackhole();
      instanceA.logout(login.session().id(), LAPTOP);

      Await.atMost(maxAge.plus(INVALIDATION_BOUND))
          .every(Duration.ofMillis(5))
          .until("the cached verdict no longer used", () -> !accepts(instanceC, login));
      long trustedFor = System.nanoTime() - cachedAt;
      assertThat(Duration.ofNanos(trustedFor))
          .isLessThan(maxAge.plus(COMMAND_TIMEOUT).plus(INVALIDATION_BOUND));
    } finally {
      instanceC.close();
      shortLived.close();
    }
  }

  @Test
  void aCachedVerdictNeverOutlivesTheSessionsEndOrIdleDeadline() {
    MutableClock clock = MutableClock.atNow();
    try (RedisSessionStore writer =
            RedisSessionStore.builder().uri(redis.uri()).clock(clock).build();
        RedisSessionStore reader =
            RedisSessionStore.builder()
                .uri(redis.uri())
                .clock(clock)
                .nearCache(Duration.ofSeconds(30), 100)
                .build()) {
      Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
      Session idle = session(writer, "olivia", now, Duration.ofMinutes(10), Duration.ofHours(8));
      Session absolute = session(writer, "olivia", now, Duration.ZERO, Duration.ofMinutes(30));
      Duration interval = Duration.ofMinutes(1);

      assertThat(reader.touch("olivia", idle.id(), interval))
          .isEqualTo(SessionCheck.live(now.plus(Duration.ofMinutes(10))));
      assertThat(reader.touch("olivia", absolute.id(), interval))
          .isEqualTo(SessionCheck.live(now.plus(Duration.ofMinutes(30))));
      assertThat(reader.nearCache().orElseThrow().size()).isEqualTo(2);

      // nothing changes in Redis, so no invalidation comes; the deadlines alone end them
      clock.advance(Duration.ofMinutes(10));
      assertThat(reader.touch("olivia", idle.id(), interval)).isEqualTo(SessionCheck.ended());
      clock.advance(Duration.ofMinutes(20));
      assertThat(reader.touch("olivia", absolute.id(), interval)).isEqualTo(SessionCheck.ended());
    }
  }

  private static Session session(
      RedisSessionStore store, String userId, Instant now, Duration idle, Duration lifetime) {
    Session session =
        new Session(
            store.newSessionId(userId),
            userId,
            Set.of(),
            now,
            now,
            now.plus(lifetime),
            idle,
            "198.51.100.1",
            "Firefox on Linux",
            Map.of());
    String tagKey = RefreshTokens.newTagKey(RANDOM);
    RefreshTokens.Parts token =
        RefreshTokens.issue(session.id(), 0, RefreshTokens.newNonce(RANDOM), tagKey);
    assertThat(
            store.create(new NewSession(session, 0, token.nonceHash(), tagKey, false), 0).status())
        .isEqualTo(SessionCreation.Status.CREATED);
    return session;
  }

  @Test
  void activityIsRecordedAtMostOncePerIntervalAndWhileTheCacheAnswers() throws Exception {
    Duration interval = Duration.ofMillis(200);
    SessionManager frequentB = manager(storeB, b -> b.touchInterval(interval));
    try {
      Login login = instanceA.login("peggy", Set.of(), LAPTOP);
      assertThat(accepts(frequentB, login)).isTrue();
      Instant lastActive = storeA.find(login.session().id()).orElseThrow().lastActiveAt();
      long before = scriptCalls();
      long started = System.nanoTime();

      int requests = 0;
      while (System.nanoTime() - started < Duration.ofSeconds(1).toNanos()) {
        assertThat(accepts(frequentB, login)).isTrue();
        requests++;
        Thread.sleep(2);
      }
      long elapsedMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();

      long writes = scriptCalls() - before;
      // one write per interval, plus one refill after each write moved the idle deadline at most
      assertThat(writes).isPositive().isLessThanOrEqualTo(elapsedMillis / interval.toMillis() + 2);
      assertThat(requests).isGreaterThan((int) writes * 5);
      Await.atMost(Duration.ofSeconds(2))
          .until(
              "the activity recorded",
              () -> storeA.find(login.session().id()).orElseThrow().lastActiveAt(),
              at -> at.isAfter(lastActive));
    } finally {
      frequentB.close();
    }
  }
}
