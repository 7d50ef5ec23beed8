package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.sessionkit.AuthenticationResult;
import io.sessionkit.ClientInfo;
import io.sessionkit.FallbackMode;
import io.sessionkit.Login;
import io.sessionkit.Refresh;
import io.sessionkit.Session;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.internal.SessionIds;
import io.sessionkit.jwt.JwtTokenService;
import io.sessionkit.jwt.SigningKey;
import io.sessionkit.testing.RedisServer;
import io.sessionkit.testing.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real faults under a {@link SessionManager} on a {@link RedisSessionStore}, in both fallback
 * modes: a paused Redis, a Redis stopped and restarted from its dump, one restarted empty, and,
 * through a {@link TcpProxy}, connections reset and connections black-holed.
 *
 * <p>Each test logs in a few sessions, breaks Redis while a background thread keeps authenticating,
 * does what users do during the outage, ends the fault and then waits (at most {@link #RECOVERY})
 * until Redis holds exactly the sessions it should. Every single call, in the test's thread and in
 * the background, is timed: none may take longer than the command timeout plus a margin for a
 * shared, noisy machine. Time is real (Redis TTLs and the breaker are), so nothing here moves a
 * clock; every Redis is a private {@code redis-server} process.
 */
class RedisOutageIT {

  private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(300);
  private static final int FAILURE_THRESHOLD = 2;
  // generous for a shared 2-core machine, but bounded: a call that waited for a second timeout,
  // or for a connect, would exceed it
  private static final Duration LATENCY_BOUND = COMMAND_TIMEOUT.plus(Duration.ofMillis(700));
  private static final Duration RECOVERY = Duration.ofSeconds(5);
  // long enough for the breaker to probe and the outage writer to try a few times meanwhile
  private static final Duration OUTAGE = Duration.ofSeconds(1);
  private static final Duration POLL = Duration.ofMillis(25);
  private static final SigningKey KEY =
      SigningKey.hmacSha256("k1", "outage-test-key-0123456789abcdef0123456789");

  private static final ClientInfo LAPTOP = new ClientInfo("198.51.100.1", "Firefox on Linux");
  private static final ClientInfo PHONE = new ClientInfo("198.51.100.2", "Safari on iOS");
  private static final ClientInfo TABLET = new ClientInfo("198.51.100.3", "Chrome on Android");

  // one set of Netty threads for the test's own look into Redis
  private static ClientResources resources;

  private final String runId = Long.toString(System.nanoTime(), 36);
  private final Latencies latencies = new Latencies();
  private RedisServer redis;
  private TcpProxy proxy;
  private RedisSessionStore store;
  private SessionManager manager;
  private Traffic traffic;
  private RedisClient inspector;
  private StatefulRedisConnection<String, String> inspection;
  private long faultEnded;
  private long recoveredMillis = -1;

  @BeforeAll
  static void createClientResources() {
    resources =
        DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1).build();
  }

  @AfterAll
  static void shutDownClientResources() {
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  @AfterEach
  void closeEverything() {
    if (traffic != null) {
      traffic.close();
    }
    if (manager != null) {
      manager.close();
    }
    if (store != null) {
      store.close();
    }
    if (inspection != null) {
      inspection.close();
    }
    if (inspector != null) {
      inspector.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
    if (proxy != null) {
      proxy.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(FallbackMode.class)
  void aPausedRedisHoldsNoCallBeyondTheTimeoutAndGetsTheOutageRecordOnceResumed(FallbackMode mode) {
    start(mode, false);
    survive(new Fault("pause", true, redis::pause, redis::resume));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(FallbackMode.class)
  void aRedisRestartedFromItsDumpKeepsItsSessionsAndGetsTheOutageRecord(FallbackMode mode) {
    start(mode, false);
    survive(
        new Fault("stop, restart from dump", true, () -> redis.stop(true), redis::restartFromDump));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(FallbackMode.class)
  void aRedisRestartedEmptyLosesEarlierSessionsButGetsThoseCreatedDuringTheOutage(
      FallbackMode mode) {
    start(mode, false);
    survive(new Fault("stop, restart empty", false, redis::stop, redis::restart));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(FallbackMode.class)
  void connectionsResetMidTrafficAreReplacedAndTheOutageRecordIsWritten(FallbackMode mode) {
    start(mode, true);
    survive(new Fault("connections reset", true, proxy::drop, proxy::pass));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(FallbackMode.class)
  void aBlackHoledConnectionIsDroppedByTheBreakerAndRecoveryHappensOnANewOne(FallbackMode mode) {
    start(mode, true);
    AtomicLong acceptedAtPass = new AtomicLong();
    survive(
        new Fault(
            "connections black-holed",
            true,
            proxy::blackhole,
            () -> {
              acceptedAtPass.set(proxy.connectionsAccepted());
              proxy.pass();
            }));

    // every connection open during the black hole stays dead (see TcpProxy): the store answers
    // again only because it gave up the old connection and opened a new one
    assertThat(proxy.connectionsAccepted()).isGreaterThan(acceptedAtPass.get());
  }

  /** A fault that {@link #begin} breaks Redis (or the way to it) and {@link #end} repairs. */
  private record Fault(String name, boolean keepsData, Runnable begin, Runnable end) {}

  /**
   * The sessions from before the outage: one to keep, one to log out, one to log out everywhere.
   */
  private record Earlier(Login kept, Login loggedOut, Login bobsEarlier) {}

  /** What the JWT-only fallback did during the outage, and so what Redis must hold afterwards. */
  private record DoneDuring(Login created, Refresh createdRefreshed, Refresh keptRefreshed) {}

  private void start(FallbackMode mode, boolean throughProxy) {
    redis = RedisServer.startLocal();
    String uri = redis.uri();
    if (throughProxy) {
      proxy = TcpProxy.start(redis.port());
      uri = proxy.uri();
    }
    store =
        RedisSessionStore.builder()
            .uri(uri)
            .commandTimeout(COMMAND_TIMEOUT)
            .failureThreshold(FAILURE_THRESHOLD)
            .probeInterval(Duration.ofMillis(100))
            .build();
    manager =
        SessionManager.builder()
            .store(store)
            .tokenService(JwtTokenService.builder().signingKey(KEY).build())
            .fallbackMode(mode)
            .reconcileInterval(Duration.ofMillis(200))
            .build();
    inspector = RedisClient.create(resources);
  }

  private void survive(Fault fault) {
    FallbackMode mode = manager.fallbackMode();
    String alice = "alice-" + runId;
    String bob = "bob-" + runId;

    Earlier earlier =
        new Earlier(
            manager.login(alice, Set.of("USER"), LAPTOP),
            manager.login(alice, Set.of("USER"), PHONE),
            manager.login(bob, Set.of("USER"), LAPTOP));
    Login kept = earlier.kept();
    for (Login login : List.of(kept, earlier.loggedOut(), earlier.bobsEarlier())) {
      assertThat(manager.authenticate(login.accessToken().value()))
          .satisfies(a -> assertThat(a.isAuthenticated() && !a.withoutStore()).isTrue());
    }
    inspect();
    assertThat(sessionKeys()).isEqualTo(keysOf(kept, earlier.loggedOut(), earlier.bobsEarlier()));
    closeInspection();

    Set<AuthenticationResult.Status> background =
        EnumSet.of(AuthenticationResult.Status.AUTHENTICATED);
    if (mode == FallbackMode.DENY) {
      background.add(AuthenticationResult.Status.STORE_UNAVAILABLE);
    }
    if (!fault.keepsData()) {
      background.add(AuthenticationResult.Status.SESSION_ENDED);
    }
    traffic = new Traffic(kept.accessToken().value(), background);
    try {
      latencies.phase("during");
      fault.begin().run();
      long began = System.nanoTime();
      tripTheBreaker(kept);
      // each mode does its part of the outage and says how to check the aftermath
      Runnable aftermath =
          mode == FallbackMode.JWT_ONLY
              ? jwtOnlyDuringTheOutage(fault, alice, bob, earlier)
              : denyDuringTheOutage(fault, alice, bob, earlier);
      AuthenticationResult.Status meanwhile =
          mode == FallbackMode.JWT_ONLY
              ? AuthenticationResult.Status.AUTHENTICATED
              : AuthenticationResult.Status.STORE_UNAVAILABLE;
      while (System.nanoTime() - began < OUTAGE.toNanos()) {
        assertThat(authenticate(kept).status()).isEqualTo(meanwhile);
        sleep(POLL);
      }
      fault.end().run();
      faultEnded = System.nanoTime();
      latencies.phase("after");

      inspect();
      aftermath.run();
    } finally {
      traffic.close();
      System.out.printf(
          "RedisOutageIT %-24s %-8s %s; max latency during %s, after %s; background answers %s%n",
          fault.name(),
          mode,
          recoveredMillis < 0
              ? "did NOT recover"
              : String.format("recovered %4d ms after the fault ended", recoveredMillis),
          latencies.max("during"),
          latencies.max("after"),
          traffic);
    }
    assertThat(traffic.anomalies).as("background authentications").isEmpty();
    assertThat(latencies.overBound)
        .as("calls slower than %s ms", LATENCY_BOUND.toMillis())
        .isEmpty();
  }

  /**
   * Authenticates until {@link #FAILURE_THRESHOLD} answers came without Redis: then the breaker is
   * open, and nothing this test does next reaches Redis until it answers again. (The calls before
   * may have reached a paused Redis, which runs them when it resumes.)
   */
  private void tripTheBreaker(Login kept) {
    int withoutRedis = 0;
    long deadline = System.nanoTime() + RECOVERY.toNanos();
    while (withoutRedis < FAILURE_THRESHOLD) {
      assertThat(System.nanoTime() - deadline)
          .as("the outage was noticed within %s", RECOVERY)
          .isNegative();
      AuthenticationResult answer = authenticate(kept);
      if (answer.status() == AuthenticationResult.Status.STORE_UNAVAILABLE
          || (answer.isAuthenticated() && answer.withoutStore())) {
        withoutRedis++;
      } else {
        assertThat(answer.isAuthenticated() && !answer.withoutStore())
            .as("answered by Redis before the outage was noticed")
            .isTrue();
      }
    }
  }

  private Runnable jwtOnlyDuringTheOutage(Fault fault, String alice, String bob, Earlier earlier) {
    Login kept = earlier.kept();
    Login loggedOut = earlier.loggedOut();
    // verified tokens keep working
    assertThat(authenticate(kept).status()).isEqualTo(AuthenticationResult.Status.AUTHENTICATED);
    assertThat(authenticate(loggedOut).status())
        .isEqualTo(AuthenticationResult.Status.AUTHENTICATED);

    // a logout is honoured at once
    assertThat(call("logout", () -> manager.logout(loggedOut.session().id(), PHONE))).isTrue();
    assertThat(authenticate(loggedOut).status())
        .isEqualTo(AuthenticationResult.Status.SESSION_ENDED);
    assertThat(authenticate(kept).status()).isEqualTo(AuthenticationResult.Status.AUTHENTICATED);

    // a login works, and so do refreshes of its session and of one this instance has seen
    Login createdDuring = call("login", () -> manager.login(alice, Set.of("USER"), TABLET));
    assertThat(authenticate(createdDuring).status())
        .isEqualTo(AuthenticationResult.Status.AUTHENTICATED);
    Refresh createdRefreshed =
        call("refresh", () -> manager.refresh(createdDuring.refreshToken().value(), TABLET));
    assertThat(createdRefreshed.isRefreshed()).isTrue();
    Refresh keptRefreshed =
        call("refresh", () -> manager.refresh(kept.refreshToken().value(), LAPTOP));
    assertThat(keptRefreshed.isRefreshed()).isTrue();
    assertThat(authenticate(keptRefreshed.accessToken().orElseThrow().value()).status())
        .isEqualTo(AuthenticationResult.Status.AUTHENTICATED);

    // a session created and ended during the outage never needs to reach Redis
    Login shortLived = call("login", () -> manager.login(alice, Set.of("USER"), PHONE));
    assertThat(call("logout", () -> manager.logout(shortLived.session().id(), PHONE))).isTrue();
    assertThat(authenticate(shortLived).status())
        .isEqualTo(AuthenticationResult.Status.SESSION_ENDED);

    // a logout-all refuses every earlier token of the user, and no one else's
    assertThat(call("logoutAll", () -> manager.logoutAll(bob, LAPTOP))).isZero();
    assertThat(authenticate(earlier.bobsEarlier()).status())
        .isEqualTo(AuthenticationResult.Status.SESSION_ENDED);
    assertThat(authenticate(kept).status()).isEqualTo(AuthenticationResult.Status.AUTHENTICATED);

    assertThat(manager.hasUnwrittenChanges()).isTrue();
    DoneDuring done = new DoneDuring(createdDuring, createdRefreshed, keptRefreshed);
    return () -> jwtOnlyAfterTheOutage(fault, earlier, done, alice, bob);
  }

  private Runnable denyDuringTheOutage(Fault fault, String alice, String bob, Earlier earlier) {
    Login kept = earlier.kept();
    Login loggedOut = earlier.loggedOut();
    for (Login login : List.of(kept, loggedOut, earlier.bobsEarlier())) {
      assertThat(authenticate(login).status())
          .isEqualTo(AuthenticationResult.Status.STORE_UNAVAILABLE);
    }
    assertThatThrownBy(() -> call("login", () -> manager.login(alice, Set.of("USER"), TABLET)))
        .isInstanceOf(SessionStoreUnavailableException.class);
    assertThatThrownBy(() -> call("logout", () -> manager.logout(loggedOut.session().id(), PHONE)))
        .isInstanceOf(SessionStoreUnavailableException.class);
    assertThatThrownBy(
            () -> call("refresh", () -> manager.refresh(kept.refreshToken().value(), LAPTOP)))
        .isInstanceOf(SessionStoreUnavailableException.class);
    assertThatThrownBy(() -> call("logoutAll", () -> manager.logoutAll(bob, LAPTOP)))
        .isInstanceOf(SessionStoreUnavailableException.class);
    assertThat(authenticate(kept).status())
        .isEqualTo(AuthenticationResult.Status.STORE_UNAVAILABLE);
    assertThat(manager.hasUnwrittenChanges()).isFalse();
    return () -> denyAfterTheOutage(fault, earlier, alice);
  }

  private void jwtOnlyAfterTheOutage(
      Fault fault, Earlier earlier, DoneDuring done, String alice, String bob) {
    List<Login> live =
        fault.keepsData() ? List.of(earlier.kept(), done.created()) : List.of(done.created());
    Set<String> expected = keysOf(live.toArray(Login[]::new));

    awaitRecovery(
        "the outage record is written and Redis holds exactly " + expected,
        () ->
            !call("hasUnwrittenChanges", manager::hasUnwrittenChanges)
                && sessionKeys().equals(expected));

    assertThat(sessionKeys()).isEqualTo(expected);
    assertEveryKeyExpires();
    assertThat(call("sessions", () -> manager.sessions(alice).sessions()))
        .extracting(Session::id)
        .containsExactlyInAnyOrderElementsOf(live.stream().map(l -> l.session().id()).toList());
    assertThat(call("sessions", () -> manager.sessions(bob).sessions())).isEmpty();

    // Redis itself now confirms the sessions created during the outage ...
    AuthenticationResult created =
        authenticate(done.createdRefreshed().accessToken().orElseThrow().value());
    assertThat(confirmedByRedis(created)).isTrue();
    assertThat(created.claims().orElseThrow().sessionId()).isEqualTo(done.created().session().id());
    assertThat(
            call(
                    "refresh",
                    () ->
                        manager.refresh(
                            done.createdRefreshed().refreshToken().orElseThrow().value(), TABLET))
                .isRefreshed())
        .isTrue();
    // ... and refuses those ended during it
    assertThat(authenticate(earlier.loggedOut()).status())
        .isEqualTo(AuthenticationResult.Status.SESSION_ENDED);
    assertThat(authenticate(earlier.bobsEarlier()).status())
        .isEqualTo(AuthenticationResult.Status.SESSION_ENDED);
    assertThat(
            call(
                    "refresh",
                    () -> manager.refresh(earlier.loggedOut().refreshToken().value(), PHONE))
                .status())
        .isEqualTo(Refresh.Status.SESSION_ENDED);

    Refresh keptAgain =
        call(
            "refresh",
            () ->
                manager.refresh(done.keptRefreshed().refreshToken().orElseThrow().value(), LAPTOP));
    if (fault.keepsData()) {
      // the rotation made during the outage was replayed: its token is the current one
      assertThat(confirmedByRedis(authenticate(earlier.kept()))).isTrue();
      assertThat(keptAgain.isRefreshed()).isTrue();
    } else {
      // a documented limit: an empty Redis has lost every session from before the outage
      assertThat(authenticate(earlier.kept()).status())
          .isEqualTo(AuthenticationResult.Status.SESSION_ENDED);
      assertThat(keptAgain.status()).isEqualTo(Refresh.Status.SESSION_ENDED);
    }
    assertThat(sessionKeys()).isEqualTo(expected);
  }

  private void denyAfterTheOutage(Fault fault, Earlier earlier, String alice) {
    List<Login> recovered = new ArrayList<>();
    awaitRecovery(
        "a login works and its token authenticates",
        () -> {
          try {
            Login login = call("login", () -> manager.login(alice, Set.of("USER"), TABLET));
            recovered.add(login);
            return confirmedByRedis(authenticate(login));
          } catch (SessionStoreUnavailableException stillDown) {
            return false;
          }
        });

    List<Login> live = new ArrayList<>();
    if (fault.keepsData()) {
      live.addAll(List.of(earlier.kept(), earlier.loggedOut(), earlier.bobsEarlier()));
    }
    live.addAll(recovered);
    assertThat(sessionKeys()).isEqualTo(keysOf(live.toArray(Login[]::new)));
    assertEveryKeyExpires();
    assertThat(manager.hasUnwrittenChanges()).isFalse();

    AuthenticationResult kept = authenticate(earlier.kept());
    Refresh keptRefreshed =
        call("refresh", () -> manager.refresh(earlier.kept().refreshToken().value(), LAPTOP));
    if (fault.keepsData()) {
      assertThat(confirmedByRedis(kept)).isTrue();
      assertThat(keptRefreshed.isRefreshed()).isTrue();
      assertThat(call("logout", () -> manager.logout(earlier.loggedOut().session().id(), PHONE)))
          .isTrue();
      assertThat(authenticate(earlier.loggedOut()).status())
          .isEqualTo(AuthenticationResult.Status.SESSION_ENDED);
    } else {
      assertThat(kept.status()).isEqualTo(AuthenticationResult.Status.SESSION_ENDED);
      assertThat(keptRefreshed.status()).isEqualTo(Refresh.Status.SESSION_ENDED);
    }
  }

  /** Polls until recovered, at most {@link #RECOVERY} after the fault ended. */
  private void awaitRecovery(String what, BooleanSupplier recovered) {
    long deadline = faultEnded + RECOVERY.toNanos();
    while (!recovered.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "Not recovered within "
                + RECOVERY.toMillis()
                + " ms of the fault ending: expected "
                + what
                + "; unwritten changes: "
                + manager.hasUnwrittenChanges()
                + ", session keys: "
                + sessionKeys());
      }
      sleep(POLL);
    }
    recoveredMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - faultEnded);
  }

  // --- calls to the manager, each timed ---

  private AuthenticationResult authenticate(Login login) {
    return authenticate(login.accessToken().value());
  }

  private AuthenticationResult authenticate(String accessToken) {
    return call("authenticate", () -> manager.authenticate(accessToken));
  }

  private <T> T call(String name, Supplier<T> call) {
    return latencies.time(name, call);
  }

  // --- looking into Redis directly, never through the code under test ---

  private void inspect() {
    RedisURI uri = RedisURI.create(redis.uri());
    uri.setTimeout(Duration.ofSeconds(2));
    inspection = inspector.connect(uri);
  }

  private void closeInspection() {
    inspection.close();
    inspection = null;
  }

  private RedisCommands<String, String> redisCommands() {
    return inspection.sync();
  }

  private Set<String> sessionKeys() {
    return scan("session:*");
  }

  private Set<String> scan(String pattern) {
    Set<String> keys = new TreeSet<>();
    ScanIterator.scan(redisCommands(), ScanArgs.Builder.matches(pattern).limit(1000))
        .forEachRemaining(keys::add);
    return keys;
  }

  private void assertEveryKeyExpires() {
    Map<String, Long> ttls = new TreeMap<>();
    for (String key : scan("*")) {
      ttls.put(key, redisCommands().pttl(key));
    }
    assertThat(ttls)
        .as("PTTL of every key")
        .isNotEmpty()
        .allSatisfy((key, ttl) -> assertThat(ttl).as(key).isPositive());
  }

  private static Set<String> keysOf(Login... logins) {
    Set<String> keys = new TreeSet<>();
    for (Login login : logins) {
      Session session = login.session();
      keys.add("session:{" + SessionIds.userTag(session.userId()) + "}:" + session.id());
    }
    return keys;
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The slowest call per phase, and every call slower than {@link #LATENCY_BOUND}. Thread-safe. */
  private static final class Latencies {

    private record Slowest(long nanos, String call) {}

    private volatile String phase = "before";
    private final Map<String, Slowest> slowest = new TreeMap<>();
    private final Map<String, Long> counts = new TreeMap<>();
    final List<String> overBound = new CopyOnWriteArrayList<>();

    void phase(String phase) {
      this.phase = phase;
    }

    <T> T time(String name, Supplier<T> call) {
      String during = phase;
      long start = System.nanoTime();
      try {
        return call.get();
      } finally {
        record(during, name, System.nanoTime() - start);
      }
    }

    private synchronized void record(String phase, String name, long nanos) {
      counts.merge(phase, 1L, Long::sum);
      Slowest before = slowest.get(phase);
      if (before == null || nanos > before.nanos()) {
        slowest.put(phase, new Slowest(nanos, name));
      }
      if (!phase.equals("before") && nanos >= LATENCY_BOUND.toNanos()) {
        overBound.add(
            name + " took " + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms " + phase + " the fault");
      }
    }

    synchronized String max(String phase) {
      Slowest max = slowest.get(phase);
      return max == null
          ? "none"
          : String.format(
              "%d ms (%s, of %d calls)",
              TimeUnit.NANOSECONDS.toMillis(max.nanos()), max.call(), counts.get(phase));
    }
  }

  /** A client that keeps authenticating one token every few milliseconds, as users would. */
  private final class Traffic implements AutoCloseable {

    final List<String> anomalies = new CopyOnWriteArrayList<>();
    private final Map<AuthenticationResult.Status, Long> seen = new TreeMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    Traffic(String accessToken, Set<AuthenticationResult.Status> allowed) {
      thread =
          new Thread(
              () -> {
                while (running) {
                  try {
                    AuthenticationResult answer =
                        latencies.time(
                            "background authenticate", () -> manager.authenticate(accessToken));
                    synchronized (seen) {
                      seen.merge(answer.status(), 1L, Long::sum);
                    }
                    if (!allowed.contains(answer.status())) {
                      anomalies.add(answer.status() + " " + latencies.phase + " the fault");
                    }
                  } catch (RuntimeException e) {
                    anomalies.add("threw " + e + " " + latencies.phase + " the fault");
                  }
                  sleep(Duration.ofMillis(20));
                }
              },
              "outage-test-traffic");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() {
      running = false;
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public String toString() {
      synchronized (seen) {
        return seen.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(" "));
      }
    }
  }

  private static boolean confirmedByRedis(AuthenticationResult answer) {
    return answer.isAuthenticated() && !answer.withoutStore();
  }
}
