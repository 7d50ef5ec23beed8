package io.sessionkit;

import io.sessionkit.internal.AggregatedWarning;
import io.sessionkit.internal.RefreshState;
import io.sessionkit.internal.RefreshTokens;
import io.sessionkit.internal.Require;
import io.sessionkit.internal.SessionIds;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point adapters use: login, authenticate, refresh, logout, logout-all, revoke one, list.
 * Built with {@link #builder()} from a {@link SessionStore} and a {@link TokenService}.
 *
 * <p>Operator actions need no client: {@link #revoke(String, String)}, {@link #revokeAll(String)}
 * and {@link #sessions(String)} act on any user's sessions by user id.
 *
 * <p>Expected outcomes (a bad or expired token, an ended session, a reused refresh token) are
 * returned as values.
 *
 * <p>While the store is unreachable, {@link FallbackMode#DENY} refuses authentication and makes
 * every other operation throw {@link SessionStoreUnavailableException}. {@link
 * FallbackMode#JWT_ONLY} accepts verified tokens and keeps an outage record on this instance:
 * logouts and logout-alls are honoured here at once; logins create sessions here; refreshes rotate
 * here only for sessions whose current refresh token this instance issued (anything else cannot be
 * checked without the store, and throws). Once the store answers again the record is written to it
 * every reconcile interval (see {@link #writeOutageRecord()}), and honoured until then, so an
 * outage neither undoes a logout nor forgets a login. A revocation made on another instance during
 * the outage is seen here only once the store is back.
 *
 * <p>Thread-safe. Events go to the listeners after the change, on the calling thread; events of
 * work done off the request path (sessions evicted at the limit, changes written after an outage)
 * on a background thread. {@link #close()} stops that background work.
 */
public final class SessionManager implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SessionManager.class);

  private final SessionStore store;
  private final TokenService tokens;
  private final RevocationPolicy storePolicy;
  private final OutageRecord outageRecord;
  private final OutageRecordWriter outageRecordWriter;
  private final IssuedTokens issued;
  private final ServedSessions served;
  private final RecentEnds recentEnds;
  private final AutoCloseable endsSubscription;
  private final SessionEvents events;
  private final Reclaimer reclaimer;
  private final Background background;
  private final FallbackMode fallbackMode;
  private final Clock clock;
  private final SecureRandom random;
  private final Duration sessionLifetime;
  private final Duration idleTimeout;
  private final int maxSessionsPerUser;
  private final Duration refreshReuseGrace;
  private final List<AuthenticationListener> authenticationListeners;
  private final AggregatedWarning outageLogins =
      new AggregatedWarning(
          log,
          Duration.ofSeconds(10),
          "Session store unreachable: {} logins made on this instance, to be written when it is back");
  private final AggregatedWarning outageEnds =
      new AggregatedWarning(
          log,
          Duration.ofSeconds(10),
          "Session store unreachable: {} logouts recorded on this instance, to be written when it is back");

  private SessionManager(Builder b) {
    this.store = b.store;
    this.tokens = b.tokens;
    this.storePolicy = RevocationPolicy.storeBacked(b.store, b.touchInterval);
    this.outageRecord = new OutageRecord(b.clock, b.outageCapacity);
    this.issued = new IssuedTokens(b.outageCapacity);
    this.served = new ServedSessions(b.outageCapacity);
    this.recentEnds = new RecentEnds(b.clock, b.tokens.accessTokenLifetime(), b.outageCapacity);
    List<SessionListener> listeners = new ArrayList<>();
    // first, so that the fallback knows of an end before anyone else hears of it
    listeners.add(this::rememberEnd);
    listeners.addAll(b.listeners);
    this.events = new SessionEvents(listeners);
    this.background = b.executor == null ? Background.owned() : Background.on(b.executor);
    this.reclaimer = new Reclaimer(b.store, events, b.clock, background);
    this.outageRecordWriter =
        new OutageRecordWriter(
            b.store,
            outageRecord,
            events,
            reclaimer,
            background,
            b.clock,
            b.maxSessionsPerUser,
            b.sessionLifetime,
            b.tokens.accessTokenLifetime(),
            b.reconcileInterval);
    this.fallbackMode = b.fallbackMode;
    this.clock = b.clock;
    this.random = b.random;
    this.sessionLifetime = b.sessionLifetime;
    this.idleTimeout = b.idleTimeout;
    this.maxSessionsPerUser = b.maxSessionsPerUser;
    this.refreshReuseGrace = b.refreshReuseGrace;
    this.authenticationListeners = List.copyOf(b.authenticationListeners);
    this.endsSubscription = b.store.onEnds(recentEnds::heard);
  }

  private void rememberEnd(SessionEvent event) {
    switch (event.type()) {
      case REVOKED, EVICTED, REFRESH_REUSE_DETECTED ->
          recentEnds.sessionEnded(event.sessionId().orElseThrow());
      case ALL_REVOKED -> recentEnds.userEnded(event.userId(), event.at());
      case CREATED, NEW_DEVICE_LOGIN, REFRESHED -> {
        // not an end
      }
    }
  }

  /** A builder; {@link Builder#store} and {@link Builder#tokenService} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@link #login(String, Set, ClientInfo, Map)} without attributes. */
  public Login login(String userId, Set<String> roles, ClientInfo client) {
    return login(userId, roles, client, Map.of());
  }

  /**
   * Creates a session for a user whose credentials the host has already checked, and issues its
   * first access and refresh tokens: one store round trip. With a per-user limit (and always at the
   * ceiling of {@value SessionStore#MAX_SESSIONS_PER_USER}), the user's sessions that would end
   * first are evicted.
   *
   * <p>While the store is unreachable in {@link FallbackMode#JWT_ONLY}, the session is created on
   * this instance and written to the store when it is back (the per-user limit applies then).
   *
   * @throws SessionStoreUnavailableException when the store cannot be reached in {@link
   *     FallbackMode#DENY}, or the local record of the outage is full
   */
  public Login login(
      String userId, Set<String> roles, ClientInfo client, Map<String, String> attributes) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(roles, "roles");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(attributes, "attributes");
    // stores keep milliseconds; a session must read back equal to what login returned
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Session session =
        new Session(
            store.newSessionId(userId),
            userId,
            roles,
            now,
            now,
            now.plus(sessionLifetime),
            idleTimeout,
            client.ip(),
            client.userAgent(),
            attributes);
    String tagKey = RefreshTokens.newTagKey(random);
    RefreshTokens.Parts refresh =
        RefreshTokens.issue(session.id(), 0, RefreshTokens.newNonce(random), tagKey);
    SessionCreation creation =
        withStore(
            () ->
                store.create(
                    new NewSession(session, 0, refresh.nonceHash(), tagKey, false),
                    maxSessionsPerUser),
            unavailable -> {
              outageRecord.recordLogin(
                  session, new RefreshState(session.id(), tagKey, 0, refresh.nonceHash()));
              outageRecordWriter.start();
              outageLogins.record();
              return SessionCreation.created(false, 0);
            });
    if (creation.status() != SessionCreation.Status.CREATED) {
      throw new SessionKitException(
          "the store answered " + creation.status() + " for a new session id " + session.id());
    }
    issued.remember(new IssuedTokens.Issued(session, 0, refresh.nonceHash(), tagKey));
    AccessToken access = tokens.issue(session);
    emit(SessionEvent.Type.CREATED, session, client, now);
    if (creation.newDevice()) {
      emit(SessionEvent.Type.NEW_DEVICE_LOGIN, session, client, now);
    }
    if (creation.evicted() > 0) {
      reclaimer.reclaimLater(userId);
    }
    return new Login(
        session,
        access,
        new RefreshToken(refresh.token(), session.expiresAt()),
        creation.evicted());
  }

  /**
   * Verifies an access token and checks that its session is live: one store round trip, with
   * activity recorded at most once per touch interval. Never throws for bad input, nor when the
   * store is unreachable: that is answered according to the {@link FallbackMode}.
   */
  public AuthenticationResult authenticate(String accessToken) {
    if (authenticationListeners.isEmpty()) {
      return check(accessToken);
    }
    long start = System.nanoTime();
    AuthenticationResult result = check(accessToken);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    for (AuthenticationListener listener : authenticationListeners) {
      try {
        listener.onAuthentication(result, took);
      } catch (RuntimeException e) {
        log.warn("Authentication listener {} failed", listener, e);
      }
    }
    return result;
  }

  private AuthenticationResult check(String accessToken) {
    TokenVerification verification = tokens.verify(accessToken);
    if (!verification.isValid()) {
      return AuthenticationResult.invalidToken(verification.status());
    }
    TokenClaims claims = verification.claims().orElseThrow();
    // an end recorded during an outage holds even once the store answers again
    if (outageRecord.isEnded(claims)) {
      return AuthenticationResult.sessionEnded(claims);
    }
    SessionCheck check;
    try {
      check = storePolicy.check(claims);
    } catch (SessionStoreUnavailableException e) {
      if (fallbackMode == FallbackMode.DENY) {
        return AuthenticationResult.storeUnavailable(claims);
      }
      check = recentEnds.covers(claims) ? SessionCheck.ended() : outageRecord.check(claims);
    }
    return switch (check.status()) {
      case LIVE -> {
        served.served(claims.sessionId(), claims.userId());
        yield AuthenticationResult.authenticated(claims, false);
      }
      case LIVE_WITHOUT_STORE -> AuthenticationResult.authenticated(claims, true);
      case ENDED -> {
        // created here during an outage and not written to the store yet
        if (outageRecord.pendingSession(claims.sessionId()).isPresent()) {
          yield AuthenticationResult.authenticated(claims, true);
        }
        // a signed token names a real session: remember that it ended, for the next outage
        recentEnds.sessionEnded(claims.sessionId());
        yield AuthenticationResult.sessionEnded(claims);
      }
    };
  }

  /**
   * Exchanges a refresh token for a new access token and a rotated refresh token: one store round
   * trip. Presenting an already-rotated token revokes the session ({@link
   * Refresh.Status#REUSE_DETECTED}), except that the immediately previous token, retried within the
   * reuse grace, gets the same rotated token again.
   *
   * <p>While the store is unreachable in {@link FallbackMode#JWT_ONLY}, sessions created during the
   * outage and sessions whose current refresh token this instance issued are refreshed here, as
   * exactly as the store would; the rotation is written to the store, and judged by it again, when
   * it is back. Any other token cannot be checked and is not rotated.
   *
   * @throws SessionStoreUnavailableException when the store cannot be reached in {@link
   *     FallbackMode#DENY}, or this instance cannot check the token without the store
   */
  public Refresh refresh(String refreshToken, ClientInfo client) {
    Objects.requireNonNull(client, "client");
    Optional<RefreshTokens.Parts> parsed = RefreshTokens.parse(refreshToken);
    if (parsed.isEmpty()) {
      return Refresh.refused(Refresh.Status.INVALID_TOKEN, Optional.empty());
    }
    RefreshTokens.Parts presented = parsed.get();
    String sessionId = presented.sessionId();
    // a session ended on this instance stays ended, also before the store has been told
    if (outageRecord.endedHere(sessionId)) {
      return Refresh.refused(Refresh.Status.SESSION_ENDED, Optional.empty());
    }
    byte[] next = RefreshTokens.newNonce(random);
    RefreshRotation rotation =
        new RefreshRotation(
            sessionId,
            presented.generation(),
            presented.nonceHash(),
            presented.tagHex(),
            RefreshTokens.hash(next),
            RefreshTokens.seal(presented, next, random),
            refreshReuseGrace);
    RefreshRotation.Outcome outcome =
        outageRecord
            .rotateLocally(rotation, Optional.empty())
            .orElseGet(
                () ->
                    withStore(
                        () -> store.rotate(rotation),
                        unavailable -> {
                          Optional<IssuedTokens.Issued> known = issued.get(sessionId);
                          if (recentEnds.covers(sessionId)
                              || known.filter(i -> recentEnds.covers(i.session())).isPresent()) {
                            return RefreshRotation.Outcome.notFound();
                          }
                          RefreshRotation.Outcome local =
                              outageRecord
                                  .rotateLocally(rotation, known)
                                  .orElseThrow(() -> unavailable);
                          outageRecordWriter.start();
                          return local;
                        }));
    Instant now = clock.instant();
    if (outcome.session().isPresent()
        && outcome.status() != RefreshRotation.Status.REUSE_DETECTED
        && outageRecord.endedHere(outcome.session().get())) {
      // e.g. a logout-all on this instance that the store has not been told of yet
      return Refresh.refused(Refresh.Status.SESSION_ENDED, Optional.empty());
    }
    return switch (outcome.status()) {
      case ROTATED -> refreshed(outcome, next, client, now);
      case GRACE_RETRY -> {
        Optional<byte[]> successor =
            RefreshTokens.unseal(
                presented, outcome.successor().orElseThrow().sealedNext().orElseThrow());
        if (successor.isEmpty()) {
          log.warn(
              "Sealed refresh successor of session {} did not open; refusing",
              SessionIds.shortForm(sessionId));
          yield Refresh.refused(Refresh.Status.INVALID_TOKEN, Optional.empty());
        }
        yield refreshed(outcome, successor.get(), client, now);
      }
      // the next nonce was drawn just now: no earlier request can have sent it
      case ALREADY_APPLIED, INVALID ->
          Refresh.refused(Refresh.Status.INVALID_TOKEN, Optional.empty());
      case REUSE_DETECTED -> {
        Session stolen = outcome.session().orElseThrow();
        log.warn(
            "Refresh token reuse on session {} of user {}: session revoked",
            SessionIds.shortForm(stolen.id()),
            stolen.userId());
        issued.forget(stolen.id());
        emit(SessionEvent.Type.REFRESH_REUSE_DETECTED, stolen, client, now);
        emitRevoked(stolen, client, now, SessionEvent.RevocationReason.REFRESH_REUSE);
        yield Refresh.refused(Refresh.Status.REUSE_DETECTED, Optional.of(stolen));
      }
      case SESSION_NOT_FOUND -> {
        // only a token this instance issued is known to name a real session
        if (issued.get(sessionId).isPresent()) {
          issued.forget(sessionId);
          recentEnds.sessionEnded(sessionId);
        }
        yield Refresh.refused(Refresh.Status.SESSION_ENDED, Optional.empty());
      }
    };
  }

  private Refresh refreshed(
      RefreshRotation.Outcome outcome, byte[] nonce, ClientInfo client, Instant now) {
    Session session = outcome.session().orElseThrow();
    RefreshRotation.Successor successor = outcome.successor().orElseThrow();
    RefreshTokens.Parts token =
        RefreshTokens.issue(session.id(), successor.generation(), nonce, successor.tagKey());
    issued.remember(
        new IssuedTokens.Issued(
            session, successor.generation(), token.nonceHash(), successor.tagKey()));
    AccessToken access = tokens.issue(session);
    emit(SessionEvent.Type.REFRESHED, session, client, now);
    return Refresh.refreshed(session, access, new RefreshToken(token.token(), session.expiresAt()));
  }

  /**
   * Ends one session, as its own logout: one store round trip.
   *
   * @return whether a live session was ended (or, during an outage in JWT-only mode, recorded as
   *     ended on this instance, to be written to the store when it is back)
   * @throws SessionStoreUnavailableException when the store cannot be reached in {@link
   *     FallbackMode#DENY}
   */
  public boolean logout(String sessionId, ClientInfo client) {
    // the id of the caller's own session, from a verified token: real, so worth a marker even if
    // the store does not hold it yet (another instance may write it from its outage record)
    return end(sessionId, client, SessionEvent.RevocationReason.LOGOUT, sessionLifetime);
  }

  private boolean end(String sessionId, ClientInfo client, SessionEvent.RevocationReason reason) {
    return end(sessionId, client, reason, Duration.ZERO);
  }

  private boolean end(
      String sessionId,
      ClientInfo client,
      SessionEvent.RevocationReason reason,
      Duration markAtLeast) {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(client, "client");
    Instant now = clock.instant();
    served.forget(sessionId);
    Optional<Session> local = outageRecord.pendingSession(sessionId);
    if (local.isPresent()) {
      // Its write may have reached the store even if it failed (a lost answer): end it there too.
      outageRecord.recordSessionEnded(sessionId, refuseTokensUntil(now), local.get().expiresAt());
      outageRecordWriter.start();
      emitRevoked(local.get(), client, now, reason);
      return true;
    }
    Optional<Optional<Session>> ended =
        withStore(
            () -> Optional.of(store.revoke(sessionId, markAtLeast)),
            unavailable -> {
              outageRecord.recordSessionEnded(
                  sessionId, refuseTokensUntil(now), now.plus(sessionLifetime));
              outageRecordWriter.start();
              outageEnds.record();
              return Optional.empty();
            });
    if (ended.isEmpty()) {
      return true;
    }
    outageRecord.forget(sessionId);
    ended.get().ifPresent(s -> emitRevoked(s, client, now, reason));
    return ended.get().isPresent();
  }

  /**
   * Ends every session of the user at the user's own request ("log out everywhere", asked from one
   * of the user's sessions): one store round trip, whatever the number of sessions.
   *
   * <p>{@code logoutAll} and {@link #revokeAll(String, ClientInfo)} end the same sessions in the
   * same way; they differ only in who asked, which the {@link SessionEvent.Type#ALL_REVOKED} event
   * records as its reason ({@link SessionEvent.RevocationReason#LOGOUT_ALL} here, {@link
   * SessionEvent.RevocationReason#REVOKED} there) and an activity feed shows ({@code logout_all} or
   * {@code session_revoked}). Two methods rather than a reason parameter, so that a user's request
   * and an operator's action read differently where they are called.
   *
   * @param client the client of the session that asked
   * @return how many live sessions were ended; during an outage in JWT-only mode, only those
   *     created on this instance during it (the rest are ended when the store is back)
   * @throws SessionStoreUnavailableException when the store cannot be reached in {@link
   *     FallbackMode#DENY}
   */
  public int logoutAll(String userId, ClientInfo client) {
    return endAll(userId, client, SessionEvent.RevocationReason.LOGOUT_ALL);
  }

  /**
   * Ends every session of the user on someone else's behalf, such as an operator's: the same effect
   * as {@link #logoutAll}, recorded with the reason {@link SessionEvent.RevocationReason#REVOKED}.
   *
   * @param client the operator's client, for the event; see {@link #revokeAll(String)} when there
   *     is none
   * @return how many live sessions were ended, as for {@link #logoutAll}
   * @throws SessionStoreUnavailableException when the store cannot be reached in {@link
   *     FallbackMode#DENY}
   */
  public int revokeAll(String userId, ClientInfo client) {
    return endAll(userId, client, SessionEvent.RevocationReason.REVOKED);
  }

  /**
   * {@link #revokeAll(String, ClientInfo)} for an action with no client of its own (a job, a
   * console, an account being closed): the event's client is {@link ClientInfo#unknown()}.
   */
  public int revokeAll(String userId) {
    return revokeAll(userId, ClientInfo.unknown());
  }

  private int endAll(String userId, ClientInfo client, SessionEvent.RevocationReason reason) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(client, "client");
    Instant now = clock.instant();
    int ended =
        withStore(
            () -> {
              int count = store.revokeAll(userId, now, sessionLifetime);
              reclaimer.reclaimLater(userId);
              for (Session pending : outageRecord.pendingSessionsOf(userId)) {
                outageRecord.recordSessionEnded(
                    pending.id(), refuseTokensUntil(now), pending.expiresAt());
                count++;
              }
              return count;
            },
            unavailable -> {
              List<Session> local =
                  outageRecord.recordUserEnded(
                      userId, refuseTokensUntil(now), now.plus(sessionLifetime));
              outageRecordWriter.start();
              outageEnds.record();
              return local.size();
            });
    events.emit(SessionEvent.allRevoked(now, userId, client, reason, ended));
    return ended;
  }

  /**
   * {@link #revoke(String, String, ClientInfo)} for an action with no client of its own (an
   * operator's console, a job): the event's client is {@link ClientInfo#unknown()}.
   */
  public boolean revoke(String userId, String sessionId) {
    return revoke(userId, sessionId, ClientInfo.unknown());
  }

  /**
   * Ends one of the user's sessions, e.g. from the user's device list or an operator's console.
   *
   * <p>While the store is unreachable in {@link FallbackMode#JWT_ONLY}, ownership is told from the
   * session id, which starts with its user's tag, and the end is recorded as a logout is.
   *
   * @return whether a live session of this user was ended; false for any other id
   * @throws SessionStoreUnavailableException when the store cannot be reached in {@link
   *     FallbackMode#DENY}
   */
  public boolean revoke(String userId, String sessionId, ClientInfo client) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(sessionId, "sessionId");
    Optional<Session> owned;
    try {
      owned = outageRecord.pendingSession(sessionId).or(() -> store.find(sessionId));
    } catch (SessionStoreUnavailableException e) {
      // without the store only a session this instance knows may be recorded: its own logins,
      // the tokens it issued, the sessions it served; anything else would let a caller fill the
      // outage record with made-up ids
      Optional<String> owner =
          issued.get(sessionId).map(i -> i.session().userId()).or(() -> served.userOf(sessionId));
      if (fallbackMode == FallbackMode.DENY || !owner.equals(Optional.of(userId))) {
        throw e;
      }
      return end(sessionId, client, SessionEvent.RevocationReason.REVOKED);
    }
    return owned.filter(s -> s.userId().equals(userId)).isPresent()
        && end(sessionId, client, SessionEvent.RevocationReason.REVOKED);
  }

  /** The first page of the user's live sessions; see {@link #sessions(String, Optional, int)}. */
  public SessionPage sessions(String userId) {
    return sessions(userId, Optional.empty(), SessionPage.MAX_PAGE_SIZE);
  }

  /**
   * A page of the user's live sessions, newest first. The first page also holds the sessions
   * created on this instance during an outage that are not written to the store yet; every page
   * leaves out those this instance ended during an outage, even before that end is written.
   *
   * @param after the {@link SessionPage#next()} cursor of the previous page; empty for the first
   * @param limit the most sessions per page, 1 to {@link SessionPage#MAX_PAGE_SIZE}
   * @throws SessionStoreUnavailableException when the store cannot be reached
   */
  public SessionPage sessions(String userId, Optional<String> after, int limit) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(after, "after");
    SessionPage page = store.list(userId, after, limit);
    List<Session> shown = new ArrayList<>();
    int hidden = 0;
    for (Session session : page.sessions()) {
      // an end recorded during an outage holds from the moment the store answers again, not only
      // once the outage record has been written
      if (outageRecord.endedHere(session)) {
        hidden++;
      } else {
        shown.add(session);
      }
    }
    List<Session> pending = after.isEmpty() ? outageRecord.pendingSessionsOf(userId) : List.of();
    for (Session session : pending) {
      if (shown.stream().noneMatch(s -> s.id().equals(session.id()))) {
        shown.add(session);
      }
    }
    if (!pending.isEmpty()) {
      shown.sort(Comparator.comparing(Session::createdAt).thenComparing(Session::id).reversed());
    }
    return new SessionPage(
        shown, Math.max(0, page.liveCount() - hidden + pending.size()), page.next());
  }

  /** The clock this manager reads the time from, as configured with {@link Builder#clock}. */
  public Clock clock() {
    return clock;
  }

  /**
   * An activity-feed entry of the user's, stamped now by this manager's clock, for what only the
   * host sees (such as {@link ActivityEntry.Type#LOGIN_FAILED}); entries for session events come
   * from {@link ActivityEntry#of(SessionEvent)}.
   */
  public ActivityEntry activityEntry(String userId, ActivityEntry.Type type, ClientInfo client) {
    return ActivityEntry.of(userId, type, client, clock.instant());
  }

  /** The store this manager uses. */
  public SessionStore store() {
    return store;
  }

  /**
   * What this manager does while the store is unreachable, as configured with {@link
   * Builder#fallbackMode(FallbackMode)}. Adapters use it to answer requests that need the store
   * (such as a device list) in the same spirit as {@link #authenticate(String)} does.
   */
  public FallbackMode fallbackMode() {
    return fallbackMode;
  }

  /**
   * Whether this instance holds changes made during an outage that are not in the store yet. They
   * are written every reconcile interval once the store answers.
   */
  public boolean hasUnwrittenChanges() {
    return outageRecord.hasWritesPending();
  }

  /**
   * Writes what this instance recorded during an outage to the store now, instead of waiting for
   * the next reconcile interval. Logouts everywhere are applied first, then sessions created during
   * the outage become real sessions (the per-user limit applies then; one that ended meanwhile on
   * any instance stays ended), rotations are replayed in order (so the store can still detect a
   * reused token), and recorded ends are applied. Each change is applied once; what fails because
   * the store is still unreachable is kept for the next attempt.
   *
   * @return whether everything recorded has been written
   */
  public boolean writeOutageRecord() {
    return outageRecordWriter.write();
  }

  /**
   * Stops the background work (writing the outage record, reclaiming ended sessions). Does not
   * close the store, which belongs to whoever built it.
   */
  @Override
  public void close() {
    background.close();
    try {
      endsSubscription.close();
    } catch (Exception e) {
      log.warn("Closing the subscription to session ends failed", e);
    }
  }

  // The one place that decides between the store and the fallback: in DENY mode an unreachable
  // store is the caller's exception; in JWT_ONLY mode the fallback answers.
  private <T> T withStore(
      Supplier<T> call, Function<SessionStoreUnavailableException, T> fallback) {
    try {
      return call.get();
    } catch (SessionStoreUnavailableException e) {
      if (fallbackMode == FallbackMode.DENY) {
        throw e;
      }
      return fallback.apply(e);
    }
  }

  private Instant refuseTokensUntil(Instant now) {
    return now.plus(tokens.accessTokenLifetime());
  }

  private void emitRevoked(
      Session session, ClientInfo client, Instant at, SessionEvent.RevocationReason reason) {
    events.emit(
        SessionEvent.of(SessionEvent.Type.REVOKED, at, session, client, Optional.of(reason)));
  }

  private void emit(SessionEvent.Type type, Session session, ClientInfo client, Instant at) {
    events.emit(SessionEvent.of(type, at, session, client, Optional.empty()));
  }

  /**
   * Builds a {@link SessionManager}. Every setter validates its argument at once; the built manager
   * is immutable. Not thread-safe.
   */
  public static final class Builder {

    private SessionStore store;
    private TokenService tokens;
    private Clock clock = Clock.systemUTC();
    private SecureRandom random = new SecureRandom();
    private Duration sessionLifetime = Duration.ofDays(7);
    private Duration idleTimeout = Duration.ZERO;
    private Duration touchInterval = Duration.ofMinutes(1);
    private int maxSessionsPerUser = 0;
    private Duration refreshReuseGrace = Duration.ofSeconds(10);
    private FallbackMode fallbackMode = FallbackMode.JWT_ONLY;
    private Duration reconcileInterval = Duration.ofSeconds(1);
    private int outageCapacity = 100_000;
    private ScheduledExecutorService executor;
    private final List<SessionListener> listeners = new ArrayList<>();
    private final List<AuthenticationListener> authenticationListeners = new ArrayList<>();

    private Builder() {}

    /** The session store. Required. */
    public Builder store(SessionStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** The access-token service. Required. */
    public Builder tokenService(TokenService tokenService) {
      this.tokens = Objects.requireNonNull(tokenService, "tokenService");
      return this;
    }

    /** The clock for session times. Default: {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The source of refresh-token secrets. Default: a new {@link SecureRandom}. */
    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** The absolute session lifetime, which is also the refresh-token lifetime. Default: 7 days. */
    public Builder sessionLifetime(Duration lifetime) {
      this.sessionLifetime = Require.positive(lifetime, "sessionLifetime");
      return this;
    }

    /**
     * How long a session may go without a request before it ends; {@link Duration#ZERO} (the
     * default) for no idle timeout. Activity is recorded at most once per touch interval, so a
     * session may end up to one touch interval earlier than a strict idle timeout would say.
     */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = Require.notNegative(idleTimeout, "idleTimeout");
      return this;
    }

    /** The least time between two writes of a session's last activity. Default: 1 minute. */
    public Builder touchInterval(Duration touchInterval) {
      this.touchInterval = Require.notNegative(touchInterval, "touchInterval");
      return this;
    }

    /**
     * The most live sessions a user may have, at most {@value SessionStore#MAX_SESSIONS_PER_USER};
     * a login beyond it evicts the sessions that would end first (the oldest, unless sessions have
     * an idle timeout). 0 (the default) for no limit of the application's own: the ceiling of
     * {@value SessionStore#MAX_SESSIONS_PER_USER} still holds.
     */
    public Builder maxSessionsPerUser(int max) {
      Require.atLeast(max, 0, "maxSessionsPerUser");
      if (max > SessionStore.MAX_SESSIONS_PER_USER) {
        throw new IllegalArgumentException(
            "maxSessionsPerUser must be <= "
                + SessionStore.MAX_SESSIONS_PER_USER
                + " (the ceiling every user is held to), but was "
                + max);
      }
      this.maxSessionsPerUser = max;
      return this;
    }

    /** How long after a rotation the previous refresh token may be retried. Default: 10 seconds. */
    public Builder refreshReuseGrace(Duration grace) {
      this.refreshReuseGrace = Require.notNegative(grace, "refreshReuseGrace");
      return this;
    }

    /**
     * What authentication does while the store is unreachable. Default: {@link
     * FallbackMode#JWT_ONLY}.
     */
    public Builder fallbackMode(FallbackMode mode) {
      this.fallbackMode = Objects.requireNonNull(mode, "fallbackMode");
      return this;
    }

    /** Adds a listener for session events. */
    public Builder listener(SessionListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * How often, once the store answers again, what happened during an outage is written to it.
     * Default: 1 second.
     */
    public Builder reconcileInterval(Duration interval) {
      this.reconcileInterval = Require.positive(interval, "reconcileInterval");
      return this;
    }

    /**
     * The most logins and refreshed sessions held on this instance during an outage in {@link
     * FallbackMode#JWT_ONLY}; beyond it logins and refreshes fail as in {@link FallbackMode#DENY}.
     * Also how many sessions' current refresh tokens this instance remembers, so that it can
     * refresh them during an outage. Default: 100,000.
     */
    public Builder outageCapacity(int capacity) {
      this.outageCapacity = Require.atLeast(capacity, 0, "outageCapacity");
      return this;
    }

    /**
     * Where work off the request path runs: writing the outage record and reclaiming sessions ended
     * in bulk. The manager never shuts it down. Default: one daemon thread of the manager's own,
     * stopped by {@link SessionManager#close()}.
     */
    public Builder backgroundExecutor(ScheduledExecutorService executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Adds a listener told of every authentication and its duration, e.g. for metrics. */
    public Builder authenticationListener(AuthenticationListener listener) {
      authenticationListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * The manager.
     *
     * @throws IllegalStateException when the store or the token service is missing, or the idle
     *     timeout is shorter than the touch interval
     */
    public SessionManager build() {
      if (store == null) {
        throw new IllegalStateException("store is required: call store(...) before build()");
      }
      if (tokens == null) {
        throw new IllegalStateException(
            "tokenService is required: call tokenService(...) before build()");
      }
      if (!idleTimeout.isZero() && idleTimeout.compareTo(touchInterval) <= 0) {
        throw new IllegalStateException(
            "idleTimeout must be longer than touchInterval, but was "
                + idleTimeout
                + " <= "
                + touchInterval
                + ": activity would not be recorded before the session goes idle");
      }
      return new SessionManager(this);
    }
  }
}
