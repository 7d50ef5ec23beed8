package io.sessionkit.spring;

import io.sessionkit.FallbackMode;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;

/**
 * The {@code sessionkit.*} settings. They only feed the core builders, which check every value; a
 * value a builder refuses stops the start with a message naming the property, the rule and the fix.
 * A blank text value counts as unset, so {@code sessionkit.redis.url=${REDIS_URL:}} means "no
 * Redis" when the variable is missing. Durations take Boot's forms ({@code 15m}, {@code 7d}, {@code
 * 500ms}, {@code PT15M}); a plain number means seconds, except for {@code
 * sessionkit.redis.command-timeout} and {@code sessionkit.redis.connect-timeout}, where it means
 * milliseconds. See {@code docs/configuration.md}.
 *
 * <p>A mutable bean for Spring's binder; not thread-safe, and read only while the context starts.
 */
@ConfigurationProperties("sessionkit")
public class SessionKitProperties {

  /** Whether sessionkit is auto-configured at all. */
  private boolean enabled = true;

  /**
   * Refuse to start on what only suits a test instance: the in-memory session store (no Redis
   * configured), a random per-process JWT key (no sessionkit.jwt.secret), or cookies without Secure
   * (sessionkit.cookie.secure=false). Set it in production profiles.
   */
  private boolean production = false;

  /**
   * Lifetime of an access token (JWT), in whole seconds; it never outlives its session. A plain
   * number is seconds.
   */
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration accessTokenLifetime = Duration.ofMinutes(15);

  /**
   * Absolute lifetime of a session from login, which is also the refresh-token lifetime; a plain
   * number is seconds.
   */
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration sessionLifetime = Duration.ofDays(7);

  /**
   * How long a session may go without a request before it ends; 0 turns the idle timeout off. When
   * set, it must be longer than the touch interval. A plain number is seconds.
   */
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration idleTimeout = Duration.ZERO;

  /**
   * Least time between two writes of a session's last activity to the store; a plain number is
   * seconds.
   */
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration touchInterval = Duration.ofMinutes(1);

  /** Most live sessions per user; a new login evicts the oldest beyond it. 0 for no limit. */
  private int maxSessionsPerUser = 0;

  /**
   * How long after a rotation the immediately previous refresh token may be retried and get the
   * same rotated token again; any other reuse revokes the session. A plain number is seconds.
   */
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration refreshReuseGrace = Duration.ofSeconds(10);

  /**
   * What authentication does while the session store is unreachable: jwt-only accepts any valid JWT
   * (sessions ended on this instance during the outage stay ended), deny answers 503.
   */
  private FallbackMode fallback = FallbackMode.JWT_ONLY;

  /**
   * Origins (scheme://host[:port]) allowed to make cookie-authenticated unsafe requests (POST, PUT,
   * PATCH, DELETE) besides the app's own.
   */
  private List<String> allowedOrigins = new ArrayList<>();

  /**
   * Addresses of reverse proxies whose X-Forwarded-For header is believed when recording the client
   * IP. Empty: the connection's remote address is used.
   */
  private List<String> trustedProxies = new ArrayList<>();

  private final Jwt jwt = new Jwt();

  private final Cookie cookie = new Cookie();

  private final Paths paths = new Paths();

  private final Endpoints endpoints = new Endpoints();

  private final Redis redis = new Redis();

  private final NearCache nearCache = new NearCache();

  private final Outage outage = new Outage();

  private final Activity activity = new Activity();

  private final Throttle loginThrottle = new Throttle();

  private final SpringSecurity springSecurity = new SpringSecurity();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public boolean isProduction() {
    return production;
  }

  public void setProduction(boolean production) {
    this.production = production;
  }

  public Duration getAccessTokenLifetime() {
    return accessTokenLifetime;
  }

  public void setAccessTokenLifetime(Duration accessTokenLifetime) {
    this.accessTokenLifetime = accessTokenLifetime;
  }

  public Duration getSessionLifetime() {
    return sessionLifetime;
  }

  public void setSessionLifetime(Duration sessionLifetime) {
    this.sessionLifetime = sessionLifetime;
  }

  public Duration getIdleTimeout() {
    return idleTimeout;
  }

  public void setIdleTimeout(Duration idleTimeout) {
    this.idleTimeout = idleTimeout;
  }

  public Duration getTouchInterval() {
    return touchInterval;
  }

  public void setTouchInterval(Duration touchInterval) {
    this.touchInterval = touchInterval;
  }

  public int getMaxSessionsPerUser() {
    return maxSessionsPerUser;
  }

  public void setMaxSessionsPerUser(int maxSessionsPerUser) {
    this.maxSessionsPerUser = maxSessionsPerUser;
  }

  public Duration getRefreshReuseGrace() {
    return refreshReuseGrace;
  }

  public void setRefreshReuseGrace(Duration refreshReuseGrace) {
    this.refreshReuseGrace = refreshReuseGrace;
  }

  public FallbackMode getFallback() {
    return fallback;
  }

  public void setFallback(FallbackMode fallback) {
    this.fallback = fallback;
  }

  public List<String> getAllowedOrigins() {
    return allowedOrigins;
  }

  public void setAllowedOrigins(List<String> allowedOrigins) {
    this.allowedOrigins = allowedOrigins;
  }

  public List<String> getTrustedProxies() {
    return trustedProxies;
  }

  public void setTrustedProxies(List<String> trustedProxies) {
    this.trustedProxies = trustedProxies;
  }

  public Jwt getJwt() {
    return jwt;
  }

  public Cookie getCookie() {
    return cookie;
  }

  public Paths getPaths() {
    return paths;
  }

  public Endpoints getEndpoints() {
    return endpoints;
  }

  public Redis getRedis() {
    return redis;
  }

  public NearCache getNearCache() {
    return nearCache;
  }

  public Outage getOutage() {
    return outage;
  }

  public Activity getActivity() {
    return activity;
  }

  public Throttle getLoginThrottle() {
    return loginThrottle;
  }

  public SpringSecurity getSpringSecurity() {
    return springSecurity;
  }

  /** Access-token signing. {@link #toString()} never shows a secret. */
  public static class Jwt {

    /**
     * HMAC-SHA256 secret as text, at least 32 bytes in UTF-8; use random bytes, e.g. from "openssl
     * rand -base64 48". Unset: a random key per process, so tokens do not survive a restart and are
     * not accepted by other instances.
     */
    private @Nullable String secret;

    /** Key id written into each token's kid header: 1 to 64 of [A-Za-z0-9._-]. */
    private String keyId = "k1";

    /**
     * Earlier keys still accepted for verification (never for signing), for rotating the secret:
     * keep the old key here until every token it signed has expired.
     */
    private List<Key> previousKeys = new ArrayList<>();

    /** Issuer written into each token as iss and required on verification. Unset: none. */
    private @Nullable String issuer;

    /**
     * Audience written into each token as aud and required on verification, such as the API's URL,
     * so that a token minted for another service under a shared key is refused. Unset: none.
     */
    private @Nullable String audience;

    /**
     * How long after its expiry a token is still accepted, and how far in the future its iat may
     * be, in whole seconds (at most 5m); a plain number is seconds.
     */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration clockSkew = Duration.ofSeconds(30);

    public @Nullable String getSecret() {
      return secret;
    }

    public void setSecret(@Nullable String secret) {
      this.secret = secret;
    }

    public String getKeyId() {
      return keyId;
    }

    public void setKeyId(String keyId) {
      this.keyId = keyId;
    }

    public List<Key> getPreviousKeys() {
      return previousKeys;
    }

    public void setPreviousKeys(List<Key> previousKeys) {
      this.previousKeys = previousKeys;
    }

    public @Nullable String getIssuer() {
      return issuer;
    }

    public void setIssuer(@Nullable String issuer) {
      this.issuer = issuer;
    }

    public @Nullable String getAudience() {
      return audience;
    }

    public void setAudience(@Nullable String audience) {
      this.audience = audience;
    }

    public Duration getClockSkew() {
      return clockSkew;
    }

    public void setClockSkew(Duration clockSkew) {
      this.clockSkew = clockSkew;
    }

    @Override
    public String toString() {
      return "Jwt[keyId="
          + keyId
          + ", secret="
          + (secret == null ? "(unset)" : "(hidden)")
          + ", previousKeys="
          + previousKeys
          + ", issuer="
          + issuer
          + ", audience="
          + audience
          + ", clockSkew="
          + clockSkew
          + "]";
    }
  }

  /** A verification key: its id and secret. {@link #toString()} never shows the secret. */
  public static class Key {

    /** Key id that tokens signed with this key carry in their kid header. */
    private @Nullable String keyId;

    /** The key's HMAC-SHA256 secret as text, at least 32 bytes in UTF-8. */
    private @Nullable String secret;

    public @Nullable String getKeyId() {
      return keyId;
    }

    public void setKeyId(@Nullable String keyId) {
      this.keyId = keyId;
    }

    public @Nullable String getSecret() {
      return secret;
    }

    public void setSecret(@Nullable String secret) {
      this.secret = secret;
    }

    @Override
    public String toString() {
      return "Key[keyId=" + keyId + ", secret=" + (secret == null ? "(unset)" : "(hidden)") + "]";
    }
  }

  /** The access and refresh token cookies (always HttpOnly). */
  public static class Cookie {

    /** Whether the cookies carry the Secure attribute; turn off only for plain-HTTP development. */
    private boolean secure = true;

    /** The SameSite attribute: Strict, Lax or None (None needs secure=true). */
    private String sameSite = "Lax";

    /** The cookies' Path attribute (the refresh cookie's too, unless refresh-token-path is set). */
    private String path = "/";

    /**
     * The refresh cookie's own Path, so that the browser sends the long-lived refresh token to the
     * refresh endpoint only: the endpoint's full path, context path included. Unset: while the
     * session endpoints are on, server.servlet.context-path + sessionkit.endpoints.base-path +
     * "/refresh" (such as /api/v1/auth/refresh); otherwise the path above.
     */
    private @Nullable String refreshTokenPath;

    /**
     * Whether the cookie names get the strongest prefix their attributes allow, which browsers
     * enforce so that a sibling subdomain or a plain-HTTP page cannot plant or overwrite them:
     * __Host- for a cookie at path / without a domain, else __Secure- (by default
     * __Host-access_token and __Secure-refresh_token). Needs secure=true.
     */
    private boolean prefixedNames = false;

    /** The cookies' Domain attribute. Unset: host-only cookies. */
    private @Nullable String domain;

    /** Name of the cookie that carries the access token. */
    private String accessTokenName = "access_token";

    /** Name of the cookie that carries the refresh token. */
    private String refreshTokenName = "refresh_token";

    public boolean isSecure() {
      return secure;
    }

    public void setSecure(boolean secure) {
      this.secure = secure;
    }

    public String getSameSite() {
      return sameSite;
    }

    public void setSameSite(String sameSite) {
      this.sameSite = sameSite;
    }

    public String getPath() {
      return path;
    }

    public void setPath(String path) {
      this.path = path;
    }

    public @Nullable String getRefreshTokenPath() {
      return refreshTokenPath;
    }

    public void setRefreshTokenPath(@Nullable String refreshTokenPath) {
      this.refreshTokenPath = refreshTokenPath;
    }

    public boolean isPrefixedNames() {
      return prefixedNames;
    }

    public void setPrefixedNames(boolean prefixedNames) {
      this.prefixedNames = prefixedNames;
    }

    public @Nullable String getDomain() {
      return domain;
    }

    public void setDomain(@Nullable String domain) {
      this.domain = domain;
    }

    public String getAccessTokenName() {
      return accessTokenName;
    }

    public void setAccessTokenName(String accessTokenName) {
      this.accessTokenName = accessTokenName;
    }

    public String getRefreshTokenName() {
      return refreshTokenName;
    }

    public void setRefreshTokenName(String refreshTokenName) {
      this.refreshTokenName = refreshTokenName;
    }
  }

  /** Which request paths need a live session. */
  public static class Paths {

    /**
     * Paths that need an authenticated session: exact paths, or prefixes ending in "/**". Requests
     * to them without one get 401.
     */
    private List<String> protect = new ArrayList<>(List.of("/**"));

    /**
     * Paths that never need a session even when they match a protected pattern, such as the login
     * page and endpoint or /actuator/health. Same pattern form as protect.
     */
    private List<String> permit = new ArrayList<>();

    public List<String> getProtect() {
      return protect;
    }

    public void setProtect(List<String> protect) {
      this.protect = protect;
    }

    public List<String> getPermit() {
      return permit;
    }

    public void setPermit(List<String> permit) {
      this.permit = permit;
    }
  }

  /** The built-in refresh, logout, logout-all and session-list endpoints. */
  public static class Endpoints {

    /** Whether the endpoints are served. */
    private boolean enabled = true;

    /** Path the endpoints live under: {base}/refresh, {base}/logout and so on. */
    private String basePath = "/api/v1/auth";

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getBasePath() {
      return basePath;
    }

    public void setBasePath(String basePath) {
      this.basePath = basePath;
    }
  }

  /** Each user's activity feed (logins, logouts, revocations, new devices, token reuse). */
  public static class Activity {

    /** Whether to keep the feed; off, no ActivityLog bean is created. */
    private boolean enabled = true;

    /** Most entries kept per user; older ones are dropped. */
    private int maxEntriesPerUser = 100;

    /** How long a user's feed is kept after its newest entry; a plain number is seconds. */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration retention = Duration.ofDays(7);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public int getMaxEntriesPerUser() {
      return maxEntriesPerUser;
    }

    public void setMaxEntriesPerUser(int maxEntriesPerUser) {
      this.maxEntriesPerUser = maxEntriesPerUser;
    }

    public Duration getRetention() {
      return retention;
    }

    public void setRetention(Duration retention) {
      this.retention = retention;
    }

    @Override
    public String toString() {
      return "Activity[enabled="
          + enabled
          + ", maxEntriesPerUser="
          + maxEntriesPerUser
          + ", retention="
          + retention
          + "]";
    }
  }

  /** The login throttle an application asks before checking a password. */
  public static class Throttle {

    /** Login attempts allowed per account from one client address within a window. */
    private int maxFailures = 5;

    /**
     * Login attempts allowed per account from all addresses together within a window; 0 for ten
     * times max-failures.
     */
    private int maxPerAccount = 0;

    /**
     * Login attempts allowed from one address at all accounts together within a window; 0 for
     * twenty times max-failures.
     */
    private int maxPerAddress = 0;

    /** How long a window lasts, counted from its first attempt; a plain number is seconds. */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration window = Duration.ofSeconds(60);

    public int getMaxFailures() {
      return maxFailures;
    }

    public void setMaxFailures(int maxFailures) {
      this.maxFailures = maxFailures;
    }

    public int getMaxPerAccount() {
      return maxPerAccount;
    }

    public void setMaxPerAccount(int maxPerAccount) {
      this.maxPerAccount = maxPerAccount;
    }

    public int getMaxPerAddress() {
      return maxPerAddress;
    }

    public void setMaxPerAddress(int maxPerAddress) {
      this.maxPerAddress = maxPerAddress;
    }

    public Duration getWindow() {
      return window;
    }

    public void setWindow(Duration window) {
      this.window = window;
    }

    @Override
    public String toString() {
      return "Throttle[maxFailures="
          + maxFailures
          + ", maxPerAccount="
          + maxPerAccount
          + ", maxPerAddress="
          + maxPerAddress
          + ", window="
          + window
          + "]";
    }
  }

  /** What this instance keeps while the store is unreachable in jwt-only mode. */
  public static class Outage {

    /**
     * How often, once the store answers again, what happened during an outage is written to it; a
     * plain number is seconds.
     */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration reconcileInterval = Duration.ofSeconds(1);

    /**
     * Most logins and refreshed sessions held on this instance during an outage; beyond it, logins
     * and refreshes are refused as in deny mode.
     */
    private int capacity = 100_000;

    public Duration getReconcileInterval() {
      return reconcileInterval;
    }

    public void setReconcileInterval(Duration reconcileInterval) {
      this.reconcileInterval = reconcileInterval;
    }

    public int getCapacity() {
      return capacity;
    }

    public void setCapacity(int capacity) {
      this.capacity = capacity;
    }

    @Override
    public String toString() {
      return "Outage[reconcileInterval=" + reconcileInterval + ", capacity=" + capacity + "]";
    }
  }

  /**
   * The Redis session store. {@link #toString()} never shows the URL, which may hold a password.
   */
  public static class Redis {

    /**
     * Redis to keep sessions in: redis://[user:password@]host:port/db, rediss://... for TLS, or
     * redis-sentinel://host:port#master. Unset: spring.data.redis.* when set, else an in-memory
     * store.
     */
    private @Nullable String url;

    /** A Redis Cluster instead of one server. */
    private final Cluster cluster = new Cluster();

    /**
     * Most time one Redis command may take before the store counts as unavailable; a plain number
     * is milliseconds.
     */
    @DurationUnit(ChronoUnit.MILLIS)
    private Duration commandTimeout = Duration.ofMillis(500);

    /**
     * How long a login, a refresh or a revocation (logout, revoke, logout everywhere, eviction,
     * refresh-token theft) waits for a replica to confirm it (WAIT 1) when the master has replicas,
     * so that it survives a failover; not confirmed in time, it is acknowledged anyway and counted
     * in a warning. 0: no wait. Below command-timeout; a plain number is milliseconds. Unset:
     * 200ms, or half the command timeout when that is shorter.
     */
    @DurationUnit(ChronoUnit.MILLIS)
    private @Nullable Duration replicaWait;

    /** Most time opening a Redis connection may take; a plain number is milliseconds. */
    @DurationUnit(ChronoUnit.MILLIS)
    private Duration connectTimeout = Duration.ofSeconds(1);

    /**
     * Failures in a row after which the circuit breaker opens: calls then fail at once, without
     * waiting for a timeout, until a background probe gets an answer.
     */
    private int failureThreshold = 2;

    /**
     * How often the open circuit breaker asks Redis whether it is back; a plain number is seconds.
     */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration probeInterval = Duration.ofMillis(500);

    /**
     * Secret (at least 32 bytes in UTF-8) under which each session id's user tag is an HMAC of the
     * user id, so that session ids neither link one user's sessions nor confirm a guessed user id.
     * The same on every instance, and never changed while sessions live (that orphans them). Unset:
     * an unkeyed tag (see docs/SECURITY.md).
     */
    private @Nullable String userTagSecret;

    public @Nullable String getUrl() {
      return url;
    }

    public void setUrl(@Nullable String url) {
      this.url = url;
    }

    public Cluster getCluster() {
      return cluster;
    }

    public Duration getCommandTimeout() {
      return commandTimeout;
    }

    public void setCommandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
    }

    public @Nullable Duration getReplicaWait() {
      return replicaWait;
    }

    public void setReplicaWait(@Nullable Duration replicaWait) {
      this.replicaWait = replicaWait;
    }

    public Duration getConnectTimeout() {
      return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
    }

    public int getFailureThreshold() {
      return failureThreshold;
    }

    public void setFailureThreshold(int failureThreshold) {
      this.failureThreshold = failureThreshold;
    }

    public Duration getProbeInterval() {
      return probeInterval;
    }

    public void setProbeInterval(Duration probeInterval) {
      this.probeInterval = probeInterval;
    }

    public @Nullable String getUserTagSecret() {
      return userTagSecret;
    }

    public void setUserTagSecret(@Nullable String userTagSecret) {
      this.userTagSecret = userTagSecret;
    }

    @Override
    public String toString() {
      return "Redis[url="
          + (url == null ? "(unset)" : "(hidden)")
          + ", cluster.nodes="
          + (cluster.getNodes().isEmpty() ? "(unset)" : "(hidden)")
          + ", commandTimeout="
          + commandTimeout
          + ", replicaWait="
          + (replicaWait == null ? "(default)" : replicaWait)
          + ", connectTimeout="
          + connectTimeout
          + ", failureThreshold="
          + failureThreshold
          + ", probeInterval="
          + probeInterval
          + ", userTagSecret="
          + (userTagSecret == null ? "(unset)" : "(hidden)")
          + "]";
    }
  }

  /** A Redis Cluster to keep sessions in. */
  public static class Cluster {

    /**
     * Nodes of a Redis Cluster to keep sessions in, instead of sessionkit.redis.url: host:port, or
     * redis://[user:password@]host:port (rediss:// for TLS) when the cluster needs credentials. A
     * few nodes suffice; all must belong to the same cluster. Unset:
     * spring.data.redis.cluster.nodes when set.
     */
    private List<String> nodes = new ArrayList<>();

    public List<String> getNodes() {
      return nodes;
    }

    public void setNodes(List<String> nodes) {
      this.nodes = nodes;
    }
  }

  /**
   * Live-session verdicts kept on each instance and dropped when Redis says one changed (RESP3
   * client tracking), so that most requests cost no Redis round trip; see docs/performance.md.
   */
  public static class NearCache {

    /**
     * Whether to keep verdicts on this instance. Off: every request is checked against Redis. Needs
     * the Redis store, Redis 6 or newer.
     */
    private boolean enabled = false;

    /**
     * Longest time one verdict is trusted, whatever happens to the connection that receives the
     * invalidations; the bound on staleness should one be lost unnoticed. A plain number is
     * seconds; at most 1m.
     */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration maxAge = Duration.ofSeconds(5);

    /** Most sessions whose verdicts are kept; beyond it, the least used are dropped. */
    private int maxEntries = 100_000;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Duration getMaxAge() {
      return maxAge;
    }

    public void setMaxAge(Duration maxAge) {
      this.maxAge = maxAge;
    }

    public int getMaxEntries() {
      return maxEntries;
    }

    public void setMaxEntries(int maxEntries) {
      this.maxEntries = maxEntries;
    }

    @Override
    public String toString() {
      return "NearCache[enabled="
          + enabled
          + ", maxAge="
          + maxAge
          + ", maxEntries="
          + maxEntries
          + "]";
    }
  }

  /** The bridge into Spring Security, used only when Spring Security is on the class path. */
  public static class SpringSecurity {

    /**
     * Whether an authenticated session becomes a Spring Security Authentication
     * (SessionKitAuthenticationToken) in the SecurityContext.
     */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }
}
