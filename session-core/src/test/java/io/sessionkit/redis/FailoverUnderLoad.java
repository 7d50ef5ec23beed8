package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.AuthenticationResult;
import io.sessionkit.ClientInfo;
import io.sessionkit.FallbackMode;
import io.sessionkit.Login;
import io.sessionkit.SessionCheck;
import io.sessionkit.SessionManager;
import io.sessionkit.jwt.JwtTokenService;
import io.sessionkit.jwt.SigningKey;
import io.sessionkit.testing.Await;
import io.sessionkit.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A master killed (SIGKILL) under concurrent authentications, on a real topology with replicas, in
 * deny mode: while the replica takes over, every request is answered (authenticated, or refused as
 * {@code STORE_UNAVAILABLE}, which the servlet answers 503), none is slower than the command
 * timeout plus a margin for a loaded machine, none fails; once the replica is promoted every live
 * session authenticates again from Redis (a login acknowledged the moment before the kill
 * included), and every logout acknowledged before the kill is still in force on the promoted
 * replica (the replica wait made both durable). Each subclass gives the topology, started once per
 * class.
 */
abstract class FailoverUnderLoad {

  static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);
  // generous for a shared 2-core machine, but bounded: a call that waited for two timeouts, or
  // for a connection that never comes, exceeds it
  static final Duration LATENCY_BOUND = COMMAND_TIMEOUT.plus(Duration.ofMillis(1000));
  // failure detection (2 s) plus an election, on a loaded machine
  static final Duration PROMOTION = Duration.ofSeconds(60);
  static final int USERS = 24;
  static final int LOGGED_OUT = 8;
  static final int THREADS = 4;
  private static final SigningKey KEY =
      SigningKey.hmacSha256("k1", "failover-test-key-0123456789abcdef0123456789");
  static final ClientInfo CLIENT = new ClientInfo("198.51.100.9", "Firefox on Linux");

  final String runId = Long.toString(System.nanoTime(), 36);
  RedisSessionStore store;
  SessionManager manager;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  /** The topology, started once for the class. */
  abstract RedisServer topology();

  /** A builder pointed at the topology. */
  abstract RedisSessionStore.Builder storeOn(RedisServer topology);

  /** The data node to kill: the master holding {@code login}'s session. */
  abstract String masterHolding(Login login);

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  RedisSessionStore newStore() {
    RedisSessionStore opened =
        storeOn(topology())
            .commandTimeout(COMMAND_TIMEOUT)
            .replicaWait(Duration.ofMillis(250))
            .failureThreshold(2)
            .probeInterval(Duration.ofMillis(100))
            .build();
    toClose.add(opened);
    return opened;
  }

  void startManager() {
    topology().awaitHealthy(PROMOTION);
    store = newStore();
    manager =
        SessionManager.builder()
            .store(store)
            .tokenService(JwtTokenService.builder().signingKey(KEY).build())
            .fallbackMode(FallbackMode.DENY)
            .reconcileInterval(Duration.ofMillis(200))
            .build();
    toClose.add(manager);
  }

  @Test
  void aKilledMasterUnderLoadCostsOnlyBoundedRefusalsAndLosesNoAcknowledgedLogout() {
    startManager();
    List<Login> live = new ArrayList<>();
    List<Login> loggedOut = new ArrayList<>();
    for (int i = 0; i < USERS; i++) {
      Login login = manager.login("user-" + runId + "-" + i, Set.of("USER"), CLIENT);
      (i < LOGGED_OUT ? loggedOut : live).add(login);
    }
    for (Login login : loggedOut) {
      assertThat(manager.logout(login.session().id(), CLIENT)).isTrue();
    }
    String victim = masterHolding(live.get(0));

    Load load = new Load(List.copyOf(live), loggedOut);
    try {
      Await.atMost(Duration.ofSeconds(10))
          .every(Duration.ofMillis(10))
          .until("the load runs", () -> load.answers.get() > 50);
      // acknowledged the moment before the master dies: the replica wait made its replica have it
      Login lastMoment = manager.login(live.get(0).session().userId(), Set.of("USER"), CLIENT);
      live.add(lastMoment);
      topology().kill(victim);
      // every live session authenticates from Redis again once the replica took over
      boolean recovered =
          Await.atMost(PROMOTION)
              .every(Duration.ofMillis(100))
              .holds(
                  () ->
                      live.stream()
                          .allMatch(
                              login -> {
                                AuthenticationResult a =
                                    manager.authenticate(login.accessToken().value());
                                return a.isAuthenticated() && !a.withoutStore();
                              }));
      assertThat(recovered).as("every live session authenticates after the promotion").isTrue();
    } finally {
      load.close();
      System.out.printf(
          "%s: %d answers during the kill: %s; slowest %d ms%n",
          getClass().getSimpleName(), load.answers.get(), load.statuses, load.slowestMillis.get());
    }
    assertThat(load.anomalies).as("answers other than authenticated, ended or 503").isEmpty();
    assertThat(load.slowestMillis.get())
        .as("slowest authentication, ms")
        .isLessThanOrEqualTo(LATENCY_BOUND.toMillis());

    // asked of a store that has never seen these sessions: what the promoted replica holds
    RedisSessionStore fresh = newStore();
    for (Login login : loggedOut) {
      assertThat(fresh.find(login.session().id())).as("logged out before the kill").isEmpty();
      assertThat(fresh.touch(login.session().userId(), login.session().id(), Duration.ofMinutes(1)))
          .isEqualTo(SessionCheck.ended());
    }
    for (Login login : live) {
      assertThat(fresh.find(login.session().id())).as("live before the kill").isPresent();
    }

    topology().restart(victim);
    topology().awaitHealthy(PROMOTION);
  }

  /** Threads that authenticate live and logged-out sessions, timing each call, until closed. */
  final class Load implements AutoCloseable {
    final AtomicLong answers = new AtomicLong();
    final AtomicLong slowestMillis = new AtomicLong();
    final ConcurrentLinkedQueue<String> anomalies = new ConcurrentLinkedQueue<>();
    final java.util.Map<AuthenticationResult.Status, AtomicLong> statuses =
        new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ExecutorService threads = Executors.newFixedThreadPool(THREADS);

    Load(List<Login> live, List<Login> loggedOut) {
      for (int t = 0; t < THREADS; t++) {
        int offset = t;
        threads.submit(
            () -> {
              int i = offset;
              while (running.get()) {
                boolean isLive = loggedOut.isEmpty() || i % 3 != 0;
                List<Login> pool = isLive ? live : loggedOut;
                Login login = pool.get(i++ % pool.size());
                long start = System.nanoTime();
                try {
                  AuthenticationResult answer = manager.authenticate(login.accessToken().value());
                  record(start);
                  statuses
                      .computeIfAbsent(answer.status(), s -> new AtomicLong())
                      .incrementAndGet();
                  AuthenticationResult.Status expected =
                      isLive
                          ? AuthenticationResult.Status.AUTHENTICATED
                          : AuthenticationResult.Status.SESSION_ENDED;
                  if (answer.status() != expected
                      && answer.status() != AuthenticationResult.Status.STORE_UNAVAILABLE) {
                    anomalies.add(login.session().id() + ": " + answer.status());
                  }
                } catch (RuntimeException e) {
                  record(start);
                  anomalies.add(login.session().id() + ": " + e); // a 5xx
                }
              }
            });
      }
    }

    private void record(long start) {
      answers.incrementAndGet();
      slowestMillis.accumulateAndGet(
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), Math::max);
    }

    @Override
    public void close() {
      running.set(false);
      threads.shutdown();
      try {
        threads.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
