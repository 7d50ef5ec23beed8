package io.sessionkit;

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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point adapters use: login, authenticate, refresh, logout, logout-all, revoke one, list.
 * Built with {@link #builder()} from a {@link SessionStore} and a {@link TokenService}.
 *
 * <p>Expected outcomes (a bad or expired token, an ended session, a reused refresh token) are
 * returned as values.
 *
 * <p>While the store is unreachable, {@link FallbackMode#DENY} refuses authentication and makes
 * every other operation throw {@link SessionStoreUnavailableException}. {@link
 * FallbackMode#JWT_ONLY} accepts verified tokens and keeps an outage record on this instance:
 * logouts and logout-alls are honoured here at once; logins create sessions here; refreshes of
 * sessions created here or seen lately rotate here. Once the store answers again the record is
 * written to it every reconcile interval (see {@link #writeOutageRecord()}), and honoured until
 * then, so an outage neither undoes a logout nor forgets a login. A revocation made on another
 * instance during the outage is seen here only once the store is back.
 *
 * <p>Thread-safe. Events go to the listeners after the change, on the calling thread (for changes
 * written after an outage, on the writer's thread). {@link #close()} stops the background writer.
 */
public final class SessionManager implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SessionManager.class);

  private static final int RECENT_SESSIONS = 10_000;

  private final SessionStore store;
  private final TokenService tokens;
  private final RevocationPolicy storePolicy;
  private final OutageJournal journal;
  private final FallbackMode fallbackMode;
  private final Clock clock;
  private final SecureRandom random;
  private final Duration sessionLifetime;
  private final Duration idleTimeout;
  private final int maxSessionsPerUser;
  private final Duration refreshReuseGrace;
  private final Duration reconcileInterval;
  private final List<SessionListener> listeners;
  private final List<AuthenticationListener> authenticationListeners;
  // sessions seen lately, so a refresh during an outage can issue a token for them
  private final Map<String, Session> recentSessions = new ConcurrentHashMap<>();
  private final Object reconcilerLock = new Object();
  private ScheduledExecutorService reconciler;
  private boolean closed;

  private SessionManager(Builder b) {
    this.store = b.store;
    this.tokens = b.tokens;
    this.storePolicy = RevocationPolicy.storeBacked(b.store, b.touchInterval);
    this.journal = new OutageJournal(b.clock, b.outageCapacity);
    this.fallbackMode = b.fallbackMode;
    this.clock = b.clock;
    this.random = b.random;
    this.sessionLifetime = b.sessionLifetime;
    this.idleTimeout = b.idleTimeout;
    this.maxSessionsPerUser = b.maxSessionsPerUser;
    this.refreshReuseGrace = b.refreshReuseGrace;
    this.reconcileInterval = b.reconcileInterval;
    this.listeners = List.copyOf(b.listeners);
    this.authenticationListeners = List.copyOf(b.authenticationListeners);
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
   * first access and refresh tokens. With a per-user limit, the user's oldest sessions beyond it
   * are evicted.
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
    Session draft =
        new Session(
            SessionIds.newSessionId(userId, random),
            userId,
            roles,
            now,
            now,
            now.plus(sessionLifetime),
            idleTimeout,
            client.ip(),
            client.userAgent(),
            attributes);
    String secret = RefreshTokens.newSecret(random);
    String hash = RefreshTokens.hash(secret);
    boolean newDevice;
    SessionCreation creation;
    try {
      newDevice =
          store.listByUser(userId).stream()
              .noneMatch(existing -> existing.userAgent().equals(client.userAgent()));
      creation = store.create(draft, hash, maxSessionsPerUser);
    } catch (SessionStoreUnavailableException e) {
      if (fallbackMode == FallbackMode.DENY) {
        throw e;
      }
      journal.recordLogin(draft, hash);
      startReconciler();
      log.warn(
          "Session store unreachable: session {} of user {} created on this instance, to be written when it is back",
          draft.id(),
          userId);
      newDevice = false;
      creation = new SessionCreation(draft, List.of());
    }
    Session session = creation.session();
    remember(session);
    AccessToken access = tokens.issue(session);
    RefreshToken refresh =
        new RefreshToken(
            new RefreshTokens.Parts(session.id(), secret).token(), session.expiresAt());

    emit(SessionEvent.Type.CREATED, session, client, now);
    if (newDevice) {
      emit(SessionEvent.Type.NEW_DEVICE_LOGIN, session, client, now);
    }
    for (Session evicted : creation.evicted()) {
      emit(SessionEvent.Type.EVICTED, evicted, client, now);
    }
    return new Login(session, access, refresh, creation.evicted());
  }

  /**
   * Verifies an access token and checks that its session is live: one store round trip, with
   * activity recorded at most once per touch interval. Never throws for bad input, nor when the
   * store is unreachable: that is answered according to the {@link FallbackMode}.
   */
  public Authentication authenticate(String accessToken) {
    if (authenticationListeners.isEmpty()) {
      return check(accessToken);
    }
    long start = System.nanoTime();
    Authentication result = check(accessToken);
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

  private Authentication check(String accessToken) {
    TokenVerification verification = tokens.verify(accessToken);
    if (!verification.isValid()) {
      return Authentication.invalidToken(verification.status());
    }
    TokenClaims claims = verification.claims().orElseThrow();
    // an end recorded during an outage holds even once the store answers again
    if (journal.isEnded(claims)) {
      return Authentication.sessionEnded(claims);
    }
    SessionCheck check;
    try {
      check = storePolicy.check(claims);
    } catch (SessionStoreUnavailableException e) {
      if (fallbackMode == FallbackMode.DENY) {
        return Authentication.storeUnavailable(claims);
      }
      check = journal.check(claims);
    }
    if (check.live()) {
      check.session().ifPresent(this::remember);
      return Authentication.authenticated(claims, check.session());
    }
    // created here during an outage and not written to the store yet
    Optional<Session> pending = journal.pendingSession(claims.sessionId());
    return pending.isPresent()
        ? Authentication.authenticated(claims, pending)
        : Authentication.sessionEnded(claims);
  }

  /**
   * Exchanges a refresh token for a new access token and a rotated refresh token. Presenting an
   * already-rotated token revokes the session ({@link Refresh.Status#REUSE_DETECTED}), except that
   * the immediately previous token, retried within the reuse grace, gets the same rotated token
   * again.
   *
   * <p>While the store is unreachable in {@link FallbackMode#JWT_ONLY}, sessions created during the
   * outage and sessions this instance has seen lately are refreshed locally; the rotation is
   * written to the store, and judged by it, when it is back.
   *
   * @throws SessionStoreUnavailableException when the store cannot be reached in {@link
   *     FallbackMode#DENY}, or the session is unknown on this instance during an outage
   */
  public Refresh refresh(String refreshToken, ClientInfo client) {
    Optional<RefreshTokens.Parts> parsed = RefreshTokens.parse(refreshToken);
    if (parsed.isEmpty()) {
      return Refresh.refused(Refresh.Status.INVALID_TOKEN, Optional.empty());
    }
    RefreshTokens.Parts presented = parsed.get();
    // a session ended on this instance stays ended, also before the store has been told
    if (journal.endedHere(presented.sessionId())) {
      return Refresh.refused(Refresh.Status.SESSION_ENDED, Optional.empty());
    }
    String next = RefreshTokens.newSecret(random);
    RefreshRotation rotation =
        new RefreshRotation(
            presented.sessionId(),
            RefreshTokens.hash(presented.secret()),
            RefreshTokens.hash(next),
            RefreshTokens.seal(presented.secret(), next, random),
            refreshReuseGrace);
    RefreshRotation.Outcome outcome =
        journal.rotateLocally(rotation, Optional.empty()).orElse(null);
    if (outcome == null) {
      try {
        outcome = store.rotateRefreshToken(rotation);
      } catch (SessionStoreUnavailableException e) {
        if (fallbackMode == FallbackMode.DENY) {
          throw e;
        }
        outcome =
            journal
                .rotateLocally(
                    rotation, Optional.ofNullable(recentSessions.get(presented.sessionId())))
                .orElseThrow(() -> e);
        startReconciler();
      }
    }
    Instant now = clock.instant();
    if ((outcome.status() == RefreshRotation.Status.ROTATED
            || outcome.status() == RefreshRotation.Status.GRACE_RETRY)
        && journal.endedHere(outcome.session().orElseThrow())) {
      // e.g. a logout-all on this instance that the store has not been told of yet
      return Refresh.refused(Refresh.Status.SESSION_ENDED, Optional.empty());
    }
    switch (outcome.status()) {
      case ROTATED:
        return refreshed(outcome.session().orElseThrow(), next, client, now);
      case GRACE_RETRY:
        Optional<String> successor =
            RefreshTokens.unseal(presented.secret(), outcome.sealedNext().orElseThrow());
        if (successor.isEmpty()) {
          log.warn(
              "Sealed refresh successor of session {} did not open; refusing",
              presented.sessionId());
          return Refresh.refused(Refresh.Status.INVALID_TOKEN, Optional.empty());
        }
        return refreshed(outcome.session().orElseThrow(), successor.get(), client, now);
      case REUSE_DETECTED:
        Session stolen = outcome.session().orElseThrow();
        log.warn(
            "Refresh token reuse on session {} of user {}: session revoked",
            stolen.id(),
            stolen.userId());
        recentSessions.remove(stolen.id());
        emit(SessionEvent.Type.REFRESH_REUSE_DETECTED, stolen, client, now);
        emitRevoked(stolen, client, now, SessionEvent.RevocationReason.REFRESH_REUSE);
        return Refresh.refused(Refresh.Status.REUSE_DETECTED, Optional.of(stolen));
      case INVALID:
        return Refresh.refused(Refresh.Status.INVALID_TOKEN, Optional.empty());
      case SESSION_NOT_FOUND:
        return Refresh.refused(Refresh.Status.SESSION_ENDED, Optional.empty());
      default:
        throw new IllegalStateException("unknown rotation status " + outcome.status());
    }
  }

  private Refresh refreshed(Session session, String secret, ClientInfo client, Instant now) {
    AccessToken access = tokens.issue(session);
    RefreshToken refresh =
        new RefreshToken(
            new RefreshTokens.Parts(session.id(), secret).token(), session.expiresAt());
    emit(SessionEvent.Type.REFRESHED, session, client, now);
    return Refresh.refreshed(session, access, refresh);
  }

  /**
   * Ends one session, as its own logout.
   *
   * @return whether a live session was ended (or, during an outage in JWT-only mode, recorded as
   *     ended on this instance, to be written to the store when it is back)
   * @throws SessionStoreUnavailableException when the store cannot be reached in {@link
   *     FallbackMode#DENY}
   */
  public boolean logout(String sessionId, ClientInfo client) {
    return end(sessionId, client, SessionEvent.RevocationReason.LOGOUT);
  }

  private boolean end(String sessionId, ClientInfo client, SessionEvent.RevocationReason reason) {
    Instant now = clock.instant();
    recentSessions.remove(sessionId);
    Optional<Session> local = journal.pendingSession(sessionId);
    if (local.isPresent()) {
      // Its write may have reached the store even if it failed (a lost answer): end it there too.
      journal.recordSessionEnded(sessionId, refuseTokensUntil(now), local.get().expiresAt());
      startReconciler();
      emitRevoked(local.get(), client, now, reason);
      return true;
    }
    Optional<Session> ended;
    try {
      ended = store.revoke(sessionId);
    } catch (SessionStoreUnavailableException e) {
      if (fallbackMode == FallbackMode.DENY) {
        throw e;
      }
      journal.recordSessionEnded(sessionId, refuseTokensUntil(now), now.plus(sessionLifetime));
      startReconciler();
      log.warn(
          "Session store unreachable: end of session {} recorded on this instance, to be written when it is back",
          sessionId);
      return true;
    }
    journal.forget(sessionId);
    ended.ifPresent(s -> emitRevoked(s, client, now, reason));
    return ended.isPresent();
  }

  /**
   * Ends every session of the user ("log out everywhere").
   *
   * @return how many sessions were ended; during an outage in JWT-only mode, only those created on
   *     this instance during it (the rest are ended when the store is back)
   * @throws SessionStoreUnavailableException when the store cannot be reached in {@link
   *     FallbackMode#DENY}
   */
  public int logoutAll(String userId, ClientInfo client) {
    return endAll(userId, client, SessionEvent.RevocationReason.LOGOUT_ALL);
  }

  /**
   * Ends every session of the user on an operator's behalf; like {@link #logoutAll} but the events
   * say {@link SessionEvent.RevocationReason#REVOKED}.
   */
  public int revokeAll(String userId, ClientInfo client) {
    return endAll(userId, client, SessionEvent.RevocationReason.REVOKED);
  }

  private int endAll(String userId, ClientInfo client, SessionEvent.RevocationReason reason) {
    Instant now = clock.instant();
    List<Session> ended = new ArrayList<>();
    try {
      ended.addAll(store.revokeAllOfUser(userId));
    } catch (SessionStoreUnavailableException e) {
      if (fallbackMode == FallbackMode.DENY) {
        throw e;
      }
      List<Session> local =
          journal.recordUserEnded(userId, refuseTokensUntil(now), now.plus(sessionLifetime));
      recentSessions.values().removeIf(s -> s.userId().equals(userId));
      startReconciler();
      log.warn(
          "Session store unreachable: end of all sessions of user {} recorded on this instance, to be written when it is back",
          userId);
      local.forEach(s -> emitRevoked(s, client, now, reason));
      return local.size();
    }
    for (Session pending : journal.pendingSessionsOf(userId)) {
      journal.recordSessionEnded(pending.id(), refuseTokensUntil(now), pending.expiresAt());
      ended.add(pending);
    }
    for (Session session : ended) {
      recentSessions.remove(session.id());
      journal.forget(session.id());
      emitRevoked(session, client, now, reason);
    }
    return ended.size();
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
    Optional<Session> owned;
    try {
      owned = journal.pendingSession(sessionId).or(() -> store.find(sessionId));
    } catch (SessionStoreUnavailableException e) {
      if (fallbackMode == FallbackMode.DENY
          || !SessionIds.tagOf(sessionId).equals(Optional.of(SessionIds.userTag(userId)))) {
        throw e;
      }
      return end(sessionId, client, SessionEvent.RevocationReason.REVOKED);
    }
    return owned.filter(s -> s.userId().equals(userId)).isPresent()
        && end(sessionId, client, SessionEvent.RevocationReason.REVOKED);
  }

  /**
   * The user's live sessions, oldest first, including those created on this instance during an
   * outage that are not written to the store yet, and leaving out those it ended during an outage,
   * even before that end is written to the store.
   *
   * @throws SessionStoreUnavailableException when the store cannot be reached
   */
  public List<Session> sessions(String userId) {
    List<Session> pending = journal.pendingSessionsOf(userId);
    List<Session> stored = store.listByUser(userId);
    // an end recorded during an outage holds from the moment the store answers again, not only
    // once the outage record has been written (cheap when nothing was recorded)
    stored = stored.stream().filter(s -> !journal.endedHere(s)).toList();
    if (pending.isEmpty()) {
      return stored;
    }
    List<Session> all = new ArrayList<>(stored);
    for (Session session : pending) {
      if (all.stream().noneMatch(s -> s.id().equals(session.id()))) {
        all.add(session);
      }
    }
    all.sort(Comparator.comparing(Session::createdAt).thenComparing(Session::id));
    return all;
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
    return journal.hasWritesPending();
  }

  /**
   * Writes what this instance recorded during an outage to the store now, instead of waiting for
   * the next reconcile interval. Sessions created during the outage become real sessions (the
   * per-user limit applies then), rotations are replayed in order (so the store can still detect a
   * reused token), and recorded ends are applied. Each change is applied once; what fails because
   * the store is still unreachable is kept for the next attempt.
   *
   * @return whether everything recorded has been written
   */
  public boolean writeOutageRecord() {
    synchronized (reconcilerLock) {
      try {
        reconcile();
        return !journal.hasWritesPending();
      } catch (SessionStoreUnavailableException e) {
        return false;
      }
    }
  }

  private void reconcile() {
    Instant now = clock.instant();
    int created = 0;
    int replayed = 0;
    int ended = 0;
    for (OutageJournal.LocalSession local : journal.createdToWrite()) {
      Session session = local.session();
      SessionCreation creation =
          journal.whileLocked(
              () -> {
                if (journal.pendingSession(session.id()).isEmpty()
                    || !session.isLiveAt(clock.instant())) {
                  journal.createdWritten(session.id());
                  return null;
                }
                SessionCreation written;
                try {
                  written =
                      store.create(session, local.refresh().currentHash(), maxSessionsPerUser);
                } catch (IllegalArgumentException alreadyThere) {
                  // an earlier attempt was applied but its answer lost
                  written = new SessionCreation(session, List.of());
                }
                journal.createdWritten(session.id());
                return written;
              });
      if (creation != null) {
        created++;
        creation
            .evicted()
            .forEach(s -> emit(SessionEvent.Type.EVICTED, s, ClientInfo.unknown(), now));
      }
    }
    for (Map.Entry<String, OutageJournal.LocalRotations> entry : journal.rotationsToWrite()) {
      journal.whileLocked(
          () -> {
            replay(entry.getKey(), entry.getValue(), now);
            journal.rotationsWritten(entry.getKey(), entry.getValue());
            return null;
          });
      replayed++;
    }
    for (String sessionId : journal.endsToWrite()) {
      store
          .revoke(sessionId)
          .ifPresent(
              s -> emitRevoked(s, ClientInfo.unknown(), now, SessionEvent.RevocationReason.LOGOUT));
      journal.endWritten(sessionId);
      ended++;
    }
    for (Map.Entry<String, OutageJournal.UserEnd> entry : journal.userEndsToWrite().entrySet()) {
      for (Session session : store.listByUser(entry.getKey())) {
        if (!session.createdAt().isAfter(entry.getValue().endedAt())) {
          store
              .revoke(session.id())
              .ifPresent(
                  s ->
                      emitRevoked(
                          s, ClientInfo.unknown(), now, SessionEvent.RevocationReason.LOGOUT_ALL));
          ended++;
        }
      }
      journal.userEndWritten(entry.getKey(), entry.getValue());
    }
    if (created + replayed + ended > 0) {
      log.info(
          "Session store is back: wrote what happened during the outage: {} sessions created, {} sessions' refresh rotations, {} sessions ended",
          created,
          replayed,
          ended);
    }
  }

  private void replay(String sessionId, OutageJournal.LocalRotations local, Instant now) {
    for (RefreshRotation rotation : local.rotations()) {
      // the store judges it as if it were happening now: a token rotated away before the outage
      // is caught as reused, and a retry after a lost answer is a no-op
      RefreshRotation.Outcome outcome = store.rotateRefreshToken(rotation);
      switch (outcome.status()) {
        case ROTATED:
        case GRACE_RETRY:
          continue;
        case REUSE_DETECTED:
          Session stolen = outcome.session().orElseThrow();
          log.warn(
              "Refresh token reuse on session {} of user {} found when writing the outage record: session revoked",
              sessionId,
              stolen.userId());
          emit(SessionEvent.Type.REFRESH_REUSE_DETECTED, stolen, ClientInfo.unknown(), now);
          emitRevoked(
              stolen, ClientInfo.unknown(), now, SessionEvent.RevocationReason.REFRESH_REUSE);
          return;
        case INVALID:
          // refreshed during the outage with a token the session never had
          store
              .revoke(sessionId)
              .ifPresent(
                  s -> {
                    log.warn(
                        "Session {} was refreshed during the outage with a token it never had: session revoked",
                        sessionId);
                    emitRevoked(
                        s, ClientInfo.unknown(), now, SessionEvent.RevocationReason.REFRESH_REUSE);
                  });
          return;
        case SESSION_NOT_FOUND:
          log.warn(
              "Session {} refreshed during the outage is no longer in the store (ended, or lost by the store)",
              sessionId);
          return;
        default:
          throw new IllegalStateException("unknown rotation status " + outcome.status());
      }
    }
  }

  private void startReconciler() {
    synchronized (reconcilerLock) {
      if (reconciler != null || closed) {
        return;
      }
      reconciler =
          Executors.newSingleThreadScheduledExecutor(
              runnable -> {
                Thread thread = new Thread(runnable, "sessionkit-outage-writer");
                thread.setDaemon(true);
                return thread;
              });
      long period = reconcileInterval.toMillis();
      reconciler.scheduleWithFixedDelay(
          () -> {
            if (journal.hasWritesPending()) {
              try {
                writeOutageRecord();
              } catch (RuntimeException e) {
                log.warn("Writing the outage record failed; retrying in {} ms", period, e);
              }
            }
          },
          period,
          period,
          TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Stops the background writer of the outage record. Does not close the store, which belongs to
   * whoever built it.
   */
  @Override
  public void close() {
    synchronized (reconcilerLock) {
      closed = true;
      if (reconciler != null) {
        reconciler.shutdownNow();
      }
    }
  }

  private Instant refuseTokensUntil(Instant now) {
    return now.plus(tokens.accessTokenLifetime());
  }

  private void remember(Session session) {
    if (recentSessions.size() >= RECENT_SESSIONS) {
      // cheap, lock-free bound: forget about half, at random
      recentSessions.keySet().removeIf(id -> ThreadLocalRandom.current().nextBoolean());
    }
    recentSessions.put(session.id(), session);
  }

  private void emitRevoked(
      Session session, ClientInfo client, Instant at, SessionEvent.RevocationReason reason) {
    dispatch(new SessionEvent(SessionEvent.Type.REVOKED, at, session, client, Optional.of(reason)));
  }

  private void emit(SessionEvent.Type type, Session session, ClientInfo client, Instant at) {
    dispatch(new SessionEvent(type, at, session, client, Optional.empty()));
  }

  private void dispatch(SessionEvent event) {
    for (SessionListener listener : listeners) {
      try {
        listener.onEvent(event);
      } catch (RuntimeException e) {
        log.warn(
            "Session listener {} failed on {} of session {}",
            listener,
            event.type(),
            event.sessionId(),
            e);
      }
    }
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

    /** The source of session ids and refresh tokens. Default: a new {@link SecureRandom}. */
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
     * The most live sessions a user may have; a login beyond it evicts the oldest. 0 (the default)
     * for no limit.
     */
    public Builder maxSessionsPerUser(int max) {
      this.maxSessionsPerUser = Require.atLeast(max, 0, "maxSessionsPerUser");
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
     * Default: 100,000.
     */
    public Builder outageCapacity(int capacity) {
      this.outageCapacity = Require.atLeast(capacity, 0, "outageCapacity");
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
