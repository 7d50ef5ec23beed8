package io.sessionkit;

import io.sessionkit.internal.RefreshTokens;
import io.sessionkit.internal.SessionIds;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point adapters use: login, authenticate, refresh, logout, logout-all, revoke one,
 * list. Built with {@link #builder()} from a {@link SessionStore} and a {@link TokenService}.
 *
 * <p>Expected outcomes (a bad or expired token, an ended session, a reused refresh token) are
 * returned as values. While the store is unreachable, {@link #authenticate(String)} follows the
 * {@link FallbackMode}; the other operations throw {@link SessionStoreUnavailableException},
 * except that in {@link FallbackMode#JWT_ONLY} a logout or logout-all is recorded locally and
 * honoured by this instance at once.
 *
 * <p>Instances are immutable and thread-safe. Events go to the listeners after the store has
 * been changed, on the calling thread.
 */
public final class SessionManager {

  private static final Logger log = LoggerFactory.getLogger(SessionManager.class);

  private final SessionStore store;
  private final TokenService tokens;
  private final RevocationPolicy storePolicy;
  private final JwtOnlyRevocationPolicy fallbackPolicy;
  private final FallbackMode fallbackMode;
  private final Clock clock;
  private final SecureRandom random;
  private final Duration sessionLifetime;
  private final Duration idleTimeout;
  private final int maxSessionsPerUser;
  private final Duration refreshReuseGrace;
  private final List<SessionListener> listeners;
  private final List<AuthenticationListener> authenticationListeners;

  private SessionManager(Builder b) {
    this.store = b.store;
    this.tokens = b.tokens;
    this.storePolicy = RevocationPolicy.storeBacked(b.store, b.touchInterval);
    this.fallbackPolicy = new JwtOnlyRevocationPolicy(b.clock);
    this.fallbackMode = b.fallbackMode;
    this.clock = b.clock;
    this.random = b.random;
    this.sessionLifetime = b.sessionLifetime;
    this.idleTimeout = b.idleTimeout;
    this.maxSessionsPerUser = b.maxSessionsPerUser;
    this.refreshReuseGrace = b.refreshReuseGrace;
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
   * @throws SessionStoreUnavailableException when the store cannot be reached
   */
  public Login login(
      String userId, Set<String> roles, ClientInfo client, Map<String, String> attributes) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(roles, "roles");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(attributes, "attributes");
    boolean newDevice =
        store.listByUser(userId).stream()
            .noneMatch(existing -> existing.userAgent().equals(client.userAgent()));
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
    SessionCreation creation = store.create(draft, RefreshTokens.hash(secret), maxSessionsPerUser);
    Session session = creation.session();
    AccessToken access = tokens.issue(session);
    RefreshToken refresh =
        new RefreshToken(new RefreshTokens.Parts(session.id(), secret).token(), session.expiresAt());

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
   * activity recorded at most once per touch interval. Never throws for bad input.
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
    if (fallbackPolicy.isEnded(claims)) {
      return Authentication.sessionEnded(claims);
    }
    SessionCheck check;
    try {
      check = storePolicy.check(claims);
    } catch (SessionStoreUnavailableException e) {
      if (fallbackMode == FallbackMode.DENY) {
        return Authentication.storeUnavailable(claims);
      }
      check = fallbackPolicy.check(claims);
    }
    return check.live()
        ? Authentication.authenticated(claims, check.session())
        : Authentication.sessionEnded(claims);
  }

  /**
   * Exchanges a refresh token for a new access token and a rotated refresh token. Presenting an
   * already-rotated token revokes the session ({@link Refresh.Status#REUSE_DETECTED}), except
   * that the immediately previous token, retried within the reuse grace, gets the same rotated
   * token again.
   *
   * @throws SessionStoreUnavailableException when the store cannot be reached
   */
  public Refresh refresh(String refreshToken, ClientInfo client) {
    Optional<RefreshTokens.Parts> parsed = RefreshTokens.parse(refreshToken);
    if (parsed.isEmpty()) {
      return Refresh.refused(Refresh.Status.INVALID_TOKEN, Optional.empty());
    }
    RefreshTokens.Parts presented = parsed.get();
    String next = RefreshTokens.newSecret(random);
    RefreshRotation rotation =
        new RefreshRotation(
            presented.sessionId(),
            RefreshTokens.hash(presented.secret()),
            RefreshTokens.hash(next),
            RefreshTokens.seal(presented.secret(), next, random),
            refreshReuseGrace);
    RefreshRotation.Outcome outcome = store.rotateRefreshToken(rotation);
    Instant now = clock.instant();
    switch (outcome.status()) {
      case ROTATED:
        return refreshed(outcome.session().orElseThrow(), next, client, now);
      case GRACE_RETRY:
        Optional<String> successor =
            RefreshTokens.unseal(presented.secret(), outcome.sealedNext().orElseThrow());
        if (successor.isEmpty()) {
          log.warn("Sealed refresh successor of session {} did not open; refusing", presented.sessionId());
          return Refresh.refused(Refresh.Status.INVALID_TOKEN, Optional.empty());
        }
        return refreshed(outcome.session().orElseThrow(), successor.get(), client, now);
      case REUSE_DETECTED:
        Session stolen = outcome.session().orElseThrow();
        log.warn("Refresh token reuse on session {} of user {}: session revoked", stolen.id(), stolen.userId());
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
        new RefreshToken(new RefreshTokens.Parts(session.id(), secret).token(), session.expiresAt());
    emit(SessionEvent.Type.REFRESHED, session, client, now);
    return Refresh.refreshed(session, access, refresh);
  }

  /**
   * Ends one session, as its own logout.
   *
   * @return whether a live session was ended (or, during an outage in JWT-only mode, recorded
   *     as ended on this instance)
   * @throws SessionStoreUnavailableException when the store cannot be reached in {@link
   *     FallbackMode#DENY}
   */
  public boolean logout(String sessionId, ClientInfo client) {
    Instant now = clock.instant();
    Optional<Session> ended;
    try {
      ended = store.revoke(sessionId);
    } catch (SessionStoreUnavailableException e) {
      if (fallbackMode == FallbackMode.DENY) {
        throw e;
      }
      fallbackPolicy.recordSessionEnded(sessionId, now.plus(tokens.accessTokenLifetime()));
      log.warn("Session store unreachable: logout of session {} recorded on this instance only", sessionId);
      return true;
    }
    ended.ifPresent(s -> emitRevoked(s, client, now, SessionEvent.RevocationReason.LOGOUT));
    return ended.isPresent();
  }

  /**
   * Ends every session of the user ("log out everywhere").
   *
   * @return how many sessions were ended; 0 when the end was only recorded locally during an
   *     outage in JWT-only mode
   * @throws SessionStoreUnavailableException when the store cannot be reached in {@link
   *     FallbackMode#DENY}
   */
  public int logoutAll(String userId, ClientInfo client) {
    return endAll(userId, client, SessionEvent.RevocationReason.LOGOUT_ALL);
  }

  /**
   * Ends every session of the user on an operator's behalf; like {@link #logoutAll} but the
   * events say {@link SessionEvent.RevocationReason#REVOKED}.
   */
  public int revokeAll(String userId, ClientInfo client) {
    return endAll(userId, client, SessionEvent.RevocationReason.REVOKED);
  }

  private int endAll(String userId, ClientInfo client, SessionEvent.RevocationReason reason) {
    Instant now = clock.instant();
    List<Session> ended;
    try {
      ended = store.revokeAllOfUser(userId);
    } catch (SessionStoreUnavailableException e) {
      if (fallbackMode == FallbackMode.DENY) {
        throw e;
      }
      fallbackPolicy.recordUserEnded(userId, now, now.plus(tokens.accessTokenLifetime()));
      log.warn("Session store unreachable: end of all sessions of user {} recorded on this instance only", userId);
      return 0;
    }
    for (Session session : ended) {
      emitRevoked(session, client, now, reason);
    }
    return ended.size();
  }

  /**
   * Ends one of the user's sessions, e.g. from the user's device list or an operator's console.
   *
   * @return whether a live session of this user was ended; false for any other id
   * @throws SessionStoreUnavailableException when the store cannot be reached
   */
  public boolean revoke(String userId, String sessionId, ClientInfo client) {
    Optional<Session> owned = store.find(sessionId).filter(s -> s.userId().equals(userId));
    if (owned.isEmpty()) {
      return false;
    }
    Instant now = clock.instant();
    Optional<Session> ended = store.revoke(sessionId);
    ended.ifPresent(s -> emitRevoked(s, client, now, SessionEvent.RevocationReason.REVOKED));
    return ended.isPresent();
  }

  /**
   * The user's live sessions, oldest first.
   *
   * @throws SessionStoreUnavailableException when the store cannot be reached
   */
  public List<Session> sessions(String userId) {
    return store.listByUser(userId);
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
        log.warn("Session listener {} failed on {} of session {}", listener, event.type(), event.sessionId(), e);
      }
    }
  }

  /**
   * Builds a {@link SessionManager}. Every setter validates its argument at once; the built
   * manager is immutable. Not thread-safe.
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
      this.sessionLifetime = positive(lifetime, "sessionLifetime");
      return this;
    }

    /**
     * How long a session may go without a request before it ends; {@link Duration#ZERO} (the
     * default) for no idle timeout. Activity is recorded at most once per touch interval, so a
     * session may end up to one touch interval earlier than a strict idle timeout would say.
     */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = notNegative(idleTimeout, "idleTimeout");
      return this;
    }

    /** The least time between two writes of a session's last activity. Default: 1 minute. */
    public Builder touchInterval(Duration touchInterval) {
      this.touchInterval = notNegative(touchInterval, "touchInterval");
      return this;
    }

    /** The most live sessions a user may have; a login beyond it evicts the oldest. 0 (the default) for no limit. */
    public Builder maxSessionsPerUser(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxSessionsPerUser must be >= 0, but was " + max);
      }
      this.maxSessionsPerUser = max;
      return this;
    }

    /** How long after a rotation the previous refresh token may be retried. Default: 10 seconds. */
    public Builder refreshReuseGrace(Duration grace) {
      this.refreshReuseGrace = notNegative(grace, "refreshReuseGrace");
      return this;
    }

    /** What authentication does while the store is unreachable. Default: {@link FallbackMode#JWT_ONLY}. */
    public Builder fallbackMode(FallbackMode mode) {
      this.fallbackMode = Objects.requireNonNull(mode, "fallbackMode");
      return this;
    }

    /** Adds a listener for session events. */
    public Builder listener(SessionListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
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
        throw new IllegalStateException("tokenService is required: call tokenService(...) before build()");
      }
      if (!idleTimeout.isZero() && idleTimeout.compareTo(touchInterval) <= 0) {
        throw new IllegalStateException(
            "idleTimeout must be longer than touchInterval, but was " + idleTimeout + " <= " + touchInterval
                + ": activity would not be recorded before the session goes idle");
      }
      return new SessionManager(this);
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be > 0, but was " + value);
      }
      return value;
    }

    private static Duration notNegative(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative()) {
        throw new IllegalArgumentException(name + " must be >= 0, but was " + value);
      }
      return value;
    }
  }
}
