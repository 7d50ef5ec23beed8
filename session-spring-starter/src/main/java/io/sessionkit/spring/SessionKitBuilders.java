package io.sessionkit.spring;

import io.sessionkit.ActivityLog;
import io.sessionkit.AuthenticationListener;
import io.sessionkit.LoginThrottle;
import io.sessionkit.SessionListener;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStore;
import io.sessionkit.TokenService;
import io.sessionkit.jwt.JwtTokenService;
import io.sessionkit.jwt.SigningKey;
import io.sessionkit.memory.InMemorySessionStore;
import io.sessionkit.redis.RedisSessionStore;
import io.sessionkit.servlet.ClientInfoResolver;
import io.sessionkit.servlet.PathRules;
import io.sessionkit.servlet.SessionAuthenticationFilter;
import io.sessionkit.servlet.SessionCookies;
import io.sessionkit.servlet.SessionEndpoints;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps {@link SessionKitProperties} onto the core and servlet builders, one {@link Setting} per
 * property: the builders check every value, and a value they refuse stops the start with {@link
 * InvalidSessionKitConfigurationException} naming the property and the fix. Nothing is checked here
 * that a builder checks.
 */
final class SessionKitBuilders {

  private static final Logger log = LoggerFactory.getLogger(SessionKitBuilders.class);

  private static final String POSITIVE = "set a positive duration, e.g. ";
  private static final String NOT_NEGATIVE = "set a duration, e.g. ";
  private static final String KEY_ID_FIX =
      "use a short name of [A-Za-z0-9._-] such as k1 or 2025-06: the key id tokens signed with"
          + " the key carry";

  static final Setting ACCESS_TOKEN_LIFETIME =
      new Setting(
          "sessionkit.access-token-lifetime",
          "accessTokenLifetime",
          POSITIVE + "15m, in whole seconds (JWT times are)");
  static final Setting CLOCK_SKEW =
      new Setting(
          "sessionkit.jwt.clock-skew",
          "clockSkew",
          "set the largest clock difference expected between machines in whole seconds, at most"
              + " 5m, e.g. 30s");
  static final Setting ISSUER =
      new Setting("sessionkit.jwt.issuer", "issuer", "set the issuer URL, or leave it unset");
  static final Setting AUDIENCE =
      new Setting(
          "sessionkit.jwt.audience",
          "audience",
          "set the audience the tokens are for, such as the API's URL, or leave it unset");
  static final Setting USER_TAG_SECRET =
      new Setting(
          "sessionkit.redis.user-tag-secret",
          "userTagSecret",
          "use a random secret of 32+ bytes, e.g. the output of `openssl rand -base64 48`, the"
              + " same on every instance, or leave it unset");
  static final Setting REFRESH_TOKEN_PATH =
      new Setting(
          "sessionkit.cookie.refresh-token-path",
          "refreshTokenPath",
          "use the refresh endpoint's full path, such as /api/v1/auth/refresh, or leave it unset");
  static final Setting SESSION_LIFETIME =
      new Setting("sessionkit.session-lifetime", "sessionLifetime", POSITIVE + "7d");
  static final Setting IDLE_TIMEOUT =
      new Setting(
          "sessionkit.idle-timeout", "idleTimeout", NOT_NEGATIVE + "30m, or 0 for no idle timeout");
  static final Setting TOUCH_INTERVAL =
      new Setting("sessionkit.touch-interval", "touchInterval", NOT_NEGATIVE + "1m");
  static final Setting MAX_SESSIONS_PER_USER =
      new Setting(
          "sessionkit.max-sessions-per-user",
          "maxSessionsPerUser",
          "use 0 for no limit, or the most live sessions one user may have");
  static final Setting REFRESH_REUSE_GRACE =
      new Setting(
          "sessionkit.refresh-reuse-grace", "refreshReuseGrace", NOT_NEGATIVE + "10s, or 0s");
  static final Setting FALLBACK =
      new Setting("sessionkit.fallback", "fallbackMode", "use jwt-only or deny");
  static final Setting RECONCILE_INTERVAL =
      new Setting("sessionkit.outage.reconcile-interval", "reconcileInterval", POSITIVE + "1s");
  static final Setting OUTAGE_CAPACITY =
      new Setting(
          "sessionkit.outage.capacity",
          "outageCapacity",
          "use the most logins and refreshed sessions to hold during an outage, e.g. 100000");
  static final Setting COMMAND_TIMEOUT =
      new Setting("sessionkit.redis.command-timeout", "commandTimeout", POSITIVE + "500ms");
  static final Setting CONNECT_TIMEOUT =
      new Setting("sessionkit.redis.connect-timeout", "connectTimeout", POSITIVE + "1s");
  static final Setting FAILURE_THRESHOLD =
      new Setting(
          "sessionkit.redis.failure-threshold",
          "failureThreshold",
          "use the number of failures in a row that opens the circuit breaker, e.g. 2");
  static final Setting REPLICA_WAIT =
      new Setting(
          "sessionkit.redis.replica-wait",
          "replicaWait",
          "use a duration below sessionkit.redis.command-timeout, e.g. 200ms, or 0 for none");
  static final Setting PROBE_INTERVAL =
      new Setting("sessionkit.redis.probe-interval", "probeInterval", POSITIVE + "500ms");
  static final Setting NEAR_CACHE_MAX_AGE =
      new Setting("sessionkit.near-cache.max-age", "nearCacheMaxAge", POSITIVE + "5s, at most 1m");
  static final Setting NEAR_CACHE_MAX_ENTRIES =
      new Setting(
          "sessionkit.near-cache.max-entries",
          "nearCacheMaxEntries",
          "use the most sessions whose verdicts each instance keeps, e.g. 100000");
  static final Setting ACTIVITY_MAX_ENTRIES =
      new Setting(
          "sessionkit.activity.max-entries-per-user",
          "maxEntriesPerUser",
          "use the number of entries to keep per user, e.g. 100");
  static final Setting ACTIVITY_RETENTION =
      new Setting("sessionkit.activity.retention", "retention", POSITIVE + "7d");
  static final Setting THROTTLE_MAX_FAILURES =
      new Setting(
          "sessionkit.login-throttle.max-failures",
          "maxAttempts",
          "use the failed logins allowed per window, e.g. 5");
  static final Setting THROTTLE_WINDOW =
      new Setting("sessionkit.login-throttle.window", "window", POSITIVE + "60s");
  static final Setting THROTTLE_MAX_PER_ACCOUNT =
      new Setting(
          "sessionkit.login-throttle.max-per-account",
          "perAccount",
          "use 0 for ten times max-failures, or the attempts allowed per account from all"
              + " addresses, at least max-failures");
  static final Setting THROTTLE_MAX_PER_ADDRESS =
      new Setting(
          "sessionkit.login-throttle.max-per-address",
          "perAddress",
          "use 0 for twenty times max-failures, or the attempts allowed per address at all"
              + " accounts, at least max-failures");

  private SessionKitBuilders() {}

  /** The HS256 token service from {@code sessionkit.jwt.*} and the access-token lifetime. */
  static TokenService tokenService(SessionKitProperties properties, Clock clock) {
    SessionKitProperties.Jwt jwt = properties.getJwt();
    JwtTokenService.Builder builder = JwtTokenService.builder().clock(clock);
    ACCESS_TOKEN_LIFETIME.apply(
        () -> builder.accessTokenLifetime(properties.getAccessTokenLifetime()));
    CLOCK_SKEW.apply(() -> builder.clockSkew(jwt.getClockSkew()));
    String secret = resolved("sessionkit.jwt.secret", text(jwt.getSecret()));
    if (secret == null && properties.isProduction()) {
      throw new InvalidSessionKitConfigurationException(
          "sessionkit.production=true, but sessionkit.jwt.secret is not set: tokens would be"
              + " signed with a random key of this process, refused after a restart and by every"
              + " other instance",
          "set sessionkit.jwt.secret to 32+ random bytes, e.g. the output of `openssl rand"
              + " -base64 48`");
    }
    builder.signingKey(
        secret != null
            ? signingKey(
                "sessionkit.jwt", resolved("sessionkit.jwt.key-id", jwt.getKeyId()), secret)
            : randomKey(jwt.getKeyId()));
    List<SigningKey> previous = new ArrayList<>();
    List<SessionKitProperties.Key> previousKeys = jwt.getPreviousKeys();
    for (int i = 0; i < previousKeys.size(); i++) {
      SessionKitProperties.Key key = previousKeys.get(i);
      String prefix = "sessionkit.jwt.previous-keys[" + i + "]";
      previous.add(
          signingKey(
              prefix,
              resolved(prefix + ".key-id", key.getKeyId()),
              resolved(prefix + ".secret", text(key.getSecret()))));
    }
    new Setting(
            "sessionkit.jwt.previous-keys",
            "verificationKeys",
            "a key id must name one secret: give each rotated-out key its own key-id, different"
                + " from sessionkit.jwt.key-id unless the secret is the same")
        .apply(() -> builder.verificationKeys(previous));
    String issuer = text(jwt.getIssuer());
    if (issuer != null) {
      ISSUER.apply(() -> builder.issuer(issuer));
    }
    String audience = text(jwt.getAudience());
    if (audience != null) {
      AUDIENCE.apply(() -> builder.audience(audience));
    }
    return builder.build();
  }

  // Both settings go to SigningKey in one call: its messages name keyId or secret, never a value,
  // so a key id and a secret set the wrong way round do not print the secret.
  private static SigningKey signingKey(
      String prefix, @Nullable String keyId, @Nullable String secret) {
    return Setting.apply(
        () -> SigningKey.hmacSha256(keyId, secret),
        new Setting(prefix + ".key-id", "keyId", KEY_ID_FIX),
        new Setting(
            prefix + ".secret",
            "secret",
            "use a random secret of 32+ bytes, e.g. the output of `openssl rand -base64 48`"));
  }

  private static SigningKey randomKey(@Nullable String keyId) {
    byte[] secret = new byte[48];
    new SecureRandom().nextBytes(secret);
    SigningKey key =
        new Setting("sessionkit.jwt.key-id", "keyId", KEY_ID_FIX)
            .apply(() -> SigningKey.hmacSha256(keyId, secret));
    log.warn(
        "sessionkit: sessionkit.jwt.secret is not set: signing access tokens with a random key"
            + " for this process only. Tokens will not survive a restart or work across"
            + " instances; set sessionkit.jwt.secret (SESSIONKIT_JWT_SECRET) to 32+ random bytes.");
    return key;
  }

  /** The manager from the lifetimes, limits and fallback mode, with the context's listeners. */
  static SessionManager sessionManager(
      SessionKitProperties properties,
      SessionStore store,
      TokenService tokens,
      Clock clock,
      Stream<SessionListener> listeners,
      Stream<AuthenticationListener> authenticationListeners) {
    if (properties.isProduction() && store instanceof InMemorySessionStore) {
      throw new InvalidSessionKitConfigurationException(
          "sessionkit.production=true, but sessions are kept in memory: no Redis is configured"
              + " (sessionkit.redis.url or spring.data.redis.*), so sessions would be lost on"
              + " restart and not seen by other instances",
          "set sessionkit.redis.url, e.g. redis://redis.internal:6379");
    }
    SessionKitProperties.Outage outage = properties.getOutage();
    SessionManager.Builder builder =
        SessionManager.builder().store(store).tokenService(tokens).clock(clock);
    SESSION_LIFETIME.apply(() -> builder.sessionLifetime(properties.getSessionLifetime()));
    IDLE_TIMEOUT.apply(() -> builder.idleTimeout(properties.getIdleTimeout()));
    TOUCH_INTERVAL.apply(() -> builder.touchInterval(properties.getTouchInterval()));
    MAX_SESSIONS_PER_USER.apply(
        () -> builder.maxSessionsPerUser(properties.getMaxSessionsPerUser()));
    REFRESH_REUSE_GRACE.apply(() -> builder.refreshReuseGrace(properties.getRefreshReuseGrace()));
    FALLBACK.apply(() -> builder.fallbackMode(properties.getFallback()));
    RECONCILE_INTERVAL.apply(() -> builder.reconcileInterval(outage.getReconcileInterval()));
    OUTAGE_CAPACITY.apply(() -> builder.outageCapacity(outage.getCapacity()));
    listeners.forEach(builder::listener);
    authenticationListeners.forEach(builder::authenticationListener);
    // build() checks the idle timeout against the touch interval
    return Setting.apply(
        builder::build,
        new Setting(
            IDLE_TIMEOUT.property(),
            IDLE_TIMEOUT.setting(),
            "raise sessionkit.idle-timeout, lower sessionkit.touch-interval, or set"
                + " sessionkit.idle-timeout=0 to turn the idle timeout off"),
        TOUCH_INTERVAL);
  }

  /**
   * The activity log from {@code sessionkit.activity.*}: {@code create} gets the most entries per
   * user and the retention, and is the backend's factory, which checks them.
   */
  static <T extends ActivityLog> T activityLog(
      SessionKitProperties properties, BiFunction<Integer, Duration, T> create) {
    SessionKitProperties.Activity activity = properties.getActivity();
    return Setting.apply(
        () -> create.apply(activity.getMaxEntriesPerUser(), activity.getRetention()),
        ACTIVITY_MAX_ENTRIES,
        ACTIVITY_RETENTION);
  }

  /**
   * The login throttle from {@code sessionkit.login-throttle.*}: {@code create} is the backend's
   * factory; {@link LoginThrottle.Limits} checks the numbers.
   */
  static <T extends LoginThrottle> T loginThrottle(
      SessionKitProperties properties, Function<LoginThrottle.Limits, T> create) {
    SessionKitProperties.Throttle throttle = properties.getLoginThrottle();
    LoginThrottle.Limits defaults =
        Setting.apply(
            () -> LoginThrottle.Limits.of(throttle.getMaxFailures(), throttle.getWindow()),
            THROTTLE_MAX_FAILURES,
            THROTTLE_WINDOW);
    LoginThrottle.Limits limits =
        Setting.apply(
            () ->
                new LoginThrottle.Limits(
                    defaults.perAccountAndAddress(),
                    throttle.getMaxPerAccount() == 0
                        ? defaults.perAccount()
                        : throttle.getMaxPerAccount(),
                    throttle.getMaxPerAddress() == 0
                        ? defaults.perAddress()
                        : throttle.getMaxPerAddress(),
                    defaults.window()),
            THROTTLE_MAX_PER_ACCOUNT,
            THROTTLE_MAX_PER_ADDRESS);
    return create.apply(limits);
  }

  /**
   * The Redis store's settings from {@code sessionkit.redis.*} and {@code sessionkit.near-cache.*},
   * on a builder that has its URI.
   */
  static RedisSessionStore redisStore(
      RedisSessionStore.Builder builder, SessionKitProperties properties, Clock clock) {
    SessionKitProperties.Redis redis = properties.getRedis();
    builder.clock(clock);
    COMMAND_TIMEOUT.apply(() -> builder.commandTimeout(redis.getCommandTimeout()));
    CONNECT_TIMEOUT.apply(() -> builder.connectTimeout(redis.getConnectTimeout()));
    FAILURE_THRESHOLD.apply(() -> builder.failureThreshold(redis.getFailureThreshold()));
    PROBE_INTERVAL.apply(() -> builder.probeInterval(redis.getProbeInterval()));
    String userTagSecret = text(redis.getUserTagSecret());
    if (userTagSecret != null) {
      // its messages name the setting and the rule, never the secret
      USER_TAG_SECRET.apply(
          () -> builder.userTagSecret(userTagSecret.getBytes(StandardCharsets.UTF_8)));
    }
    Duration replicaWait = redis.getReplicaWait();
    if (replicaWait != null) {
      REPLICA_WAIT.apply(() -> builder.replicaWait(replicaWait));
    }
    SessionKitProperties.NearCache nearCache = properties.getNearCache();
    if (nearCache.isEnabled()) {
      Setting.apply(
          () -> builder.nearCache(nearCache.getMaxAge(), nearCache.getMaxEntries()),
          NEAR_CACHE_MAX_AGE,
          NEAR_CACHE_MAX_ENTRIES);
    }
    return builder.build();
  }

  /**
   * The cookie settings from {@code sessionkit.cookie.*}; unless {@code refresh-token-path} is set,
   * the refresh cookie is scoped to the refresh endpoint under {@code contextPath} while the
   * endpoints are on.
   */
  static SessionCookies cookies(SessionKitProperties properties, Clock clock, String contextPath) {
    SessionKitProperties.Cookie cookie = properties.getCookie();
    SessionCookies.Builder builder = SessionCookies.builder().clock(clock);
    new Setting(
            "sessionkit.cookie.access-token-name",
            "accessTokenName",
            "use a cookie name such as access_token")
        .apply(() -> builder.accessTokenName(strip(cookie.getAccessTokenName())));
    new Setting(
            "sessionkit.cookie.refresh-token-name",
            "refreshTokenName",
            "use a cookie name such as refresh_token")
        .apply(() -> builder.refreshTokenName(strip(cookie.getRefreshTokenName())));
    if (properties.isProduction() && !cookie.isSecure()) {
      throw new InvalidSessionKitConfigurationException(
          "sessionkit.production=true, but sessionkit.cookie.secure=false: browsers would send"
              + " the session cookies over plain http",
          "remove sessionkit.cookie.secure=false (behind a TLS-terminating proxy the cookies"
              + " still need Secure)");
    }
    builder.secure(cookie.isSecure());
    new Setting("sessionkit.cookie.same-site", "sameSite", "use Strict, Lax or None")
        .apply(() -> builder.sameSite(strip(cookie.getSameSite())));
    new Setting("sessionkit.cookie.path", "path", "use a path starting with /, such as /")
        .apply(() -> builder.path(strip(cookie.getPath())));
    String refreshTokenPath = text(cookie.getRefreshTokenPath());
    String basePath = strip(properties.getEndpoints().getBasePath());
    // an invalid base path is reported as such when the endpoints are built
    if (refreshTokenPath == null
        && properties.getEndpoints().isEnabled()
        && basePath.startsWith("/")) {
      String context = strip(contextPath);
      refreshTokenPath =
          (context.endsWith("/") ? context.substring(0, context.length() - 1) : context)
              + basePath
              + "/refresh";
    }
    if (refreshTokenPath != null) {
      String scoped = refreshTokenPath;
      REFRESH_TOKEN_PATH.apply(() -> builder.refreshTokenPath(scoped));
    }
    builder.prefixedNames(cookie.isPrefixedNames());
    String domain = text(cookie.getDomain());
    if (domain != null) {
      new Setting(
              "sessionkit.cookie.domain",
              "domain",
              "use a host name such as example.com, or leave it unset for host-only cookies")
          .apply(() -> builder.domain(domain));
    }
    // build() checks the settings together; its messages name builder settings, not properties
    return new Setting(
            "sessionkit.cookie",
            "SessionCookies",
            "SameSite=None needs sessionkit.cookie.secure=true, the two cookie names must differ,"
                + " and __Host-/__Secure- names and prefixed-names=true need secure=true (and"
                + " path=/ without a domain for __Host-; prefixed-names adds the prefix itself)")
        .apply(builder::build);
  }

  /**
   * The path rules from {@code sessionkit.paths.*}, plus {@code extraPermits} (the refresh
   * endpoint, which authenticates with the refresh cookie rather than an access token).
   */
  static PathRules pathRules(SessionKitProperties properties, List<String> extraPermits) {
    PathRules.Builder builder = PathRules.builder();
    String fix = "use exact paths such as /api/v1/auth/login or prefixes such as /api/**";
    Setting protect = new Setting("sessionkit.paths.protect", "protect", fix);
    Setting permit = new Setting("sessionkit.paths.permit", "permit", fix);
    for (String pattern : texts(properties.getPaths().getProtect())) {
      protect.apply(() -> builder.protect(pattern));
    }
    for (String pattern : texts(properties.getPaths().getPermit())) {
      permit.apply(() -> builder.permit(pattern));
    }
    builder.permit(extraPermits.toArray(String[]::new));
    return builder.build();
  }

  /** {@link ClientInfoResolver#direct()}, or trusting {@code sessionkit.trusted-proxies}. */
  static ClientInfoResolver clientInfo(SessionKitProperties properties) {
    List<String> proxies = texts(properties.getTrustedProxies());
    return new Setting(
            "sessionkit.trusted-proxies",
            "trustedProxies",
            "list IP addresses or CIDR blocks, such as 10.0.0.5 or 10.0.0.0/8")
        .apply(() -> ClientInfoResolver.trusting(proxies));
  }

  /** The authentication filter, with {@code sessionkit.allowed-origins}. */
  static SessionAuthenticationFilter authenticationFilter(
      SessionKitProperties properties,
      SessionManager manager,
      SessionCookies cookies,
      PathRules pathRules,
      ClientInfoResolver clientInfo) {
    SessionAuthenticationFilter.Builder builder =
        SessionAuthenticationFilter.builder(manager)
            .cookies(cookies)
            .pathRules(pathRules)
            .clientInfo(clientInfo);
    List<String> origins = allowedOrigins(properties);
    new Setting(
            "sessionkit.allowed-origins",
            "allowedOrigins",
            "list origins as scheme://host[:port], such as https://app.example.com, with nothing"
                + " after the port")
        .apply(() -> builder.allowedOrigins(origins));
    return builder.build();
  }

  /**
   * The refresh, logout and session-list endpoints under {@code sessionkit.endpoints.base-path}.
   */
  static SessionEndpoints endpoints(
      SessionKitProperties properties,
      SessionManager manager,
      SessionCookies cookies,
      ClientInfoResolver clientInfo) {
    SessionEndpoints.Builder builder =
        SessionEndpoints.builder(manager).cookies(cookies).clientInfo(clientInfo);
    new Setting("sessionkit.endpoints.base-path", "basePath", "use a path such as /api/v1/auth")
        .apply(() -> builder.basePath(strip(properties.getEndpoints().getBasePath())));
    return builder.build();
  }

  /** {@code sessionkit.allowed-origins} without blanks and surrounding spaces. */
  static List<String> allowedOrigins(SessionKitProperties properties) {
    return texts(properties.getAllowedOrigins());
  }

  /** {@code redis}, {@code in-memory}, or the store's simple class name, for logs and health. */
  static String storeType(SessionStore store) {
    if (store instanceof RedisSessionStore) {
      return "redis";
    }
    if (store instanceof InMemorySessionStore) {
      return "in-memory";
    }
    return store.getClass().getSimpleName();
  }

  /**
   * The value, unless it is a placeholder that nothing resolved, such as {@code ${JWT_SECRET}} for
   * an environment variable that is not set: Spring's binder leaves those as they are, and a
   * builder would then judge the placeholder's text ("must be at least 32 bytes, but was 13").
   *
   * @throws InvalidSessionKitConfigurationException naming the property and the placeholder
   */
  static @Nullable String resolved(String property, @Nullable String value) {
    if (value != null) {
      Matcher placeholder = UNRESOLVED.matcher(value);
      if (placeholder.find()) {
        String name = placeholder.group(1);
        throw new InvalidSessionKitConfigurationException(
            property
                + " is the placeholder ${"
                + name
                + "}, which nothing resolved: neither the environment variable nor the property "
                + name
                + " is set",
            "set "
                + name
                + ", or give the placeholder a default, e.g. ${"
                + name
                + ":}, to leave "
                + property
                + " unset");
      }
    }
    return value;
  }

  // ${NAME} or ${NAME:default}; only the name is shown, never a default (it might be a secret)
  private static final Pattern UNRESOLVED = Pattern.compile("\\$\\{([^}:]+)(?::[^}]*)?}");

  /** The value stripped, or null when it is null or blank: a blank property counts as unset. */
  static @Nullable String text(@Nullable String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  private static String strip(@Nullable String value) {
    return value == null ? "" : value.strip();
  }

  /** The entries with text, stripped; a list bound from "a, b," or an empty variable works. */
  static List<String> texts(@Nullable List<String> values) {
    if (values == null) {
      return List.of();
    }
    return values.stream().map(SessionKitBuilders::text).filter(v -> v != null).toList();
  }
}
