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
import io.sessionkit.memory.InMemoryActivityLog;
import io.sessionkit.memory.InMemoryLoginThrottle;
import io.sessionkit.memory.InMemorySessionStore;
import io.sessionkit.redis.RedisActivityLog;
import io.sessionkit.redis.RedisLoginThrottle;
import io.sessionkit.redis.RedisSessionStore;
import io.sessionkit.servlet.ClientInfoResolver;
import io.sessionkit.servlet.PathRules;
import io.sessionkit.servlet.SessionCookies;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@link SessionKitProperties} into the core and servlet objects, checking every setting
 * first so that a bad one stops the start with {@link InvalidSessionKitConfigurationException}
 * naming the property. The builders' own messages (which never contain a secret) are kept as the
 * rule; the property name and the fix are added here.
 */
final class SessionKitBuilders {

  private static final Logger log = LoggerFactory.getLogger(SessionKitBuilders.class);

  private static final Duration MAX_CLOCK_SKEW = Duration.ofHours(24);

  // the rule of SessionEndpoints.Builder#basePath, checked here so the message names the property
  private static final Pattern BASE_PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)+");

  private SessionKitBuilders() {}

  /** The HS256 token service from {@code sessionkit.jwt.*} and the access-token lifetime. */
  static TokenService tokenService(SessionKitProperties properties, Clock clock) {
    SessionKitProperties.Jwt jwt = properties.getJwt();
    Duration lifetime = properties.getAccessTokenLifetime();
    requirePositive(lifetime, "sessionkit.access-token-lifetime", "e.g. 15m");
    requireWholeSeconds(lifetime, "sessionkit.access-token-lifetime");
    Duration skew = jwt.getClockSkew();
    requireNotNegative(skew, "sessionkit.jwt.clock-skew", "e.g. 30s, or 0s for none");
    requireWholeSeconds(skew, "sessionkit.jwt.clock-skew");
    if (skew.compareTo(MAX_CLOCK_SKEW) > 0) {
      throw new InvalidSessionKitConfigurationException(
          "sessionkit.jwt.clock-skew must be at most 24h, but was " + skew,
          "set it to the largest clock difference expected between machines, e.g. 30s");
    }
    String keyId = jwt.getKeyId();
    SigningKey signingKey =
        hasText(jwt.getSecret())
            ? signingKey(keyId, jwt.getSecret(), "sessionkit.jwt")
            : randomKey(keyId);
    List<SigningKey> previous = new ArrayList<>();
    List<SessionKitProperties.Key> previousKeys = jwt.getPreviousKeys();
    for (int i = 0; i < previousKeys.size(); i++) {
      SessionKitProperties.Key key = previousKeys.get(i);
      String prefix = "sessionkit.jwt.previous-keys[" + i + "]";
      if (!hasText(key.getKeyId())) {
        throw new InvalidSessionKitConfigurationException(
            prefix + ".key-id is not set",
            "give each previous key the key id its tokens carry (the key-id it was signed under)");
      }
      if (!hasText(key.getSecret())) {
        throw new InvalidSessionKitConfigurationException(
            prefix + ".secret is not set",
            "give each previous key the secret it signed with, or remove the entry");
      }
      previous.add(signingKey(key.getKeyId(), key.getSecret(), prefix));
    }
    JwtTokenService.Builder builder =
        JwtTokenService.builder()
            .signingKey(signingKey)
            .accessTokenLifetime(lifetime)
            .clockSkew(skew)
            .clock(clock);
    String issuer = jwt.getIssuer();
    if (hasText(issuer)) {
      builder.issuer(issuer.strip());
    }
    apply(
        () -> builder.verificationKeys(previous),
        "sessionkit.jwt.previous-keys",
        "a key id must name one secret: give each rotated-out key its own key-id, different from"
            + " sessionkit.jwt.key-id unless the secret is the same");
    return builder.build();
  }

  private static SigningKey signingKey(String keyId, String secret, String prefix) {
    checkKeyId(keyId, prefix + ".key-id");
    int bytes = secret.getBytes(StandardCharsets.UTF_8).length;
    if (bytes < SigningKey.MIN_SECRET_BYTES) {
      throw new InvalidSessionKitConfigurationException(
          prefix
              + ".secret must be at least "
              + SigningKey.MIN_SECRET_BYTES
              + " bytes, but was "
              + bytes
              + " bytes",
          "use a random secret of 32+ bytes, e.g. the output of `openssl rand -base64 48`");
    }
    return SigningKey.hmacSha256(keyId, secret);
  }

  private static SigningKey randomKey(String keyId) {
    checkKeyId(keyId, "sessionkit.jwt.key-id");
    log.warn(
        "sessionkit: sessionkit.jwt.secret is not set: signing access tokens with a random key"
            + " for this process only. Tokens will not survive a restart or work across"
            + " instances; set sessionkit.jwt.secret (SESSIONKIT_JWT_SECRET) to 32+ random bytes.");
    byte[] secret = new byte[48];
    new SecureRandom().nextBytes(secret);
    return SigningKey.hmacSha256(keyId, secret);
  }

  /** The manager from the lifetimes, limits and fallback mode, with the context's listeners. */
  static SessionManager sessionManager(
      SessionKitProperties properties,
      SessionStore store,
      TokenService tokens,
      Clock clock,
      Stream<SessionListener> listeners,
      Stream<AuthenticationListener> authenticationListeners) {
    Duration sessionLifetime = properties.getSessionLifetime();
    requirePositive(sessionLifetime, "sessionkit.session-lifetime", "e.g. 7d");
    Duration idle = properties.getIdleTimeout();
    requireNotNegative(idle, "sessionkit.idle-timeout", "e.g. 30m, or 0 for no idle timeout");
    Duration touch = properties.getTouchInterval();
    requireNotNegative(touch, "sessionkit.touch-interval", "e.g. 1m");
    if (!idle.isZero() && idle.compareTo(touch) <= 0) {
      throw new InvalidSessionKitConfigurationException(
          "sessionkit.idle-timeout ("
              + idle
              + ") must be longer than sessionkit.touch-interval ("
              + touch
              + "), since activity is recorded at most once per touch interval",
          "raise sessionkit.idle-timeout, lower sessionkit.touch-interval, or set"
              + " sessionkit.idle-timeout=0 to turn the idle timeout off");
    }
    int max = properties.getMaxSessionsPerUser();
    if (max < 0) {
      throw new InvalidSessionKitConfigurationException(
          "sessionkit.max-sessions-per-user must be >= 0, but was " + max,
          "use 0 for no limit, or the most live sessions one user may have");
    }
    Duration grace = properties.getRefreshReuseGrace();
    requireNotNegative(grace, "sessionkit.refresh-reuse-grace", "e.g. 10s, or 0s for none");
    if (properties.getFallback() == null) {
      throw new InvalidSessionKitConfigurationException(
          "sessionkit.fallback is not set", "use jwt-only or deny");
    }
    SessionKitProperties.Outage outage = properties.getOutage();
    requirePositive(
        outage.getReconcileInterval(), "sessionkit.outage.reconcile-interval", "e.g. 1s");
    if (outage.getCapacity() < 0) {
      throw new InvalidSessionKitConfigurationException(
          "sessionkit.outage.capacity must be >= 0, but was " + outage.getCapacity(),
          "use the most logins and refreshed sessions to hold during an outage, e.g. 100000");
    }
    SessionManager.Builder builder =
        SessionManager.builder()
            .store(store)
            .tokenService(tokens)
            .clock(clock)
            .sessionLifetime(sessionLifetime)
            .idleTimeout(idle)
            .touchInterval(touch)
            .maxSessionsPerUser(max)
            .refreshReuseGrace(grace)
            .fallbackMode(properties.getFallback())
            .reconcileInterval(outage.getReconcileInterval())
            .outageCapacity(outage.getCapacity());
    listeners.forEach(builder::listener);
    authenticationListeners.forEach(builder::authenticationListener);
    return builder.build();
  }

  /**
   * The activity feed from {@code sessionkit.activity.*}: in Redis, on the store's connection, when
   * sessions are; in memory otherwise.
   */
  static ActivityLog activityLog(SessionKitProperties properties, SessionStore store, Clock clock) {
    SessionKitProperties.Activity activity = properties.getActivity();
    requirePositive(activity.getRetention(), "sessionkit.activity.retention", "e.g. 7d");
    if (activity.getMaxEntriesPerUser() < 1) {
      throw new InvalidSessionKitConfigurationException(
          "sessionkit.activity.max-entries-per-user must be >= 1, but was "
              + activity.getMaxEntriesPerUser(),
          "use the number of entries to keep per user, e.g. 100");
    }
    return store instanceof RedisSessionStore redis
        ? RedisActivityLog.sharing(redis, activity.getMaxEntriesPerUser(), activity.getRetention())
        : InMemoryActivityLog.create(
            clock, activity.getMaxEntriesPerUser(), activity.getRetention());
  }

  /**
   * The login throttle from {@code sessionkit.login-throttle.*}: in Redis, on the store's
   * connection, when sessions are; in memory otherwise.
   */
  static LoginThrottle loginThrottle(
      SessionKitProperties properties, SessionStore store, Clock clock) {
    SessionKitProperties.Throttle throttle = properties.getLoginThrottle();
    requirePositive(throttle.getWindow(), "sessionkit.login-throttle.window", "e.g. 60s");
    if (throttle.getMaxFailures() < 1) {
      throw new InvalidSessionKitConfigurationException(
          "sessionkit.login-throttle.max-failures must be >= 1, but was "
              + throttle.getMaxFailures(),
          "use the failed logins allowed per window, e.g. 5");
    }
    return store instanceof RedisSessionStore redis
        ? RedisLoginThrottle.sharing(redis, throttle.getMaxFailures(), throttle.getWindow())
        : InMemoryLoginThrottle.create(clock, throttle.getMaxFailures(), throttle.getWindow());
  }

  /** The cookie settings from {@code sessionkit.cookie.*}. */
  static SessionCookies cookies(SessionKitProperties properties, Clock clock) {
    SessionKitProperties.Cookie cookie = properties.getCookie();
    SessionCookies.Builder builder = SessionCookies.builder().clock(clock);
    apply(
        () -> builder.accessTokenName(strip(cookie.getAccessTokenName())),
        "sessionkit.cookie.access-token-name",
        "use a cookie name such as access_token");
    apply(
        () -> builder.refreshTokenName(strip(cookie.getRefreshTokenName())),
        "sessionkit.cookie.refresh-token-name",
        "use a cookie name such as refresh_token");
    builder.secure(cookie.isSecure());
    apply(
        () -> builder.sameSite(strip(cookie.getSameSite())),
        "sessionkit.cookie.same-site",
        "use Strict, Lax or None");
    apply(
        () -> builder.path(strip(cookie.getPath())),
        "sessionkit.cookie.path",
        "use a path starting with /, such as /");
    String domain = cookie.getDomain();
    if (hasText(domain)) {
      apply(
          () -> builder.domain(domain.strip()),
          "sessionkit.cookie.domain",
          "use a host name such as example.com, or leave it unset for host-only cookies");
    }
    return get(
        builder::build,
        "sessionkit.cookie",
        "SameSite=None needs sessionkit.cookie.secure=true, the two cookie names must differ,"
            + " and __Host-/__Secure- names need secure=true (and path=/ without a domain for"
            + " __Host-)");
  }

  /**
   * The path rules from {@code sessionkit.paths.*}, plus {@code extraPermits} (the refresh
   * endpoint, which authenticates with the refresh cookie rather than an access token).
   */
  static PathRules pathRules(SessionKitProperties properties, List<String> extraPermits) {
    List<String> protect = texts(properties.getPaths().getProtect());
    List<String> permit = texts(properties.getPaths().getPermit());
    PathRules.Builder builder = PathRules.builder();
    String rule = "use exact paths such as /api/v1/auth/login or prefixes such as /api/**";
    for (String pattern : protect) {
      apply(() -> builder.protect(pattern), "sessionkit.paths.protect", rule);
    }
    for (String pattern : permit) {
      apply(() -> builder.permit(pattern), "sessionkit.paths.permit", rule);
    }
    builder.permit(extraPermits.toArray(String[]::new));
    return builder.build();
  }

  /** {@link ClientInfoResolver#direct()}, or trusting {@code sessionkit.trusted-proxies}. */
  static ClientInfoResolver clientInfo(SessionKitProperties properties) {
    List<String> proxies = texts(properties.getTrustedProxies());
    return get(
        () -> ClientInfoResolver.trusting(proxies),
        "sessionkit.trusted-proxies",
        "list IP addresses or CIDR blocks, such as 10.0.0.5 or 10.0.0.0/8");
  }

  /** {@code sessionkit.allowed-origins} without blanks and surrounding spaces. */
  static List<String> allowedOrigins(SessionKitProperties properties) {
    return texts(properties.getAllowedOrigins());
  }

  /** {@code sessionkit.endpoints.base-path}, checked against the endpoints' rule. */
  static String endpointsBasePath(SessionKitProperties properties) {
    String base = strip(properties.getEndpoints().getBasePath());
    boolean dotSegment =
        List.of(base.split("/")).stream().anyMatch(s -> s.equals(".") || s.equals(".."));
    if (base.length() > 256 || !BASE_PATH.matcher(base).matches() || dotSegment) {
      throw new InvalidSessionKitConfigurationException(
          "sessionkit.endpoints.base-path must be '/'-separated segments of letters, digits and"
              + " -._~, without a trailing '/', but was \""
              + base
              + "\"",
          "use a path such as /api/v1/auth");
    }
    return base;
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

  static void requirePositive(Duration value, String property, String example) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new InvalidSessionKitConfigurationException(
          property + " must be > 0, but was " + value, "set a positive duration, " + example);
    }
  }

  static void requireNotNegative(Duration value, String property, String example) {
    if (value == null || value.isNegative()) {
      throw new InvalidSessionKitConfigurationException(
          property + " must be >= 0, but was " + value, "set a duration, " + example);
    }
  }

  private static void requireWholeSeconds(Duration value, String property) {
    if (value.getNano() != 0) {
      throw new InvalidSessionKitConfigurationException(
          property + " must be whole seconds (JWT times are), but was " + value,
          "round it to whole seconds, e.g. 15m or 90s");
    }
  }

  static boolean hasText(@Nullable String value) {
    return value != null && !value.isBlank();
  }

  private static String strip(@Nullable String value) {
    return value == null ? "" : value.strip();
  }

  /** The entries with text, stripped; a list bound from "a, b," or an empty variable works. */
  static List<String> texts(@Nullable List<String> values) {
    if (values == null) {
      return List.of();
    }
    return values.stream().filter(SessionKitBuilders::hasText).map(String::strip).toList();
  }

  private static void apply(Runnable step, String property, String action) {
    get(
        () -> {
          step.run();
          return null;
        },
        property,
        action);
  }

  private static <T> T get(Supplier<T> step, String property, String action) {
    try {
      return step.get();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new InvalidSessionKitConfigurationException(
          property + " is invalid (" + e.getMessage() + ")", action, e);
    }
  }

  // The key id is checked on its own first, through SigningKey's own rule, whose message gives
  // its length and the position of a bad character but never the value: a swapped key-id and
  // secret would otherwise print the secret.
  private static void checkKeyId(@Nullable String keyId, String property) {
    try {
      SigningKey.hmacSha256(keyId == null ? "" : keyId, new byte[SigningKey.MIN_SECRET_BYTES]);
    } catch (IllegalArgumentException e) {
      throw new InvalidSessionKitConfigurationException(
          property + " is invalid (" + e.getMessage() + ")",
          "use a short name of [A-Za-z0-9._-] such as k1 or 2025-06",
          e);
    }
  }
}
