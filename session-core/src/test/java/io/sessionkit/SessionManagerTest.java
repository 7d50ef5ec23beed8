package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.jwt.JwtTokenService;
import io.sessionkit.jwt.SigningKey;
import io.sessionkit.memory.InMemorySessionStore;
import io.sessionkit.testing.Await;
import io.sessionkit.testing.MutableClock;
import io.sessionkit.testing.OutageStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The facade's flows on the in-memory store; {@code SessionManagerRedisIT} runs them on Redis. */
public class SessionManagerTest {

  private static final ClientInfo LAPTOP = new ClientInfo("198.51.100.1", "Firefox on Linux");
  private static final ClientInfo PHONE = new ClientInfo("198.51.100.2", "Safari on iOS");
  private static final SigningKey KEY =
      SigningKey.hmacSha256("k1", "0123456789abcdef0123456789abcdef");

  protected MutableClock clock;
  protected OutageStore store;
  protected final List<SessionEvent> events = new CopyOnWriteArrayList<>();
  private SessionManager manager;
  private int userCounter;
  private final String runId = Long.toString(System.nanoTime(), 36);

  /** The store the manager under test runs on. */
  protected SessionStore newStore(MutableClock clock) {
    return InMemorySessionStore.create(clock);
  }

  @BeforeEach
  void setUp() {
    clock = MutableClock.atNow();
    store = new OutageStore(newStore(clock));
    manager = manager(b -> {});
  }

  @AfterEach
  void tearDown() {
    manager.close();
    store.close();
  }

  private SessionManager manager(Consumer<SessionManager.Builder> settings) {
    SessionManager.Builder builder =
        SessionManager.builder()
            .store(store)
            .tokenService(JwtTokenService.builder().signingKey(KEY).clock(clock).build())
            .clock(clock)
            .listener(events::add);
    settings.accept(builder);
    return builder.build();
  }

  private String newUser() {
    return "user-" + runId + "-" + (++userCounter);
  }

  private List<SessionEvent.Type> eventTypes() {
    return events.stream().map(SessionEvent::type).toList();
  }

  private static List<Session> sessions(SessionManager manager, String userId) {
    return manager.sessions(userId).sessions();
  }

  private void awaitEvent(SessionEvent.Type type) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (events.stream().noneMatch(e -> e.type() == type) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(eventTypes()).contains(type);
  }

  @Test
  void loginCreatesASessionWhoseAccessTokenAuthenticates() {
    String user = newUser();
    Login login = manager.login(user, Set.of("USER"), LAPTOP);

    AuthenticationResult auth = manager.authenticate(login.accessToken().value());

    assertThat(auth.status()).isEqualTo(AuthenticationResult.Status.AUTHENTICATED);
    assertThat(auth.withoutStore()).isFalse();
    TokenClaims claims = auth.claims().orElseThrow();
    assertThat(claims.userId()).isEqualTo(user);
    assertThat(claims.sessionId()).isEqualTo(login.session().id());
    assertThat(claims.roles()).containsExactly("USER");
    assertThat(login.session().clientIp()).isEqualTo("198.51.100.1");
    assertThat(login.session().userAgent()).isEqualTo("Firefox on Linux");
    assertThat(login.session().expiresAt())
        .isEqualTo(login.session().createdAt().plus(Duration.ofDays(7)));
    assertThat(login.refreshToken().value()).startsWith(login.session().id() + ".");
    assertThat(login.refreshToken().toString()).doesNotContain(login.refreshToken().value());
    assertThat(login.accessToken().toString()).doesNotContain(login.accessToken().value());
    assertThat(sessions(manager, user)).containsExactly(login.session());
  }

  @Test
  void revokedSessionIsRejectedOnNextRequest() {
    String user = newUser();
    Login laptop = manager.login(user, Set.of(), LAPTOP);
    Login phone = manager.login(user, Set.of(), PHONE);

    assertThat(manager.revoke(user, laptop.session().id(), PHONE)).isTrue();

    assertThat(manager.authenticate(laptop.accessToken().value()).status())
        .isEqualTo(AuthenticationResult.Status.SESSION_ENDED);
    assertThat(manager.authenticate(phone.accessToken().value()).isAuthenticated()).isTrue();
    assertThat(events)
        .last()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo(SessionEvent.Type.REVOKED);
              assertThat(e.reason()).contains(SessionEvent.RevocationReason.REVOKED);
              assertThat(e.sessionId()).contains(laptop.session().id());
              assertThat(e.client()).isEqualTo(PHONE);
            });
  }

  @Test
  void aUserCannotRevokeAnotherUsersSession() {
    Login victim = manager.login(newUser(), Set.of(), LAPTOP);

    assertThat(manager.revoke(newUser(), victim.session().id(), PHONE)).isFalse();
    assertThat(manager.revoke(newUser(), "no-such-session", PHONE)).isFalse();

    assertThat(manager.authenticate(victim.accessToken().value()).isAuthenticated()).isTrue();
  }

  @Test
  void logoutEndsOnlyThatSession() {
    String user = newUser();
    Login laptop = manager.login(user, Set.of(), LAPTOP);
    Login phone = manager.login(user, Set.of(), PHONE);

    assertThat(manager.logout(laptop.session().id(), LAPTOP)).isTrue();
    assertThat(manager.logout(laptop.session().id(), LAPTOP)).isFalse();

    assertThat(manager.authenticate(laptop.accessToken().value()).status())
        .isEqualTo(AuthenticationResult.Status.SESSION_ENDED);
    assertThat(manager.refresh(laptop.refreshToken().value(), LAPTOP).status())
        .isEqualTo(Refresh.Status.SESSION_ENDED);
    assertThat(manager.authenticate(phone.accessToken().value()).isAuthenticated()).isTrue();
  }

  @Test
  void operatorRevokeAllNeedsNoClientAndIsRecordedAsARevocation() {
    String user = newUser();
    Login laptop = manager.login(user, Set.of(), LAPTOP);
    manager.login(user, Set.of(), PHONE);

    assertThat(manager.revokeAll(user)).isEqualTo(2);

    assertThat(manager.authenticate(laptop.accessToken().value()).status())
        .isEqualTo(AuthenticationResult.Status.SESSION_ENDED);
    SessionEvent last = events.get(events.size() - 1);
    assertThat(last.type()).isEqualTo(SessionEvent.Type.ALL_REVOKED);
    assertThat(last.reason()).contains(SessionEvent.RevocationReason.REVOKED);
    assertThat(last.client()).isEqualTo(ClientInfo.unknown());
    assertThat(ActivityEntry.of(last).orElseThrow().type())
        .isEqualTo(ActivityEntry.Type.SESSION_REVOKED);
  }

  @Test
  void operatorRevokeOfOneSessionNeedsNoClientAndOnlyEndsThatUsersSession() {
    String user = newUser();
    Login laptop = manager.login(user, Set.of(), LAPTOP);
    Login phone = manager.login(user, Set.of(), PHONE);

    assertThat(manager.revoke(newUser(), laptop.session().id())).isFalse();
    assertThat(manager.revoke(user, laptop.session().id())).isTrue();

    assertThat(manager.authenticate(laptop.accessToken().value()).isAuthenticated()).isFalse();
    assertThat(manager.authenticate(phone.accessToken().value()).isAuthenticated()).isTrue();
    assertThat(events.get(events.size() - 1).client()).isEqualTo(ClientInfo.unknown());
  }

  @Test
  void activityEntriesAreStampedByTheManagersClock() {
    clock.advance(Duration.ofDays(3));

    ActivityEntry entry = manager.activityEntry("u1", ActivityEntry.Type.LOGIN_FAILED, LAPTOP);

    assertThat(entry.at()).isEqualTo(clock.instant());
    assertThat(manager.clock()).isSameAs(clock);
    assertThat(entry.ip()).isEqualTo(LAPTOP.ip());
    assertThat(entry.userAgent()).isEqualTo(LAPTOP.userAgent());
    assertThat(entry.sessionId()).isEmpty();
  }

  @Test
  void logoutAllEndsEverySessionOfTheUserAndNoOneElses() {
    String user = newUser();
    Login laptop = manager.login(user, Set.of(), LAPTOP);
    Login phone = manager.login(user, Set.of(), PHONE);
    Login other = manager.login(newUser(), Set.of(), PHONE);

    assertThat(manager.logoutAll(user, LAPTOP)).isEqualTo(2);

    assertThat(manager.authenticate(laptop.accessToken().value()).isAuthenticated()).isFalse();
    assertThat(manager.authenticate(phone.accessToken().value()).isAuthenticated()).isFalse();
    assertThat(manager.authenticate(other.accessToken().value()).isAuthenticated()).isTrue();
    assertThat(sessions(manager, user)).isEmpty();
    assertThat(events)
        .last()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo(SessionEvent.Type.ALL_REVOKED);
              assertThat(e.reason()).contains(SessionEvent.RevocationReason.LOGOUT_ALL);
              assertThat(e.userId()).isEqualTo(user);
              assertThat(e.sessionsEnded()).isEqualTo(2);
            });
  }

  @Test
  void refreshIssuesANewAccessTokenForTheSameSessionAndRotatesTheRefreshToken() {
    Login login = manager.login(newUser(), Set.of("USER"), LAPTOP);
    clock.advance(Duration.ofMinutes(14));

    Refresh refresh = manager.refresh(login.refreshToken().value(), LAPTOP);

    assertThat(refresh.status()).isEqualTo(Refresh.Status.REFRESHED);
    AccessToken access = refresh.accessToken().orElseThrow();
    assertThat(access.tokenId()).isNotEqualTo(login.accessToken().tokenId());
    assertThat(refresh.refreshToken().orElseThrow().value())
        .isNotEqualTo(login.refreshToken().value());
    AuthenticationResult auth = manager.authenticate(access.value());
    assertThat(auth.claims().orElseThrow().sessionId()).isEqualTo(login.session().id());
    assertThat(eventTypes()).endsWith(SessionEvent.Type.REFRESHED);
  }

  @Test
  void previousRefreshTokenRetriedWithinTheGraceGetsTheSameRotatedToken() {
    Login login = manager.login(newUser(), Set.of(), LAPTOP);
    Refresh first = manager.refresh(login.refreshToken().value(), LAPTOP);
    clock.advance(Duration.ofSeconds(5));

    Refresh retry = manager.refresh(login.refreshToken().value(), LAPTOP);

    assertThat(retry.status()).isEqualTo(Refresh.Status.REFRESHED);
    assertThat(retry.refreshToken().orElseThrow().value())
        .isEqualTo(first.refreshToken().orElseThrow().value());
    assertThat(manager.refresh(first.refreshToken().orElseThrow().value(), LAPTOP).isRefreshed())
        .isTrue();
  }

  @Test
  void reusedRefreshTokenAfterTheGraceRevokesTheSessionAndIsReported() {
    Login login = manager.login(newUser(), Set.of(), LAPTOP);
    Refresh rotated = manager.refresh(login.refreshToken().value(), LAPTOP);
    clock.advance(Duration.ofSeconds(11));

    Refresh reuse = manager.refresh(login.refreshToken().value(), PHONE);

    assertThat(reuse.status()).isEqualTo(Refresh.Status.REUSE_DETECTED);
    assertThat(reuse.session()).contains(login.session());
    assertThat(manager.authenticate(rotated.accessToken().orElseThrow().value()).status())
        .isEqualTo(AuthenticationResult.Status.SESSION_ENDED);
    assertThat(manager.refresh(rotated.refreshToken().orElseThrow().value(), LAPTOP).status())
        .isEqualTo(Refresh.Status.SESSION_ENDED);
    assertThat(eventTypes())
        .endsWith(SessionEvent.Type.REFRESH_REUSE_DETECTED, SessionEvent.Type.REVOKED);
    assertThat(events)
        .last()
        .satisfies(
            e -> assertThat(e.reason()).contains(SessionEvent.RevocationReason.REFRESH_REUSE));
  }

  @Test
  void twentyParallelRefreshesWithOneTokenAllGetTheSameRotatedToken() throws Exception {
    Login login = manager.login(newUser(), Set.of(), LAPTOP);
    List<Callable<Refresh>> refreshes = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      refreshes.add(() -> manager.refresh(login.refreshToken().value(), LAPTOP));
    }

    List<Refresh> results = SessionStoreContract.runTogether(refreshes);

    assertThat(results).allSatisfy(r -> assertThat(r.status()).isEqualTo(Refresh.Status.REFRESHED));
    assertThat(results)
        .extracting(r -> r.refreshToken().orElseThrow().value())
        .containsOnly(results.get(0).refreshToken().orElseThrow().value());
    assertThat(results)
        .extracting(r -> r.accessToken().orElseThrow().tokenId())
        .doesNotHaveDuplicates();
  }

  @Test
  void malformedAndForeignRefreshTokensAreInvalid() {
    Login login = manager.login(newUser(), Set.of(), LAPTOP);
    String sessionId = login.session().id();

    for (String token :
        List.of(
            "",
            "garbage",
            sessionId,
            sessionId + ".",
            sessionId + "." + "A".repeat(43),
            sessionId + "." + "A".repeat(42) + ".",
            "x".repeat(100_000),
            "\u00e9\u00e9.\u00e9",
            login.accessToken().value())) {
      assertThat(manager.refresh(token, LAPTOP).status())
          .as(token.length() > 50 ? token.substring(0, 50) : token)
          .isEqualTo(Refresh.Status.INVALID_TOKEN);
    }
    assertThat(manager.refresh(login.refreshToken().value(), LAPTOP).isRefreshed()).isTrue();
  }

  @Test
  void badAccessTokensAreRefusedWithTheirReason() {
    Login login = manager.login(newUser(), Set.of(), LAPTOP);

    assertThat(manager.authenticate("").tokenStatus())
        .isEqualTo(TokenVerification.Status.MALFORMED);
    assertThat(manager.authenticate("a.b.c").status())
        .isEqualTo(AuthenticationResult.Status.INVALID_TOKEN);
    clock.advance(Duration.ofMinutes(16));
    AuthenticationResult expired = manager.authenticate(login.accessToken().value());
    assertThat(expired.status()).isEqualTo(AuthenticationResult.Status.INVALID_TOKEN);
    assertThat(expired.tokenStatus()).isEqualTo(TokenVerification.Status.EXPIRED);
  }

  @Test
  void loginBeyondTheLimitEvictsTheOldestSession() {
    SessionManager limited = manager(b -> b.maxSessionsPerUser(2));
    String user = newUser();
    Login first = limited.login(user, Set.of(), LAPTOP);
    clock.advance(Duration.ofSeconds(1));
    Login second = limited.login(user, Set.of(), PHONE);
    clock.advance(Duration.ofSeconds(1));

    Login third = limited.login(user, Set.of(), PHONE);

    assertThat(third.evicted()).isEqualTo(1);
    assertThat(limited.authenticate(first.accessToken().value()).status())
        .isEqualTo(AuthenticationResult.Status.SESSION_ENDED);
    assertThat(sessions(limited, user)).containsExactly(third.session(), second.session());
    // told off the request path, once the eviction's leftovers are reclaimed
    awaitEvent(SessionEvent.Type.EVICTED);
    assertThat(events)
        .filteredOn(e -> e.type() == SessionEvent.Type.EVICTED)
        .extracting(SessionEvent::sessionId)
        .containsExactly(Optional.of(first.session().id()));
  }

  @Test
  void aLoginFromAUserAgentNoLiveSessionUsesIsANewDevice() {
    String user = newUser();
    manager.login(user, Set.of(), LAPTOP);
    manager.login(user, Set.of(), LAPTOP);
    manager.login(user, Set.of(), PHONE);

    assertThat(eventTypes())
        .containsExactly(
            SessionEvent.Type.CREATED,
            SessionEvent.Type.NEW_DEVICE_LOGIN,
            SessionEvent.Type.CREATED,
            SessionEvent.Type.CREATED,
            SessionEvent.Type.NEW_DEVICE_LOGIN);
  }

  @Test
  void aFailingListenerDoesNotFailTheOperation() {
    SessionManager withBadListener =
        manager(
            b ->
                b.listener(
                    e -> {
                      throw new IllegalStateException("listener bug");
                    }));

    Login login = withBadListener.login(newUser(), Set.of(), LAPTOP);

    assertThat(withBadListener.authenticate(login.accessToken().value()).isAuthenticated())
        .isTrue();
    assertThat(eventTypes()).contains(SessionEvent.Type.CREATED);
  }

  @Test
  void authenticationListenersHearEveryOutcome() {
    List<AuthenticationResult.Status> heard = new CopyOnWriteArrayList<>();
    SessionManager observed =
        manager(
            b ->
                b.authenticationListener(
                    (result, took) -> {
                      assertThat(took.isNegative()).isFalse();
                      heard.add(result.status());
                    }));
    Login login = observed.login(newUser(), Set.of(), LAPTOP);

    observed.authenticate(login.accessToken().value());
    observed.authenticate("garbage");
    observed.logout(login.session().id(), LAPTOP);
    observed.authenticate(login.accessToken().value());

    assertThat(heard)
        .containsExactly(
            AuthenticationResult.Status.AUTHENTICATED,
            AuthenticationResult.Status.INVALID_TOKEN,
            AuthenticationResult.Status.SESSION_ENDED);
  }

  @Test
  void idleSessionsEndAfterTheIdleTimeoutUnlessUsed() {
    SessionManager idle = manager(b -> b.idleTimeout(Duration.ofMinutes(10)));
    Login used = idle.login(newUser(), Set.of(), LAPTOP);
    Login unused = idle.login(newUser(), Set.of(), LAPTOP);

    clock.advance(Duration.ofMinutes(6));
    assertThat(idle.authenticate(used.accessToken().value()).isAuthenticated()).isTrue();
    clock.advance(Duration.ofMinutes(6));

    assertThat(idle.authenticate(used.accessToken().value()).isAuthenticated()).isTrue();
    assertThat(idle.authenticate(unused.accessToken().value()).status())
        .isEqualTo(AuthenticationResult.Status.SESSION_ENDED);
  }

  @Test
  void whileTheStoreIsDownJwtOnlyAcceptsValidTokensAndDenyRefusesThem() {
    Login login = manager.login(newUser(), Set.of(), LAPTOP);
    SessionManager denying = manager(b -> b.fallbackMode(FallbackMode.DENY));
    store.goDown();

    AuthenticationResult fallback = manager.authenticate(login.accessToken().value());
    assertThat(fallback.status()).isEqualTo(AuthenticationResult.Status.AUTHENTICATED);
    assertThat(fallback.withoutStore()).isTrue();
    assertThat(denying.authenticate(login.accessToken().value()).status())
        .isEqualTo(AuthenticationResult.Status.STORE_UNAVAILABLE);
    assertThat(manager.authenticate("forged.token.value").status())
        .isEqualTo(AuthenticationResult.Status.INVALID_TOKEN);
    assertThatThrownBy(() -> denying.login(newUser(), Set.of(), LAPTOP))
        .isInstanceOf(SessionStoreUnavailableException.class);
    assertThatThrownBy(() -> denying.logout(login.session().id(), LAPTOP))
        .isInstanceOf(SessionStoreUnavailableException.class);
    assertThatThrownBy(() -> denying.refresh(login.refreshToken().value(), LAPTOP))
        .isInstanceOf(SessionStoreUnavailableException.class);
  }

  @Test
  void aLoginDuringAnOutageWorksAtOnceAndBecomesARealSessionWhenTheStoreIsBack() {
    String user = newUser();
    Login before = manager.login(user, Set.of(), LAPTOP);
    clock.advance(Duration.ofSeconds(1));
    store.goDown();

    Login during = manager.login(user, Set.of(), PHONE);

    assertThat(manager.authenticate(during.accessToken().value()).isAuthenticated()).isTrue();
    store.comeBack();
    // honoured and listed before it is written ...
    assertThat(manager.hasUnwrittenChanges()).isTrue();
    assertThat(manager.authenticate(during.accessToken().value()).isAuthenticated()).isTrue();
    assertThat(sessions(manager, user)).containsExactly(during.session(), before.session());

    assertThat(manager.writeOutageRecord()).isTrue();

    // ... and a real session after
    assertThat(manager.hasUnwrittenChanges()).isFalse();
    assertThat(store.find(during.session().id())).contains(during.session());
    assertThat(sessions(manager, user)).containsExactly(during.session(), before.session());
    assertThat(manager.refresh(during.refreshToken().value(), PHONE).isRefreshed()).isTrue();
    assertThat(manager.writeOutageRecord()).isTrue();
    assertThat(store.find(during.session().id())).isPresent();
  }

  @Test
  void sessionsCreatedDuringAnOutageRespectTheLimitWhenWritten() {
    SessionManager limited = manager(b -> b.maxSessionsPerUser(1));
    String user = newUser();
    Login before = limited.login(user, Set.of(), LAPTOP);
    store.goDown();
    clock.advance(Duration.ofSeconds(1));
    Login during = limited.login(user, Set.of(), PHONE);
    store.comeBack();

    assertThat(limited.writeOutageRecord()).isTrue();

    assertThat(sessions(limited, user)).containsExactly(during.session());
    assertThat(limited.authenticate(before.accessToken().value()).status())
        .isEqualTo(AuthenticationResult.Status.SESSION_ENDED);
    awaitEvent(SessionEvent.Type.EVICTED);
    assertThat(events)
        .filteredOn(e -> e.type() == SessionEvent.Type.EVICTED)
        .extracting(SessionEvent::sessionId)
        .containsExactly(Optional.of(before.session().id()));
  }

  @Test
  void aLogoutDuringAnOutageIsWrittenToTheStoreWhenItIsBack() {
    String user = newUser();
    Login login = manager.login(user, Set.of(), LAPTOP);
    store.goDown();
    manager.logout(login.session().id(), LAPTOP);
    store.comeBack();

    assertThat(manager.writeOutageRecord()).isTrue();

    assertThat(store.find(login.session().id())).isEmpty();
    assertThat(manager.refresh(login.refreshToken().value(), LAPTOP).status())
        .isEqualTo(Refresh.Status.SESSION_ENDED);
    assertThat(events)
        .last()
        .satisfies(e -> assertThat(e.reason()).contains(SessionEvent.RevocationReason.LOGOUT));
  }

  @Test
  void sessionsEndedDuringAnOutageAreNotListedOnceTheStoreIsBackEvenBeforeTheRecordIsWritten() {
    String user = newUser();
    Login laptop = manager.login(user, Set.of(), LAPTOP);
    Login phone = manager.login(user, Set.of(), PHONE);
    store.goDown();
    manager.logout(phone.session().id(), PHONE);
    store.comeBack();

    assertThat(sessions(manager, user)).containsExactly(laptop.session());
    assertThat(manager.writeOutageRecord()).isTrue();
    assertThat(sessions(manager, user)).containsExactly(laptop.session());
  }

  @Test
  void aUserCanRevokeOneOfTheirSessionsDuringAnOutageButNotAnotherUsers() {
    String user = newUser();
    Login laptop = manager.login(user, Set.of(), LAPTOP);
    Login phone = manager.login(user, Set.of(), PHONE);
    Login stranger = manager.login(newUser(), Set.of(), PHONE);
    store.goDown();

    assertThat(manager.revoke(user, phone.session().id(), LAPTOP)).isTrue();
    assertThatThrownBy(() -> manager.revoke(user, stranger.session().id(), LAPTOP))
        .isInstanceOf(SessionStoreUnavailableException.class);

    assertThat(manager.authenticate(phone.accessToken().value()).status())
        .isEqualTo(AuthenticationResult.Status.SESSION_ENDED);
    assertThat(manager.authenticate(laptop.accessToken().value()).isAuthenticated()).isTrue();
    store.comeBack();
    assertThat(manager.writeOutageRecord()).isTrue();
    assertThat(store.find(phone.session().id())).isEmpty();
    assertThat(store.find(stranger.session().id())).isPresent();
  }

  @Test
  void aLogoutOfASessionCreatedDuringTheOutageNeverReachesTheStore() {
    String user = newUser();
    store.goDown();
    Login during = manager.login(user, Set.of(), LAPTOP);

    assertThat(manager.logout(during.session().id(), LAPTOP)).isTrue();
    store.comeBack();
    manager.writeOutageRecord();

    assertThat(store.find(during.session().id())).isEmpty();
    assertThat(sessions(manager, user)).isEmpty();
    assertThat(manager.authenticate(during.accessToken().value()).isAuthenticated()).isFalse();
  }

  @Test
  void aLogoutAllDuringAnOutageEndsEveryEarlierSessionWhenTheStoreIsBackButNotLaterOnes() {
    String user = newUser();
    Login before = manager.login(user, Set.of(), LAPTOP);
    store.goDown();
    Login during = manager.login(user, Set.of(), PHONE);
    clock.advance(Duration.ofSeconds(1));

    assertThat(manager.logoutAll(user, LAPTOP)).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    Login afterHere = manager.login(user, Set.of(), PHONE);
    store.comeBack();
    assertThat(manager.writeOutageRecord()).isTrue();
    clock.advance(Duration.ofSeconds(1));
    Login afterwards = manager.login(user, Set.of(), LAPTOP);

    assertThat(sessions(manager, user)).containsExactly(afterwards.session(), afterHere.session());
    assertThat(manager.authenticate(before.accessToken().value()).isAuthenticated()).isFalse();
    assertThat(manager.authenticate(during.accessToken().value()).isAuthenticated()).isFalse();
    assertThat(manager.authenticate(afterHere.accessToken().value()).isAuthenticated()).isTrue();
    assertThat(manager.authenticate(afterwards.accessToken().value()).isAuthenticated()).isTrue();
  }

  @Test
  void refreshesDuringAnOutageRotateLocallyAndAreReplayedToTheStore() {
    Login login = manager.login(newUser(), Set.of(), LAPTOP);
    store.goDown();

    Refresh first = manager.refresh(login.refreshToken().value(), LAPTOP);
    Refresh second = manager.refresh(first.refreshToken().orElseThrow().value(), LAPTOP);
    assertThat(first.isRefreshed()).isTrue();
    assertThat(second.isRefreshed()).isTrue();
    store.comeBack();
    assertThat(manager.writeOutageRecord()).isTrue();

    clock.advance(Duration.ofSeconds(11));
    Refresh third = manager.refresh(second.refreshToken().orElseThrow().value(), LAPTOP);
    assertThat(third.isRefreshed()).isTrue();
    assertThat(manager.refresh(login.refreshToken().value(), LAPTOP).status())
        .isEqualTo(Refresh.Status.REUSE_DETECTED);
  }

  @Test
  void aRefreshTokenRotatedAwayBeforeTheOutageIsCaughtAtOnceDuringIt() {
    Login login = manager.login(newUser(), Set.of(), LAPTOP);
    Refresh legit = manager.refresh(login.refreshToken().value(), LAPTOP);
    clock.advance(Duration.ofSeconds(11));
    store.goDown();

    // this instance issued the current token, so it knows the old one is stolen
    assertThat(manager.refresh(login.refreshToken().value(), PHONE).status())
        .isEqualTo(Refresh.Status.REUSE_DETECTED);
    assertThat(manager.authenticate(legit.accessToken().orElseThrow().value()).status())
        .isEqualTo(AuthenticationResult.Status.SESSION_ENDED);
    store.comeBack();
    assertThat(manager.writeOutageRecord()).isTrue();

    assertThat(store.find(login.session().id())).isEmpty();
    assertThat(manager.refresh(legit.refreshToken().orElseThrow().value(), LAPTOP).status())
        .isEqualTo(Refresh.Status.SESSION_ENDED);
    assertThat(eventTypes()).contains(SessionEvent.Type.REFRESH_REUSE_DETECTED);
  }

  @Test
  void aMadeUpRefreshTokenWithARealSessionIdNeverRotatesDuringAnOutage() {
    Login victim = manager.login(newUser(), Set.of(), LAPTOP);
    String sessionId = victim.session().id();
    store.goDown();

    // session ids are not secret: they are in every access token
    for (String guess :
        List.of(
            sessionId + "." + "A".repeat(43),
            sessionId + "." + "AAAAAA" + "B".repeat(37),
            sessionId + "." + "AAAAAQ" + "C".repeat(37))) {
      assertThat(manager.refresh(guess, PHONE).status()).isEqualTo(Refresh.Status.INVALID_TOKEN);
    }

    assertThat(manager.authenticate(victim.accessToken().value()).isAuthenticated()).isTrue();
    assertThat(manager.refresh(victim.refreshToken().value(), LAPTOP).isRefreshed()).isTrue();
    store.comeBack();
    assertThat(manager.writeOutageRecord()).isTrue();
    assertThat(store.find(sessionId)).isPresent();
  }

  @Test
  void aSessionLoggedOutElsewhereAfterItsCreateReachedTheStoreUnansweredStaysEnded() {
    String user = newUser();
    SessionManager other = manager(b -> {});
    store.loseAnswers();
    // the store keeps the session; this instance never hears so and records it as an outage login
    Login login = manager.login(user, Set.of(), LAPTOP);
    store.comeBack();
    assertThat(other.logout(login.session().id(), PHONE)).isTrue();

    manager.writeOutageRecord();

    assertThat(manager.hasUnwrittenChanges()).isFalse();
    assertThat(store.find(login.session().id())).isEmpty();
    assertThat(manager.authenticate(login.accessToken().value()).status())
        .isEqualTo(AuthenticationResult.Status.SESSION_ENDED);
    assertThat(manager.refresh(login.refreshToken().value(), LAPTOP).status())
        .isEqualTo(Refresh.Status.SESSION_ENDED);
    assertThat(other.authenticate(login.accessToken().value()).status())
        .isEqualTo(AuthenticationResult.Status.SESSION_ENDED);
  }

  @Test
  void aRefreshOfASessionThisInstanceNeverSawFailsDuringAnOutage() {
    Login login = manager.login(newUser(), Set.of(), LAPTOP);
    SessionManager other = manager(b -> {});
    store.goDown();

    assertThatThrownBy(() -> other.refresh(login.refreshToken().value(), LAPTOP))
        .isInstanceOf(SessionStoreUnavailableException.class);
  }

  @Test
  void aSessionLoggedOutBeforeAnOutageStaysRefusedDuringIt() {
    String user = newUser();
    Login loggedOut = manager.login(user, Set.of(), LAPTOP);
    Login kept = manager.login(user, Set.of(), PHONE);
    manager.logout(loggedOut.session().id(), LAPTOP);
    store.goDown();

    assertThat(manager.authenticate(loggedOut.accessToken().value()).status())
        .isEqualTo(AuthenticationResult.Status.SESSION_ENDED);
    assertThat(manager.refresh(loggedOut.refreshToken().value(), LAPTOP).status())
        .isEqualTo(Refresh.Status.SESSION_ENDED);
    assertThat(manager.authenticate(kept.accessToken().value()).isAuthenticated()).isTrue();
  }

  @Test
  void aSessionTheStoreSaidHadEndedStaysRefusedDuringAnOutage() {
    String user = newUser();
    Login login = manager.login(user, Set.of(), LAPTOP);
    SessionManager elsewhere = manager(b -> {});
    elsewhere.revoke(user, login.session().id(), PHONE);
    assertThat(manager.authenticate(login.accessToken().value()).status())
        .isEqualTo(AuthenticationResult.Status.SESSION_ENDED);
    store.goDown();

    assertThat(manager.authenticate(login.accessToken().value()).status())
        .isEqualTo(AuthenticationResult.Status.SESSION_ENDED);
  }

  @Test
  void aLoggedOutEverywhereUserStaysLoggedOutDuringAnOutage() {
    String user = newUser();
    Login laptop = manager.login(user, Set.of(), LAPTOP);
    manager.logoutAll(user, PHONE);
    store.goDown();

    assertThat(manager.authenticate(laptop.accessToken().value()).status())
        .isEqualTo(AuthenticationResult.Status.SESSION_ENDED);
    assertThat(manager.refresh(laptop.refreshToken().value(), LAPTOP).status())
        .isEqualTo(Refresh.Status.SESSION_ENDED);
  }

  @Test
  void duringAnOutageOnlySessionsThisInstanceKnowsCanBeRevokedById() {
    String user = newUser();
    Login mine = manager.login(user, Set.of(), LAPTOP);
    Login elsewhere = manager(b -> {}).login(user, Set.of(), PHONE);
    store.goDown();

    // made-up ids with the caller's own tag, and a real session this instance never saw
    for (int i = 0; i < 100; i++) {
      String madeUp = mine.session().id().substring(0, 16) + "x".repeat(21) + (char) ('a' + i % 26);
      assertThatThrownBy(() -> manager.revoke(user, madeUp, LAPTOP))
          .isInstanceOf(SessionStoreUnavailableException.class);
    }
    assertThatThrownBy(() -> manager.revoke(user, elsewhere.session().id(), LAPTOP))
        .isInstanceOf(SessionStoreUnavailableException.class);
    assertThat(manager.hasUnwrittenChanges()).isFalse();

    assertThat(manager.revoke(user, mine.session().id(), PHONE)).isTrue();
    assertThat(manager.hasUnwrittenChanges()).isTrue();
  }

  @Test
  void endsRecordedDuringAnOutageCountTowardsItsCapacity() {
    SessionManager small = manager(b -> b.outageCapacity(2));
    String user = newUser();
    List<Login> logins = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      logins.add(small.login(user, Set.of(), LAPTOP));
    }
    store.goDown();

    assertThat(small.logout(logins.get(0).session().id(), LAPTOP)).isTrue();
    assertThat(small.logout(logins.get(1).session().id(), LAPTOP)).isTrue();
    assertThatThrownBy(() -> small.logout(logins.get(2).session().id(), LAPTOP))
        .isInstanceOf(SessionStoreUnavailableException.class)
        .hasMessageContaining("already held locally");
  }

  @Test
  void theOutageRecordIsBounded() {
    SessionManager small = manager(b -> b.outageCapacity(1));
    store.goDown();
    small.login(newUser(), Set.of(), LAPTOP);

    assertThatThrownBy(() -> small.login(newUser(), Set.of(), LAPTOP))
        .isInstanceOf(SessionStoreUnavailableException.class)
        .hasMessageContaining("1 logins, refreshes and logouts are already held locally");
  }

  @Test
  void theOutageRecordIsWrittenInTheBackgroundOnceTheStoreIsBack() throws Exception {
    try (SessionManager background = manager(b -> b.reconcileInterval(Duration.ofMillis(50)))) {
      store.goDown();
      Login during = background.login(newUser(), Set.of(), LAPTOP);
      store.comeBack();

      Await.atMost(Duration.ofSeconds(5))
          .until("the outage record written", () -> !background.hasUnwrittenChanges());
      assertThat(store.find(during.session().id())).contains(during.session());
    }
  }

  @Test
  void aLogoutDuringAnOutageIsHonouredAtOnceOnThisInstanceAndUntilTheTokenExpires() {
    String user = newUser();
    Login loggedOut = manager.login(user, Set.of(), LAPTOP);
    Login kept = manager.login(user, Set.of(), PHONE);
    store.goDown();

    assertThat(manager.logout(loggedOut.session().id(), LAPTOP)).isTrue();

    assertThat(manager.authenticate(loggedOut.accessToken().value()).status())
        .isEqualTo(AuthenticationResult.Status.SESSION_ENDED);
    assertThat(manager.authenticate(kept.accessToken().value()).isAuthenticated()).isTrue();
    store.comeBack();
    assertThat(manager.authenticate(loggedOut.accessToken().value()).status())
        .isEqualTo(AuthenticationResult.Status.SESSION_ENDED);
  }

  @Test
  void aLogoutAllDuringAnOutageRefusesEveryEarlierTokenOfTheUser() {
    String user = newUser();
    Login laptop = manager.login(user, Set.of(), LAPTOP);
    Login phone = manager.login(user, Set.of(), PHONE);
    Login other = manager.login(newUser(), Set.of(), PHONE);
    store.goDown();

    assertThat(manager.logoutAll(user, LAPTOP)).isZero();

    assertThat(manager.authenticate(laptop.accessToken().value()).isAuthenticated()).isFalse();
    assertThat(manager.authenticate(phone.accessToken().value()).isAuthenticated()).isFalse();
    assertThat(manager.authenticate(other.accessToken().value()).isAuthenticated()).isTrue();
  }

  @Test
  void builderRejectsMissingPartsAndBadSettingsWithTheRule() {
    assertThatThrownBy(() -> SessionManager.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("store is required");
    assertThatThrownBy(() -> SessionManager.builder().maxSessionsPerUser(-1))
        .hasMessage("maxSessionsPerUser must be >= 0, but was -1");
    assertThatThrownBy(() -> SessionManager.builder().maxSessionsPerUser(1001))
        .hasMessageStartingWith("maxSessionsPerUser must be <= 1000");
    assertThatThrownBy(() -> SessionManager.builder().sessionLifetime(Duration.ZERO))
        .hasMessage("sessionLifetime must be > 0, but was PT0S");
    assertThatThrownBy(() -> SessionManager.builder().refreshReuseGrace(Duration.ofSeconds(-1)))
        .hasMessage("refreshReuseGrace must be >= 0, but was PT-1S");
    assertThatThrownBy(() -> manager(b -> b.idleTimeout(Duration.ofSeconds(30))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("idleTimeout must be longer than touchInterval");
  }
}
