package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.internal.RefreshTokens;
import io.sessionkit.testing.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
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
  protected static final String BROWSER =
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0"
          + " Safari/537.36";
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

  /**
   * Waits until writes the store sent without waiting have landed: a store may record activity off
   * the request path, and a test that reads it back waits for that first.
   */
  protected void awaitWrites() {}

  /** A user id no other test of this run uses, so tests may share one backing server. */
  protected String newUser() {
    return "user-" + runId + "-" + (++userCounter);
  }

  /** A session as the manager would make it at the clock's now. */
  protected Session newSession(String userId) {
    return newSession(userId, Duration.ZERO, BROWSER);
  }

  protected Session newSession(String userId, Duration idleTimeout, String userAgent) {
    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    return new Session(
        store.newSessionId(userId),
        userId,
        Set.of("USER"),
        now,
        now,
        now.plus(LIFETIME),
        idleTimeout,
        "203.0.113.7",
        userAgent,
        Map.of());
  }

  /** A stored session and the refresh token its client holds. */
  public record Held(Session session, RefreshTokens.Parts token, String tagKey) {
    String id() {
      return session.id();
    }
  }

  protected Held create(Session session, int max) {
    String tagKey = RefreshTokens.newTagKey(RANDOM);
    RefreshTokens.Parts first =
        RefreshTokens.issue(session.id(), 0, RefreshTokens.newNonce(RANDOM), tagKey);
    SessionCreation creation =
        store.create(new NewSession(session, 0, first.nonceHash(), tagKey, false), max);
    assertThat(creation.status()).isEqualTo(SessionCreation.Status.CREATED);
    return new Held(session, first, tagKey);
  }

  protected Held created(String userId) {
    return create(newSession(userId), 0);
  }

  protected static NewSession asNew(Held held, boolean late) {
    return new NewSession(held.session(), 0, held.token().nonceHash(), held.tagKey(), late);
  }

  /**
   * A rotation presenting {@code presented} and replacing it with a token of nonce {@code next}.
   */
  protected static RefreshRotation rotation(RefreshTokens.Parts presented, byte[] next) {
    return new RefreshRotation(
        presented.sessionId(),
        presented.generation(),
        presented.nonceHash(),
        presented.tagHex(),
        RefreshTokens.hash(next),
        RefreshTokens.seal(presented, next, RANDOM),
        GRACE);
  }

  protected static RefreshRotation rotation(RefreshTokens.Parts presented) {
    return rotation(presented, RefreshTokens.newNonce(RANDOM));
  }

  /** Rotates the held token and returns the successor the client gets. */
  protected RefreshTokens.Parts rotate(RefreshTokens.Parts presented) {
    byte[] next = RefreshTokens.newNonce(RANDOM);
    RefreshRotation.Outcome outcome = store.rotate(rotation(presented, next));
    assertThat(outcome.status()).isEqualTo(RefreshRotation.Status.ROTATED);
    RefreshRotation.Successor successor = outcome.successor().orElseThrow();
    assertThat(successor.generation()).isEqualTo(presented.generation() + 1);
    return RefreshTokens.issue(
        presented.sessionId(), successor.generation(), next, successor.tagKey());
  }

  /** A token someone made up: a real session id and generation, a random nonce and tag. */
  protected static RefreshTokens.Parts guessed(String sessionId, int generation) {
    byte[] tag = new byte[12];
    RANDOM.nextBytes(tag);
    return new RefreshTokens.Parts(sessionId, generation, RefreshTokens.newNonce(RANDOM), tag);
  }

  protected List<Session> all(String userId) {
    return store.list(userId, Optional.empty(), SessionPage.MAX_PAGE_SIZE).sessions();
  }

  protected int count(String userId) {
    return store.list(userId, Optional.empty(), 1).liveCount();
  }

  protected boolean isLive(Held held) {
    return store.touch(held.session().userId(), held.id(), Duration.ofDays(1)).isLive();
  }

  @Test
  void createdSessionIsFoundWithEveryField() {
    String user = newUser();
    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    Session session =
        new Session(
            store.newSessionId(user),
            user,
            Set.of("USER", "ADMIN"),
            now,
            now,
            now.plus(LIFETIME),
            Duration.ofMinutes(30),
            "2001:db8::1",
            "Agent \"quoted\" \u00e9\u4e2d",
            Map.of("device", "laptop", "note", "{\"json\": [1]}"));

    create(session, 0);

    assertThat(store.find(session.id())).contains(session);
    assertThat(all(user)).containsExactly(session);
  }

  @Test
  void aStoreThatIsUpAnswersPing() {
    assertThat(store.ping()).isTrue();
  }

  @Test
  void sessionIdsAreRandomAndUrlSafe() {
    String user = newUser();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      ids.add(store.newSessionId(user));
    }
    assertThat(ids).hasSize(100).allMatch(id -> id.matches("[A-Za-z0-9_-]{22,}"));
  }

  @Test
  void unknownAndMalformedIdsAreNotFound() {
    String user = newUser();
    assertThat(store.find(store.newSessionId(user))).isEmpty();
    assertThat(store.find("")).isEmpty();
    assertThat(store.find("not a session id")).isEmpty();
    assertThat(store.find("{}*?\u0000\n")).isEmpty();
    assertThat(store.touch(user, "../..", Duration.ZERO).isLive()).isFalse();
    assertThat(store.revoke("x".repeat(10_000))).isEmpty();
    assertThat(store.rotate(rotation(guessed(store.newSessionId(user), 0))).status())
        .isEqualTo(RefreshRotation.Status.SESSION_NOT_FOUND);
  }

  @Test
  void creatingASessionThatExistsAnswersAlreadyCreatedAndChangesNothing() {
    Held held = created(newUser());

    SessionCreation again = store.create(asNew(held, false), 0);

    assertThat(again.status()).isEqualTo(SessionCreation.Status.ALREADY_CREATED);
    assertThat(store.find(held.id())).contains(held.session());
    assertThat(store.rotate(rotation(held.token())).status())
        .isEqualTo(RefreshRotation.Status.ROTATED);
  }

  @Test
  void negativeLimitIsRejected() {
    assertThatThrownBy(() -> create(newSession(newUser()), -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxSessionsPerUser must be >= 0, but was -1");
  }

  @Test
  void aSessionIdMadeForAnotherUserIsRejected() {
    Session stranger = newSession(newUser());
    Session mismatched =
        new Session(
            stranger.id(),
            newUser(),
            stranger.roles(),
            stranger.createdAt(),
            stranger.lastActiveAt(),
            stranger.expiresAt(),
            stranger.idleTimeout(),
            stranger.clientIp(),
            stranger.userAgent(),
            stranger.attributes());

    assertThatThrownBy(() -> create(mismatched, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was not made by newSessionId");
  }

  @Test
  void sessionsAreListedPerUserNewestFirst() {
    String alice = newUser();
    String bob = newUser();
    Held first = created(alice);
    clock.advance(Duration.ofSeconds(1));
    Held other = created(bob);
    clock.advance(Duration.ofSeconds(1));
    Held second = created(alice);

    assertThat(all(alice)).containsExactly(second.session(), first.session());
    assertThat(all(bob)).containsExactly(other.session());
    assertThat(count(alice)).isEqualTo(2);
    assertThat(count(bob)).isEqualTo(1);
    assertThat(all(newUser())).isEmpty();
    assertThat(count(newUser())).isZero();
  }

  @Test
  void pagesHoldEverySessionOnceNewestFirst() {
    String user = newUser();
    List<Session> created = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      created.add(created(user).session());
      clock.advance(Duration.ofMillis(1));
    }

    List<Session> seen = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    Optional<String> after = Optional.empty();
    do {
      SessionPage page = store.list(user, after, SessionPage.MAX_PAGE_SIZE);
      assertThat(page.liveCount()).isEqualTo(250);
      seen.addAll(page.sessions());
      sizes.add(page.sessions().size());
      after = page.next();
    } while (after.isPresent());

    assertThat(sizes).containsExactly(100, 100, 50);
    List<Session> newestFirst = new ArrayList<>(created);
    java.util.Collections.reverse(newestFirst);
    assertThat(seen).containsExactlyElementsOf(newestFirst);
  }

  @Test
  void aPageGoesOnAfterTheSessionItEndedWithHasEnded() {
    String user = newUser();
    List<Held> held = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      held.add(created(user));
      clock.advance(Duration.ofMillis(1));
    }
    SessionPage first = store.list(user, Optional.empty(), 2);
    assertThat(first.sessions()).containsExactly(held.get(4).session(), held.get(3).session());

    store.revoke(held.get(3).id());
    SessionPage second = store.list(user, first.next(), 2);

    assertThat(second.sessions()).containsExactly(held.get(2).session(), held.get(1).session());
    assertThat(store.list(user, second.next(), 2).sessions())
        .containsExactly(held.get(0).session());
  }

  @Test
  void aMalformedCursorGivesAnEmptyPageAndABadLimitIsRejected() {
    String user = newUser();
    created(user);

    assertThat(store.list(user, Optional.of("garbage"), 10).sessions()).isEmpty();
    assertThatThrownBy(() -> store.list(user, Optional.empty(), 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.list(user, Optional.empty(), SessionPage.MAX_PAGE_SIZE + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sessionIsGoneOnceItsAbsoluteExpiryPasses() {
    String user = newUser();
    Held held = created(user);

    clock.advance(LIFETIME.minusSeconds(1));
    assertThat(store.find(held.id())).isPresent();

    clock.advance(Duration.ofSeconds(1));
    assertThat(store.find(held.id())).isEmpty();
    assertThat(isLive(held)).isFalse();
    assertThat(all(user)).isEmpty();
    assertThat(count(user)).isZero();
    assertThat(store.revoke(held.id())).isEmpty();
  }

  @Test
  void expiredSessionsAreLeftOutOfListAndCountWhileLiveOnesStay() {
    String user = newUser();
    Held old = created(user);
    clock.advance(Duration.ofDays(3));
    Held recent = created(user);

    clock.advance(Duration.ofDays(5));

    assertThat(all(user)).containsExactly(recent.session());
    assertThat(count(user)).isEqualTo(1);
    assertThat(store.find(old.id())).isEmpty();
  }

  @Test
  void touchRecordsActivityAtMostOncePerInterval() {
    Held held = created(newUser());
    Session session = held.session();
    Duration interval = Duration.ofMinutes(1);

    clock.advance(Duration.ofSeconds(30));
    assertThat(store.touch(session.userId(), session.id(), interval))
        .isEqualTo(SessionCheck.live(session.expiresAt()));
    assertThat(store.find(session.id()).orElseThrow().lastActiveAt())
        .isEqualTo(session.lastActiveAt());

    clock.advance(Duration.ofSeconds(30));
    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    assertThat(store.touch(session.userId(), session.id(), interval).isLive()).isTrue();
    awaitWrites();
    assertThat(store.find(session.id())).contains(session.withLastActiveAt(now));

    clock.advance(Duration.ofSeconds(59));
    store.touch(session.userId(), session.id(), interval);
    awaitWrites();
    assertThat(store.find(session.id()).orElseThrow().lastActiveAt()).isEqualTo(now);
  }

  @Test
  void aSessionDoesNotAuthenticateAnotherUser() {
    Held held = created(newUser());

    assertThat(store.touch(newUser(), held.id(), Duration.ZERO)).isEqualTo(SessionCheck.ended());
    assertThat(isLive(held)).isTrue();
  }

  @Test
  void idleSessionEndsAfterItsIdleTimeoutUnlessTouched() {
    String user = newUser();
    Held idle = create(newSession(user, Duration.ofMinutes(30), BROWSER), 0);
    Held active = create(newSession(user, Duration.ofMinutes(30), BROWSER), 0);

    clock.advance(Duration.ofMinutes(20));
    SessionCheck touched = store.touch(user, active.id(), Duration.ofMinutes(1));
    assertThat(touched.endsAt())
        .contains(
            clock
                .instant()
                .truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
                .plus(Duration.ofMinutes(30)));
    clock.advance(Duration.ofMinutes(10));

    assertThat(store.find(idle.id())).isEmpty();
    assertThat(store.find(active.id())).isPresent();
    assertThat(all(user)).extracting(Session::id).containsExactly(active.id());
    assertThat(count(user)).isEqualTo(1);

    clock.advance(Duration.ofMinutes(20));
    assertThat(store.find(active.id())).isEmpty();
  }

  @Test
  void touchNeverExtendsASessionPastItsAbsoluteExpiry() {
    String user = newUser();
    Held held = create(newSession(user, Duration.ofHours(1), BROWSER), 0);
    for (int i = 0; i < 7 * 24 * 2; i++) {
      clock.advance(Duration.ofMinutes(30));
      if (clock.instant().isBefore(held.session().expiresAt())) {
        assertThat(store.touch(user, held.id(), Duration.ofMinutes(1)).isLive()).isTrue();
      }
    }
    assertThat(store.find(held.id())).isEmpty();
  }

  @Test
  void creatingBeyondTheLimitEvictsTheOldestAndReclaimReportsIt() {
    String user = newUser();
    List<Held> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(create(newSession(user), 3));
      clock.advance(Duration.ofSeconds(1));
    }

    Session fourth = newSession(user);
    SessionCreation creation = store.create(asNew(heldOf(fourth), false), 3);

    assertThat(creation.evicted()).isEqualTo(1);
    assertThat(store.find(held.get(0).id())).isEmpty();
    assertThat(isLive(held.get(0))).isFalse();
    assertThat(all(user)).containsExactly(fourth, held.get(2).session(), held.get(1).session());
    assertThat(store.rotate(rotation(held.get(0).token())).status())
        .isEqualTo(RefreshRotation.Status.SESSION_NOT_FOUND);
    SessionStore.Reclaimed reclaimed = store.reclaim(user);
    assertThat(reclaimed.evicted()).extracting(Session::id).containsExactly(held.get(0).id());
    assertThat(reclaimed.more()).isFalse();
    assertThat(store.reclaim(user)).isEqualTo(SessionStore.Reclaimed.nothing());
  }

  private Held heldOf(Session session) {
    String tagKey = RefreshTokens.newTagKey(RANDOM);
    return new Held(
        session,
        RefreshTokens.issue(session.id(), 0, RefreshTokens.newNonce(RANDOM), tagKey),
        tagKey);
  }

  @Test
  void aLoweredLimitEvictsEveryExcessSessionOldestFirst() {
    String user = newUser();
    List<Held> held = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      held.add(created(user));
      clock.advance(Duration.ofSeconds(1));
    }

    Session fifth = newSession(user);
    SessionCreation creation = store.create(asNew(heldOf(fifth), false), 2);

    assertThat(creation.evicted()).isEqualTo(3);
    assertThat(all(user)).containsExactly(fifth, held.get(3).session());
    assertThat(store.reclaim(user).evicted())
        .extracting(Session::id)
        .containsExactlyInAnyOrder(held.get(0).id(), held.get(1).id(), held.get(2).id());
  }

  @Test
  void expiredSessionsDoNotCountTowardsTheLimit() {
    String user = newUser();
    Held old = created(user);
    clock.advance(LIFETIME);

    Session fresh = newSession(user);
    SessionCreation creation = store.create(asNew(heldOf(fresh), false), 1);

    assertThat(creation.evicted()).isZero();
    assertThat(store.find(old.id())).isEmpty();
    assertThat(all(user)).containsExactly(fresh);
  }

  @Test
  void noLimitStillHoldsEveryUserToTheCeiling() {
    String user = newUser();
    int ceiling = SessionStore.MAX_SESSIONS_PER_USER;
    Held oldest = created(user);
    for (int i = 1; i < ceiling; i++) {
      clock.advance(Duration.ofMillis(1));
      created(user);
    }
    assertThat(count(user)).isEqualTo(ceiling);

    clock.advance(Duration.ofMillis(1));
    SessionCreation beyond = store.create(asNew(heldOf(newSession(user)), false), 0);
    SessionCreation aboveTheCeiling =
        store.create(asNew(heldOf(newSession(user)), false), ceiling * 5);

    assertThat(beyond.evicted()).isEqualTo(1);
    assertThat(aboveTheCeiling.evicted()).isEqualTo(1);
    assertThat(count(user)).isEqualTo(ceiling);
    assertThat(isLive(oldest)).isFalse();
  }

  @Test
  void aNewDeviceIsAUserAgentNoneOfTheUsersRecentSessionsCameFrom() {
    String user = newUser();
    String phone = "Phone/1.0";

    SessionCreation first =
        store.create(asNew(heldOf(newSession(user, Duration.ZERO, BROWSER)), false), 0);
    SessionCreation sameBrowser =
        store.create(asNew(heldOf(newSession(user, Duration.ZERO, BROWSER)), false), 0);
    SessionCreation fromPhone =
        store.create(asNew(heldOf(newSession(user, Duration.ZERO, phone)), false), 0);
    SessionCreation otherUser =
        store.create(asNew(heldOf(newSession(newUser(), Duration.ZERO, BROWSER)), false), 0);

    assertThat(first.newDevice()).isTrue();
    assertThat(sameBrowser.newDevice()).isFalse();
    assertThat(fromPhone.newDevice()).isTrue();
    assertThat(otherUser.newDevice()).isTrue();

    clock.advance(LIFETIME);
    SessionCreation afterALifetime =
        store.create(asNew(heldOf(newSession(user, Duration.ZERO, BROWSER)), false), 0);
    assertThat(afterALifetime.newDevice()).isTrue();
  }

  @Test
  void revokeEndsOneSessionAndReturnsIt() {
    String user = newUser();
    Held revoked = created(user);
    Held kept = created(user);

    assertThat(store.revoke(revoked.id())).contains(revoked.session());

    assertThat(store.find(revoked.id())).isEmpty();
    assertThat(store.revoke(revoked.id())).isEmpty();
    assertThat(all(user)).containsExactly(kept.session());
    assertThat(store.rotate(rotation(revoked.token())).status())
        .isEqualTo(RefreshRotation.Status.SESSION_NOT_FOUND);
  }

  @Test
  void revokeAllEndsEverySessionOfThatUserOnlyAndReclaimRemovesWhatIsLeft() {
    String alice = newUser();
    String bob = newUser();
    Held a1 = created(alice);
    clock.advance(Duration.ofSeconds(1));
    Held a2 = created(alice);
    Held b1 = created(bob);

    assertThat(store.revokeAll(alice, clock.instant(), LIFETIME)).isEqualTo(2);

    assertThat(all(alice)).isEmpty();
    assertThat(isLive(a1)).isFalse();
    assertThat(isLive(a2)).isFalse();
    assertThat(store.find(a1.id())).isEmpty();
    assertThat(store.rotate(rotation(a2.token())).status())
        .isEqualTo(RefreshRotation.Status.SESSION_NOT_FOUND);
    assertThat(all(bob)).containsExactly(b1.session());
    assertThat(store.reclaim(alice).evicted()).isEmpty();
    assertThat(store.reclaim(alice)).isEqualTo(SessionStore.Reclaimed.nothing());
    assertThat(store.revokeAll(alice, clock.instant(), LIFETIME)).isZero();
  }

  @Test
  void anEndedSessionIsNeverCreatedAgain() {
    String user = newUser();
    Held loggedOut = created(user);
    Held stolen = created(user);
    Held expired = created(user);
    store.revoke(loggedOut.id());
    RefreshTokens.Parts second = rotate(stolen.token());
    rotate(second);
    assertThat(store.rotate(rotation(stolen.token())).status())
        .isEqualTo(RefreshRotation.Status.REUSE_DETECTED);

    for (Held ended : List.of(loggedOut, stolen)) {
      assertThat(store.create(asNew(ended, false), 0).status())
          .isEqualTo(SessionCreation.Status.ENDED);
      assertThat(store.create(asNew(ended, true), 0).status())
          .isEqualTo(SessionCreation.Status.ENDED);
      assertThat(isLive(ended)).isFalse();
    }
    clock.advance(LIFETIME);
    assertThat(store.create(asNew(expired, true), 0).status())
        .isEqualTo(SessionCreation.Status.ENDED);
  }

  @Test
  void aSessionEndedBeforeTheStoreHeldItIsNeverCreatedLater() {
    // made on another instance during an outage: in its outage record, not in the store yet
    Session session = newSession(newUser());
    String tagKey = RefreshTokens.newTagKey(RANDOM);
    RefreshTokens.Parts token =
        RefreshTokens.issue(session.id(), 0, RefreshTokens.newNonce(RANDOM), tagKey);

    // logged out here, by the id of a verified token
    assertThat(store.revoke(session.id(), LIFETIME)).isEmpty();
    // then the other instance writes its outage record
    SessionCreation late =
        store.create(new NewSession(session, 0, token.nonceHash(), tagKey, true), 0);

    assertThat(late.status()).isEqualTo(SessionCreation.Status.ENDED);
    assertThat(store.touch(session.userId(), session.id(), Duration.ZERO).isLive()).isFalse();
  }

  @Test
  void anUnknownIdRevokedWithoutAMarkerLeavesNothing() {
    Session session = newSession(newUser());
    String tagKey = RefreshTokens.newTagKey(RANDOM);
    RefreshTokens.Parts token =
        RefreshTokens.issue(session.id(), 0, RefreshTokens.newNonce(RANDOM), tagKey);

    assertThat(store.revoke(session.id())).isEmpty();

    // nothing was marked for a made-up id: a real session with it could still be created
    assertThat(
            store.create(new NewSession(session, 0, token.nonceHash(), tagKey, false), 0).status())
        .isEqualTo(SessionCreation.Status.CREATED);
  }

  @Test
  void evictedAndRevokedAllSessionsAreNeverCreatedAgainBeforeOrAfterReclaim() {
    String user = newUser();
    Held evicted = create(newSession(user), 1);
    clock.advance(Duration.ofSeconds(1));
    Held survivor = create(newSession(user), 1);
    assertThat(isLive(evicted)).isFalse();

    assertThat(store.create(asNew(evicted, true), 0).status())
        .isEqualTo(SessionCreation.Status.ENDED);
    store.revokeAll(user, clock.instant(), LIFETIME);
    assertThat(store.create(asNew(survivor, false), 0).status())
        .isEqualTo(SessionCreation.Status.ENDED);

    while (store.reclaim(user).more()) {
      // reclaim everything
    }
    assertThat(store.create(asNew(evicted, true), 0).status())
        .isEqualTo(SessionCreation.Status.ENDED);
    assertThat(store.create(asNew(survivor, true), 0).status())
        .isEqualTo(SessionCreation.Status.ENDED);
    assertThat(isLive(survivor)).isFalse();
  }

  @Test
  void aLateCreateIsRefusedWhenTheUserLoggedOutEverywhereAfterItWasMade() {
    String user = newUser();
    Session before = newSession(user);
    clock.advance(Duration.ofSeconds(1));
    store.revokeAll(user, clock.instant(), LIFETIME);
    clock.advance(Duration.ofSeconds(1));
    Session after = newSession(user);

    assertThat(store.create(asNew(heldOf(before), true), 0).status())
        .isEqualTo(SessionCreation.Status.ENDED);
    assertThat(store.create(asNew(heldOf(after), true), 0).status())
        .isEqualTo(SessionCreation.Status.CREATED);
    assertThat(all(user)).containsExactly(after);
  }

  @Test
  void rotationWithTheCurrentTokenRotatesAndCountsGenerations() {
    Held held = created(newUser());

    RefreshTokens.Parts second = rotate(held.token());
    RefreshTokens.Parts third = rotate(second);

    assertThat(third.generation()).isEqualTo(2);
    RefreshRotation.Outcome outcome = store.rotate(rotation(third));
    assertThat(outcome.session()).contains(held.session());
  }

  @Test
  void previousTokenWithinTheGraceGetsTheSameSealedSuccessorEveryTime() {
    Held held = created(newUser());
    byte[] next = RefreshTokens.newNonce(RANDOM);
    store.rotate(rotation(held.token(), next));

    clock.advance(GRACE.minusSeconds(1));
    RefreshRotation.Outcome retry = store.rotate(rotation(held.token()));
    RefreshRotation.Outcome again = store.rotate(rotation(held.token()));

    assertThat(retry.status()).isEqualTo(RefreshRotation.Status.GRACE_RETRY);
    RefreshRotation.Successor successor = retry.successor().orElseThrow();
    assertThat(successor.generation()).isEqualTo(1);
    assertThat(RefreshTokens.unseal(held.token(), successor.sealedNext().orElseThrow()))
        .hasValueSatisfying(nonce -> assertThat(nonce).isEqualTo(next));
    assertThat(again.successor()).isEqualTo(retry.successor());
    // the retries changed nothing: the successor is still the current token
    rotate(RefreshTokens.issue(held.id(), 1, next, successor.tagKey()));
  }

  @Test
  void theSameRotationSentAgainAfterTheGraceIsAlreadyAppliedNotTheft() {
    Held held = created(newUser());
    RefreshRotation first = rotation(held.token());
    store.rotate(first);
    clock.advance(GRACE.multipliedBy(100));

    RefreshRotation.Outcome again = store.rotate(first);

    assertThat(again.status()).isEqualTo(RefreshRotation.Status.ALREADY_APPLIED);
    assertThat(again.successor().orElseThrow().generation()).isEqualTo(1);
    assertThat(isLive(held)).isTrue();
  }

  @Test
  void previousTokenAfterTheGraceIsReuseAndRevokesTheSession() {
    String user = newUser();
    Held held = created(user);
    RefreshTokens.Parts second = rotate(held.token());

    clock.advance(GRACE.plusSeconds(1));
    RefreshRotation.Outcome outcome = store.rotate(rotation(held.token()));

    assertThat(outcome.status()).isEqualTo(RefreshRotation.Status.REUSE_DETECTED);
    assertThat(outcome.session()).contains(held.session());
    assertThat(store.find(held.id())).isEmpty();
    assertThat(all(user)).isEmpty();
    assertThat(store.rotate(rotation(second)).status())
        .isEqualTo(RefreshRotation.Status.SESSION_NOT_FOUND);
  }

  @Test
  void aTokenOlderThanThePreviousIsReuseEvenWithinTheGrace() {
    Held held = created(newUser());
    rotate(rotate(held.token()));

    RefreshRotation.Outcome outcome = store.rotate(rotation(held.token()));

    assertThat(outcome.status()).isEqualTo(RefreshRotation.Status.REUSE_DETECTED);
    assertThat(store.find(held.id())).isEmpty();
  }

  @Test
  void aTokenRotatedAwayAHundredGenerationsAgoIsStillReuse() {
    Held held = created(newUser());
    RefreshTokens.Parts token = held.token();
    for (int i = 0; i < 100; i++) {
      clock.advance(Duration.ofMinutes(15));
      token = rotate(token);
    }

    RefreshRotation.Outcome outcome = store.rotate(rotation(held.token()));

    assertThat(outcome.status()).isEqualTo(RefreshRotation.Status.REUSE_DETECTED);
    assertThat(isLive(held)).isFalse();
  }

  @Test
  void aMadeUpTokenOfAnyGenerationIsInvalidAndChangesNothing() {
    Held held = created(newUser());
    RefreshTokens.Parts current = rotate(rotate(held.token()));

    for (int generation : new int[] {0, 1, 2, 3, 1_000}) {
      assertThat(store.rotate(rotation(guessed(held.id(), generation))).status())
          .as("generation %d", generation)
          .isEqualTo(RefreshRotation.Status.INVALID);
    }
    assertThat(isLive(held)).isTrue();
    rotate(current);
  }

  @Test
  void aTokenOfAnotherSessionIsInvalid() {
    String user = newUser();
    Held mine = created(user);
    Held other = created(user);
    RefreshTokens.Parts otherToken = rotate(other.token());
    // the other session's real generation-0 tag, under this session's id
    RefreshTokens.Parts transplanted =
        new RefreshTokens.Parts(mine.id(), 0, RefreshTokens.newNonce(RANDOM), other.token().tag());
    rotate(mine.token());

    assertThat(store.rotate(rotation(transplanted)).status())
        .isEqualTo(RefreshRotation.Status.INVALID);
    assertThat(isLive(mine)).isTrue();
    assertThat(otherToken.generation()).isEqualTo(1);
  }

  @Test
  void rotationOfAnExpiredSessionFindsNothing() {
    Held held = created(newUser());
    clock.advance(LIFETIME);

    assertThat(store.rotate(rotation(held.token()))).isEqualTo(RefreshRotation.Outcome.notFound());
  }

  @Test
  void fiftyParallelCreatesWithLimitFiveLeaveExactlyFiveLiveSessions() throws Exception {
    String user = newUser();
    List<Callable<SessionCreation>> creates = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Session session = newSession(user);
      creates.add(() -> store.create(asNew(heldOf(session), false), 5));
    }

    List<SessionCreation> results = runTogether(creates);

    assertThat(results).allMatch(r -> r.status() == SessionCreation.Status.CREATED);
    assertThat(all(user)).hasSize(5);
    assertThat(count(user)).isEqualTo(5);
    assertThat(results.stream().mapToInt(SessionCreation::evicted).sum()).isEqualTo(45);
    List<String> evicted = new ArrayList<>();
    SessionStore.Reclaimed batch;
    do {
      batch = store.reclaim(user);
      batch.evicted().forEach(s -> evicted.add(s.id()));
    } while (batch.more());
    assertThat(evicted)
        .hasSize(45)
        .doesNotHaveDuplicates()
        .doesNotContainAnyElementsOf(all(user).stream().map(Session::id).toList());
  }

  @Test
  void parallelLoginsAtTheCeilingLeaveExactlyTheCeiling() throws Exception {
    String user = newUser();
    int ceiling = SessionStore.MAX_SESSIONS_PER_USER;
    for (int i = 0; i < ceiling - 10; i++) {
      created(user);
    }
    List<Callable<SessionCreation>> creates = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Session session = newSession(user);
      creates.add(() -> store.create(asNew(heldOf(session), false), 0));
    }

    List<SessionCreation> results = runTogether(creates);

    assertThat(count(user)).isEqualTo(ceiling);
    assertThat(results.stream().mapToInt(SessionCreation::evicted).sum()).isEqualTo(30);
  }

  @Test
  void noSessionCreatedBeforeALogoutEverywhereSurvivesItWhileLoginsRace() throws Exception {
    String user = newUser();
    List<Callable<Optional<Held>>> tasks = new ArrayList<>();
    int[] ended = new int[1];
    for (int i = 0; i < 31; i++) {
      if (i == 15) {
        tasks.add(
            () -> {
              ended[0] = store.revokeAll(user, clock.instant(), LIFETIME);
              return Optional.empty();
            });
        continue;
      }
      Session session = newSession(user);
      tasks.add(
          () -> {
            Held held = heldOf(session);
            return store.create(asNew(held, false), 0).status() == SessionCreation.Status.CREATED
                ? Optional.of(held)
                : Optional.empty();
          });
    }

    List<Held> created = runTogether(tasks).stream().flatMap(Optional::stream).toList();

    // each created session was either ended by the logout everywhere or is fully live after it
    List<Session> listed = all(user);
    assertThat(created).hasSize(30);
    assertThat(listed).hasSize(30 - ended[0]);
    for (Held held : created) {
      assertThat(isLive(held)).as("%s", held.id()).isEqualTo(listed.contains(held.session()));
    }
    assertThat(count(user)).isEqualTo(listed.size());
  }

  @Test
  void twentyParallelRotationsWithOneTokenRotateExactlyOnce() throws Exception {
    Held held = created(newUser());
    List<Callable<RefreshRotation.Outcome>> rotations = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rotations.add(() -> store.rotate(rotation(held.token())));
    }

    List<RefreshRotation.Outcome> outcomes = runTogether(rotations);

    assertThat(outcomes).filteredOn(o -> o.status() == RefreshRotation.Status.ROTATED).hasSize(1);
    List<RefreshRotation.Outcome> retries =
        outcomes.stream().filter(o -> o.status() != RefreshRotation.Status.ROTATED).toList();
    assertThat(retries)
        .hasSize(19)
        .allSatisfy(o -> assertThat(o.status()).isEqualTo(RefreshRotation.Status.GRACE_RETRY));
    assertThat(retries.stream().map(RefreshRotation.Outcome::successor).distinct()).hasSize(1);
    assertThat(isLive(held)).isTrue();
  }

  /** Runs the tasks on as many threads, released at once; fails after 60 s. */
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
        results.add(future.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
