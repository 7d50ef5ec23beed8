package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.internal.RefreshTokens;
import io.sessionkit.internal.SessionIds;
import io.sessionkit.testing.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link SessionStore} must have. Each implementation's test extends this class
 * and says how to build a store on a given clock; time moves only through that clock.
 */
public abstract class SessionStoreContract {

  protected static final Duration LIFETIME = Duration.ofDays(7);
  protected static final Duration GRACE = Duration.ofSeconds(10);
  private static final SecureRandom RANDOM = new SecureRandom();

  protected MutableClock clock;
  protected SessionStore store;
  private int userCounter;
  private final String runId = Long.toString(System.nanoTime(), 36);

  /** A new, empty-for-these-users store whose now comes from {@code clock}. */
  protected abstract SessionStore createStore(MutableClock clock);

  @BeforeEach
  void openStore() {
    clock = MutableClock.atNow();
    store = createStore(clock);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  /** A user id no other test of this run uses, so tests may share one backing server. */
  protected String newUser() {
    return "user-" + runId + "-" + (++userCounter);
  }

  protected Session newSession(String userId) {
    return newSession(userId, Duration.ZERO);
  }

  protected Session newSession(String userId, Duration idleTimeout) {
    Instant now = clock.instant();
    return new Session(
        SessionIds.newSessionId(userId, RANDOM),
        userId,
        Set.of("USER"),
        now,
        now,
        now.plus(LIFETIME),
        idleTimeout,
        "203.0.113.7",
        "Mozilla/5.0 (X11; Linux x86_64)",
        Map.of());
  }

  protected Session created(String userId) {
    return store.create(newSession(userId), hash("first"), 0).session();
  }

  protected static String hash(String secret) {
    return RefreshTokens.hash(secret);
  }

  private static RefreshRotation rotation(String sessionId, String presented, String next) {
    return new RefreshRotation(sessionId, hash(presented), hash(next), "sealed:" + next, GRACE);
  }

  @Test
  void createdSessionIsFoundWithEveryField() {
    String user = newUser();
    Session session =
        new Session(
            SessionIds.newSessionId(user, RANDOM),
            user,
            Set.of("USER", "ADMIN"),
            clock.instant(),
            clock.instant(),
            clock.instant().plus(LIFETIME),
            Duration.ofMinutes(30),
            "2001:db8::1",
            "Agent \"quoted\" \u00e9\u4e2d",
            Map.of("device", "laptop", "note", "{\"json\": [1]}"));

    SessionCreation creation = store.create(session, hash("first"), 0);

    assertThat(creation.session()).isEqualTo(session);
    assertThat(creation.evicted()).isEmpty();
    assertThat(store.find(session.id())).contains(session);
  }

  @Test
  void aStoreThatIsUpAnswersPing() {
    assertThat(store.ping()).isTrue();
  }

  @Test
  void unknownAndMalformedIdsAreNotFound() {
    assertThat(store.find(SessionIds.newSessionId(newUser(), RANDOM))).isEmpty();
    assertThat(store.find("")).isEmpty();
    assertThat(store.find("not a session id")).isEmpty();
    assertThat(store.find("{}*?\u0000\n")).isEmpty();
    assertThat(store.touch("../..", Duration.ZERO)).isEmpty();
    assertThat(store.revoke("x".repeat(10_000))).isEmpty();
  }

  @Test
  void creatingASessionWithAnExistingIdIsRejected() {
    Session session = newSession(newUser());
    store.create(session, hash("first"), 0);

    assertThatThrownBy(() -> store.create(session, hash("other"), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(session.id());
  }

  @Test
  void negativeLimitIsRejected() {
    assertThatThrownBy(() -> store.create(newSession(newUser()), hash("first"), -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxSessionsPerUser must be >= 0, but was -1");
  }

  @Test
  void sessionsAreListedPerUserOldestFirst() {
    String alice = newUser();
    String bob = newUser();
    Session first = created(alice);
    clock.advance(Duration.ofSeconds(1));
    Session other = created(bob);
    clock.advance(Duration.ofSeconds(1));
    Session second = created(alice);

    assertThat(store.listByUser(alice)).containsExactly(first, second);
    assertThat(store.listByUser(bob)).containsExactly(other);
    assertThat(store.countByUser(alice)).isEqualTo(2);
    assertThat(store.countByUser(bob)).isEqualTo(1);
    assertThat(store.listByUser(newUser())).isEmpty();
    assertThat(store.countByUser(newUser())).isZero();
  }

  @Test
  void sessionIsGoneOnceItsAbsoluteExpiryPasses() {
    String user = newUser();
    Session session = created(user);

    clock.advance(LIFETIME.minusSeconds(1));
    assertThat(store.find(session.id())).isPresent();

    clock.advance(Duration.ofSeconds(1));
    assertThat(store.find(session.id())).isEmpty();
    assertThat(store.touch(session.id(), Duration.ZERO)).isEmpty();
    assertThat(store.listByUser(user)).isEmpty();
    assertThat(store.countByUser(user)).isZero();
    assertThat(store.revoke(session.id())).isEmpty();
  }

  @Test
  void expiredSessionsAreLeftOutOfListAndCountWhileLiveOnesStay() {
    String user = newUser();
    Session old = created(user);
    clock.advance(Duration.ofDays(3));
    Session recent = created(user);

    clock.advance(Duration.ofDays(5));

    assertThat(store.listByUser(user)).containsExactly(recent);
    assertThat(store.countByUser(user)).isEqualTo(1);
    assertThat(store.find(old.id())).isEmpty();
  }

  @Test
  void touchRecordsActivityAtMostOncePerInterval() {
    Session session = created(newUser());
    Duration interval = Duration.ofMinutes(1);

    clock.advance(Duration.ofSeconds(30));
    assertThat(store.touch(session.id(), interval)).contains(session);
    assertThat(store.find(session.id()).orElseThrow().lastActiveAt())
        .isEqualTo(session.lastActiveAt());

    clock.advance(Duration.ofSeconds(30));
    Instant now = clock.instant();
    Session touched = store.touch(session.id(), interval).orElseThrow();
    assertThat(touched.lastActiveAt()).isEqualTo(now);
    assertThat(store.find(session.id())).contains(touched);
    assertThat(touched).isEqualTo(session.withLastActiveAt(now));

    clock.advance(Duration.ofSeconds(59));
    assertThat(store.touch(session.id(), interval).orElseThrow().lastActiveAt()).isEqualTo(now);
  }

  @Test
  void idleSessionEndsAfterItsIdleTimeoutUnlessTouched() {
    String user = newUser();
    Session idle = store.create(newSession(user, Duration.ofMinutes(30)), hash("a"), 0).session();
    Session active = store.create(newSession(user, Duration.ofMinutes(30)), hash("b"), 0).session();

    clock.advance(Duration.ofMinutes(20));
    assertThat(store.touch(active.id(), Duration.ofMinutes(1))).isPresent();
    clock.advance(Duration.ofMinutes(10));

    assertThat(store.find(idle.id())).isEmpty();
    assertThat(store.find(active.id())).isPresent();
    assertThat(store.listByUser(user)).extracting(Session::id).containsExactly(active.id());

    clock.advance(Duration.ofMinutes(20));
    assertThat(store.find(active.id())).isEmpty();
  }

  @Test
  void touchNeverExtendsASessionPastItsAbsoluteExpiry() {
    Session session =
        store.create(newSession(newUser(), Duration.ofHours(1)), hash("a"), 0).session();
    for (int i = 0; i < 7 * 24 * 2; i++) {
      clock.advance(Duration.ofMinutes(30));
      if (clock.instant().isBefore(session.expiresAt())) {
        assertThat(store.touch(session.id(), Duration.ofMinutes(1))).isPresent();
      }
    }
    assertThat(store.find(session.id())).isEmpty();
  }

  @Test
  void creatingBeyondTheLimitEvictsTheOldest() {
    String user = newUser();
    List<Session> sessions = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sessions.add(store.create(newSession(user), hash("s" + i), 3).session());
      clock.advance(Duration.ofSeconds(1));
    }

    SessionCreation fourth = store.create(newSession(user), hash("s3"), 3);

    assertThat(fourth.evicted()).containsExactly(sessions.get(0));
    assertThat(store.find(sessions.get(0).id())).isEmpty();
    assertThat(store.listByUser(user))
        .containsExactly(sessions.get(1), sessions.get(2), fourth.session());
    assertThat(store.rotateRefreshToken(rotation(sessions.get(0).id(), "s0", "n")).status())
        .isEqualTo(RefreshRotation.Status.SESSION_NOT_FOUND);
  }

  @Test
  void aLoweredLimitEvictsEveryExcessSessionOldestFirst() {
    String user = newUser();
    List<Session> sessions = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      sessions.add(created(user));
      clock.advance(Duration.ofSeconds(1));
    }

    SessionCreation creation = store.create(newSession(user), hash("new"), 2);

    assertThat(creation.evicted())
        .containsExactly(sessions.get(0), sessions.get(1), sessions.get(2));
    assertThat(store.listByUser(user)).containsExactly(sessions.get(3), creation.session());
  }

  @Test
  void expiredSessionsDoNotCountTowardsTheLimit() {
    String user = newUser();
    Session old = created(user);
    clock.advance(LIFETIME);

    SessionCreation creation = store.create(newSession(user), hash("new"), 1);

    assertThat(creation.evicted()).isEmpty();
    assertThat(store.find(old.id())).isEmpty();
    assertThat(store.listByUser(user)).containsExactly(creation.session());
  }

  @Test
  void zeroLimitMeansNoLimit() {
    String user = newUser();
    for (int i = 0; i < 20; i++) {
      assertThat(store.create(newSession(user), hash("s" + i), 0).evicted()).isEmpty();
    }
    assertThat(store.countByUser(user)).isEqualTo(20);
  }

  @Test
  void revokeEndsOneSessionAndReturnsIt() {
    String user = newUser();
    Session revoked = created(user);
    Session kept = created(user);

    assertThat(store.revoke(revoked.id())).contains(revoked);

    assertThat(store.find(revoked.id())).isEmpty();
    assertThat(store.revoke(revoked.id())).isEmpty();
    assertThat(store.listByUser(user)).containsExactly(kept);
    assertThat(store.rotateRefreshToken(rotation(revoked.id(), "first", "n")).status())
        .isEqualTo(RefreshRotation.Status.SESSION_NOT_FOUND);
  }

  @Test
  void revokeAllEndsEverySessionOfThatUserOnly() {
    String alice = newUser();
    String bob = newUser();
    Session a1 = created(alice);
    clock.advance(Duration.ofSeconds(1));
    Session a2 = created(alice);
    Session b1 = created(bob);

    assertThat(store.revokeAllOfUser(alice)).containsExactly(a1, a2);

    assertThat(store.listByUser(alice)).isEmpty();
    assertThat(store.find(a1.id())).isEmpty();
    assertThat(store.find(a2.id())).isEmpty();
    assertThat(store.listByUser(bob)).containsExactly(b1);
    assertThat(store.revokeAllOfUser(alice)).isEmpty();
  }

  @Test
  void rotationWithTheCurrentTokenRotates() {
    Session session = created(newUser());

    RefreshRotation.Outcome outcome =
        store.rotateRefreshToken(rotation(session.id(), "first", "second"));

    assertThat(outcome.status()).isEqualTo(RefreshRotation.Status.ROTATED);
    assertThat(outcome.session()).contains(session);
    assertThat(store.rotateRefreshToken(rotation(session.id(), "second", "third")).status())
        .isEqualTo(RefreshRotation.Status.ROTATED);
  }

  @Test
  void previousTokenWithinTheGraceGetsTheSameSealedSuccessorEveryTime() {
    Session session = created(newUser());
    store.rotateRefreshToken(rotation(session.id(), "first", "second"));

    clock.advance(GRACE.minusSeconds(1));
    RefreshRotation.Outcome retry =
        store.rotateRefreshToken(rotation(session.id(), "first", "other"));
    RefreshRotation.Outcome again =
        store.rotateRefreshToken(rotation(session.id(), "first", "another"));

    assertThat(retry.status()).isEqualTo(RefreshRotation.Status.GRACE_RETRY);
    assertThat(retry.sealedNext()).contains("sealed:second");
    assertThat(again.sealedNext()).contains("sealed:second");
    // the retries changed nothing: the successor is still the current token
    assertThat(store.rotateRefreshToken(rotation(session.id(), "second", "third")).status())
        .isEqualTo(RefreshRotation.Status.ROTATED);
  }

  @Test
  void theSameRotationSentAgainAfterTheGraceIsARetryNotTheft() {
    Session session = created(newUser());
    store.rotateRefreshToken(rotation(session.id(), "first", "second"));
    clock.advance(GRACE.multipliedBy(100));

    RefreshRotation.Outcome again =
        store.rotateRefreshToken(rotation(session.id(), "first", "second"));

    assertThat(again.status()).isEqualTo(RefreshRotation.Status.GRACE_RETRY);
    assertThat(again.sealedNext()).contains("sealed:second");
    assertThat(store.find(session.id())).isPresent();
  }

  @Test
  void previousTokenAfterTheGraceIsReuseAndRevokesTheSession() {
    String user = newUser();
    Session session = created(user);
    store.rotateRefreshToken(rotation(session.id(), "first", "second"));

    clock.advance(GRACE.plusSeconds(1));
    RefreshRotation.Outcome outcome =
        store.rotateRefreshToken(rotation(session.id(), "first", "x"));

    assertThat(outcome.status()).isEqualTo(RefreshRotation.Status.REUSE_DETECTED);
    assertThat(outcome.session()).contains(session);
    assertThat(store.find(session.id())).isEmpty();
    assertThat(store.listByUser(user)).isEmpty();
    assertThat(store.rotateRefreshToken(rotation(session.id(), "second", "y")).status())
        .isEqualTo(RefreshRotation.Status.SESSION_NOT_FOUND);
  }

  @Test
  void aTokenOlderThanThePreviousIsReuseEvenWithinTheGrace() {
    Session session = created(newUser());
    store.rotateRefreshToken(rotation(session.id(), "first", "second"));
    store.rotateRefreshToken(rotation(session.id(), "second", "third"));

    RefreshRotation.Outcome outcome =
        store.rotateRefreshToken(rotation(session.id(), "first", "x"));

    assertThat(outcome.status()).isEqualTo(RefreshRotation.Status.REUSE_DETECTED);
    assertThat(store.find(session.id())).isEmpty();
  }

  @Test
  void aForeignTokenIsInvalidAndChangesNothing() {
    Session session = created(newUser());

    RefreshRotation.Outcome outcome =
        store.rotateRefreshToken(rotation(session.id(), "guess", "x"));

    assertThat(outcome.status()).isEqualTo(RefreshRotation.Status.INVALID);
    assertThat(store.find(session.id())).contains(session);
    assertThat(store.rotateRefreshToken(rotation(session.id(), "first", "second")).status())
        .isEqualTo(RefreshRotation.Status.ROTATED);
  }

  @Test
  void rotationOfAnExpiredSessionFindsNothing() {
    Session session = created(newUser());
    clock.advance(LIFETIME);

    assertThat(store.rotateRefreshToken(rotation(session.id(), "first", "second")))
        .isEqualTo(RefreshRotation.Outcome.notFound());
  }

  @Test
  void fiftyParallelCreatesWithLimitFiveLeaveExactlyFiveLiveSessions() throws Exception {
    String user = newUser();
    List<Callable<SessionCreation>> creates = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String secret = "s" + i;
      creates.add(() -> store.create(newSession(user), hash(secret), 5));
    }

    List<SessionCreation> results = runTogether(creates);

    List<Session> live = store.listByUser(user);
    assertThat(live).hasSize(5);
    assertThat(store.countByUser(user)).isEqualTo(5);
    long evicted = results.stream().mapToLong(r -> r.evicted().size()).sum();
    assertThat(evicted).isEqualTo(45);
    List<String> evictedIds =
        results.stream().flatMap(r -> r.evicted().stream()).map(Session::id).toList();
    assertThat(evictedIds)
        .doesNotHaveDuplicates()
        .doesNotContainAnyElementsOf(live.stream().map(Session::id).toList());
  }

  @Test
  void twentyParallelRotationsWithOneTokenRotateExactlyOnce() throws Exception {
    Session session = created(newUser());
    List<Callable<RefreshRotation.Outcome>> rotations = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String next = "next" + i;
      rotations.add(() -> store.rotateRefreshToken(rotation(session.id(), "first", next)));
    }

    List<RefreshRotation.Outcome> outcomes = runTogether(rotations);

    List<RefreshRotation.Outcome> rotated =
        outcomes.stream().filter(o -> o.status() == RefreshRotation.Status.ROTATED).toList();
    assertThat(rotated).hasSize(1);
    assertThat(outcomes)
        .filteredOn(o -> o.status() != RefreshRotation.Status.ROTATED)
        .allSatisfy(o -> assertThat(o.status()).isEqualTo(RefreshRotation.Status.GRACE_RETRY))
        .extracting(RefreshRotation.Outcome::sealedNext)
        .containsOnly(Optional.of(winningSeal(outcomes, rotated.get(0))));
    assertThat(store.find(session.id())).isPresent();
  }

  // Which "sealed:nextN" won is only known from the retries; they must all agree on one.
  private static String winningSeal(
      List<RefreshRotation.Outcome> outcomes, RefreshRotation.Outcome rotated) {
    return outcomes.stream()
        .filter(o -> o != rotated)
        .findFirst()
        .flatMap(RefreshRotation.Outcome::sealedNext)
        .orElseThrow();
  }

  /** Runs the tasks on as many threads, released at once; fails after 30 s. */
  protected static <T> List<T> runTogether(List<Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return task.call();
                }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(30, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
