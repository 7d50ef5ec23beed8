package io.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sessionkit.AccessToken;
import io.sessionkit.ActivityEntry;
import io.sessionkit.ActivityLog;
import io.sessionkit.AuthenticationListener;
import io.sessionkit.AuthenticationResult;
import io.sessionkit.ClientInfo;
import io.sessionkit.FallbackMode;
import io.sessionkit.Login;
import io.sessionkit.LoginThrottle;
import io.sessionkit.Session;
import io.sessionkit.SessionEvent;
import io.sessionkit.SessionListener;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStore;
import io.sessionkit.TokenService;
import io.sessionkit.TokenVerification;
import io.sessionkit.internal.UserTags;
import io.sessionkit.jwt.JwtTokenService;
import io.sessionkit.jwt.SigningKey;
import io.sessionkit.memory.InMemoryActivityLog;
import io.sessionkit.memory.InMemoryLoginThrottle;
import io.sessionkit.memory.InMemorySessionStore;
import io.sessionkit.redis.RedisActivityLog;
import io.sessionkit.redis.RedisLoginThrottle;
import io.sessionkit.redis.RedisSessionStore;
import io.sessionkit.servlet.PathRules;
import io.sessionkit.servlet.SessionCookies;
import io.sessionkit.testing.Await;
import io.sessionkit.testing.MutableClock;
import io.sessionkit.testing.OutageStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.ApplicationContextAssertProvider;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.security.core.context.SecurityContextHolder;

// Redis URLs here point at a closed loopback port: the Redis store connects on first use only,
// and these tests never use it.
@ExtendWith(OutputCaptureExtension.class)
class SessionKitAutoConfigurationTest {

  private static final String SECRET = "0123456789abcdef0123456789abcdef-test-secret";
  private static final String UNUSED_REDIS = "redis://127.0.0.1:1";

  private static final AutoConfigurations AUTO_CONFIGURATIONS =
      AutoConfigurations.of(
          SessionKitAutoConfiguration.class,
          SessionKitHealthAutoConfiguration.class,
          SessionKitMetricsAutoConfiguration.class);

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AUTO_CONFIGURATIONS)
          .withPropertyValues("sessionkit.jwt.secret=" + SECRET);

  private final WebApplicationContextRunner webRunner =
      new WebApplicationContextRunner()
          .withConfiguration(AUTO_CONFIGURATIONS)
          .withPropertyValues("sessionkit.jwt.secret=" + SECRET);

  // --- on and off ---

  @Test
  void disabledByPropertyCreatesNothing() {
    webRunner
        .withPropertyValues("sessionkit.enabled=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(SessionManager.class);
              assertThat(context).doesNotHaveBean(SessionStore.class);
              assertThat(context).doesNotHaveBean(FilterRegistrationBean.class);
              assertThat(context).doesNotHaveBean(SessionKitProperties.class);
            });
  }

  @Test
  void managerTokenServiceAndServletPiecesAreCreatedByDefault() {
    runner.run(
        context -> {
          assertThat(context).hasSingleBean(SessionManager.class);
          assertThat(context).hasSingleBean(TokenService.class);
          assertThat(context.getBean(TokenService.class)).isInstanceOf(JwtTokenService.class);
          assertThat(context).hasSingleBean(SessionCookies.class);
          assertThat(context).hasSingleBean(PathRules.class);
          assertThat(context).hasBean("sessionKitClientInfoResolver");
        });
  }

  // --- activity log and login throttle ---

  @Test
  void activityLogAndLoginThrottleAreInMemoryWithoutRedis() {
    runner.run(
        context -> {
          assertThat(context.getBean(ActivityLog.class)).isInstanceOf(InMemoryActivityLog.class);
          assertThat(context.getBean(LoginThrottle.class))
              .isInstanceOf(InMemoryLoginThrottle.class);
        });
  }

  @Test
  void activityLogAndLoginThrottleShareRedisWhenSessionsAreThere() {
    runner
        .withPropertyValues("sessionkit.redis.url=" + UNUSED_REDIS)
        .run(
            context -> {
              assertThat(context.getBean(ActivityLog.class)).isInstanceOf(RedisActivityLog.class);
              assertThat(context.getBean(LoginThrottle.class))
                  .isInstanceOf(RedisLoginThrottle.class);
            });
  }

  @Test
  void anApplicationsRedisSessionStoreIsSharedByTheActivityLogAndTheThrottle() {
    runner
        .withBean(
            "ownStore",
            RedisSessionStore.class,
            () -> RedisSessionStore.builder().uri(UNUSED_REDIS).build())
        .run(
            context -> {
              assertThat(context.getBean(SessionStore.class)).isInstanceOf(RedisSessionStore.class);
              assertThat(context.getBean(ActivityLog.class)).isInstanceOf(RedisActivityLog.class);
              assertThat(context.getBean(LoginThrottle.class))
                  .isInstanceOf(RedisLoginThrottle.class);
            });
  }

  @Test
  void aLoginThrottleOfTheApplicationReplacesOurs() {
    LoginThrottle own =
        InMemoryLoginThrottle.create(
            Clock.systemUTC(), LoginThrottle.Limits.of(1, Duration.ofMinutes(1)));
    runner
        .withPropertyValues("sessionkit.redis.url=" + UNUSED_REDIS)
        .withBean("ownThrottle", LoginThrottle.class, () -> own)
        .run(context -> assertThat(context.getBean(LoginThrottle.class)).isSameAs(own));
  }

  @Test
  void theManagerFeedsTheActivityLog() {
    runner.run(
        context -> {
          Login login =
              context
                  .getBean(SessionManager.class)
                  .login("feed-user", Set.of("USER"), new ClientInfo("192.0.2.1", "Firefox"));
          assertThat(context.getBean(ActivityLog.class).recent("feed-user", 10))
              .extracting(ActivityEntry::type)
              .containsExactly(ActivityEntry.Type.NEW_DEVICE_LOGIN, ActivityEntry.Type.LOGIN);
          assertThat(login.session().userId()).isEqualTo("feed-user");
        });
  }

  @Test
  void loginThrottleSettingsApply() {
    runner
        .withPropertyValues(
            "sessionkit.login-throttle.max-failures=2", "sessionkit.login-throttle.window=30s")
        .run(
            context -> {
              LoginThrottle throttle = context.getBean(LoginThrottle.class);
              assertThat(throttle.attempt("k", "a").allowed()).isTrue();
              assertThat(throttle.attempt("k", "a").allowed()).isTrue();
              LoginThrottle.Decision second = throttle.attempt("k", "a");
              assertThat(second.allowed()).isFalse();
              assertThat(second.retryAfter())
                  .isBetween(Duration.ofSeconds(25), Duration.ofSeconds(30));
            });
  }

  @Test
  void theActivityLogCanBeTurnedOffOrReplaced() {
    runner
        .withPropertyValues("sessionkit.activity.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(ActivityLog.class));
    ActivityLog own = InMemoryActivityLog.create(Clock.systemUTC(), 1, Duration.ofDays(1));
    runner
        .withBean("ownActivityLog", ActivityLog.class, () -> own)
        .run(context -> assertThat(context.getBean(ActivityLog.class)).isSameAs(own));
  }

  @Test
  void badActivityAndThrottleSettingsFailStartUp() {
    runner
        .withPropertyValues("sessionkit.login-throttle.max-failures=0")
        .run(
            context ->
                assertThat(failure(context))
                    .hasMessageStartingWith(
                        "sessionkit.login-throttle.max-failures must be >= 1, but was 0"));
    runner
        .withPropertyValues("sessionkit.activity.max-entries-per-user=0")
        .run(
            context ->
                assertThat(failure(context))
                    .hasMessageStartingWith(
                        "sessionkit.activity.max-entries-per-user must be >= 1, but was 0"));
  }

  // --- store selection ---

  @Test
  void noRedisConfiguredMeansTheInMemoryStoreWithAWarning(CapturedOutput output) {
    runner.run(
        context -> {
          assertThat(context.getBean(SessionStore.class)).isInstanceOf(InMemorySessionStore.class);
          assertThat(context.getBean(SessionManager.class).store())
              .isSameAs(context.getBean(SessionStore.class));
        });
    assertThat(output)
        .contains(
            "sessionkit: no Redis configured (sessionkit.redis.url or spring.data.redis.*): using"
                + " the in-memory session store; sessions are lost on restart and not shared"
                + " between instances");
  }

  @Test
  void blankRedisUrlCountsAsUnset() {
    runner
        .withPropertyValues("sessionkit.redis.url=", "spring.data.redis.host= ")
        .run(
            context ->
                assertThat(context.getBean(SessionStore.class))
                    .isInstanceOf(InMemorySessionStore.class));
  }

  @Test
  void sessionkitRedisUrlSelectsTheRedisStoreAndLogsItWithoutThePassword(CapturedOutput output) {
    runner
        .withPropertyValues("sessionkit.redis.url=redis://:hunter2hunter2@127.0.0.1:1/3")
        .run(
            context ->
                assertThat(context.getBean(SessionStore.class))
                    .isInstanceOf(RedisSessionStore.class));
    assertThat(output)
        .contains(
            "sessionkit: using the Redis session store at redis://127.0.0.1:1/3 (from"
                + " sessionkit.redis.url)")
        .doesNotContain("hunter2");
  }

  @Test
  void springDataRedisHostAndPortSelectTheRedisStore(CapturedOutput output) {
    runner
        .withPropertyValues(
            "spring.data.redis.host=127.0.0.1",
            "spring.data.redis.port=1",
            "spring.data.redis.password=s3cret-pass",
            "spring.data.redis.database=2")
        .run(
            context ->
                assertThat(context.getBean(SessionStore.class))
                    .isInstanceOf(RedisSessionStore.class));
    assertThat(output)
        .contains(
            "using the Redis session store at redis://127.0.0.1:1/2 (from spring.data.redis.host)")
        .doesNotContain("s3cret-pass");
  }

  @Test
  void springDataRedisUrlSelectsTheRedisStore(CapturedOutput output) {
    runner
        .withPropertyValues("spring.data.redis.url=redis://127.0.0.1:1")
        .run(
            context ->
                assertThat(context.getBean(SessionStore.class))
                    .isInstanceOf(RedisSessionStore.class));
    assertThat(output).contains("(from spring.data.redis.url)");
  }

  @Test
  void sessionkitRedisUrlWinsOverSpringDataRedis(CapturedOutput output) {
    runner
        .withPropertyValues(
            "sessionkit.redis.url=redis://127.0.0.1:2/5",
            "spring.data.redis.url=redis://127.0.0.1:1",
            "spring.data.redis.host=127.0.0.1")
        .run(
            context ->
                assertThat(context.getBean(SessionStore.class))
                    .isInstanceOf(RedisSessionStore.class));
    assertThat(output)
        .contains("Redis session store at redis://127.0.0.1:2/5 (from sessionkit.redis.url)");
  }

  @Test
  void springDataRedisSentinelAloneFailsWithHowToSetTheUrl() {
    runner
        .withPropertyValues(
            "spring.data.redis.sentinel.master=mymaster",
            "spring.data.redis.sentinel.nodes=127.0.0.1:1")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(failure(context))
                  .isInstanceOf(InvalidSessionKitConfigurationException.class)
                  .hasMessageContaining("sessionkit.redis.url=redis-sentinel://");
            });
  }

  @Test
  void productionRefusesTheInMemoryStore() {
    runner
        .withPropertyValues("sessionkit.production=true")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(failure(context))
                  .isInstanceOf(InvalidSessionKitConfigurationException.class)
                  .hasMessageContaining(
                      "sessionkit.production=true, but sessions are kept in memory")
                  .hasMessageContaining("sessionkit.redis.url");
            });
  }

  @Test
  void productionRefusesARandomJwtKey() {
    new ApplicationContextRunner()
        .withConfiguration(AUTO_CONFIGURATIONS)
        .withPropertyValues("sessionkit.production=true")
        .withBean(
            "ownStore", SessionStore.class, () -> new OutageStore(InMemorySessionStore.create()))
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(failure(context))
                  .isInstanceOf(InvalidSessionKitConfigurationException.class)
                  .hasMessageContaining(
                      "sessionkit.production=true, but sessionkit.jwt.secret is not set");
            });
  }

  @Test
  void productionRefusesCookiesWithoutSecure() {
    new WebApplicationContextRunner()
        .withConfiguration(AUTO_CONFIGURATIONS)
        .withPropertyValues(
            "sessionkit.production=true",
            "sessionkit.jwt.secret=" + SECRET,
            "sessionkit.cookie.secure=false")
        .withBean(
            "ownStore", SessionStore.class, () -> new OutageStore(InMemorySessionStore.create()))
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(failure(context))
                  .isInstanceOf(InvalidSessionKitConfigurationException.class)
                  .hasMessageContaining(
                      "sessionkit.production=true, but sessionkit.cookie.secure=false");
            });
  }

  @Test
  void productionStartsWithRedisAndASecret() {
    new ApplicationContextRunner()
        .withConfiguration(AUTO_CONFIGURATIONS)
        .withPropertyValues("sessionkit.production=true", "sessionkit.jwt.secret=" + SECRET)
        .withBean(
            "ownStore", SessionStore.class, () -> new OutageStore(InMemorySessionStore.create()))
        .run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void anUnresolvedPlaceholderIsNamedAsSuch() {
    new ApplicationContextRunner()
        .withConfiguration(AUTO_CONFIGURATIONS)
        .withPropertyValues("sessionkit.jwt.secret=${SESSIONKIT_TEST_NOT_SET_ANYWHERE}")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(failure(context))
                  .isInstanceOf(InvalidSessionKitConfigurationException.class)
                  .hasMessageContaining(
                      "sessionkit.jwt.secret is the placeholder ${SESSIONKIT_TEST_NOT_SET_ANYWHERE},"
                          + " which nothing resolved")
                  .hasMessageNotContaining("bytes");
            });
  }

  @Test
  void clusterNodesSelectTheRedisStoreOnTheCluster(CapturedOutput output) {
    runner
        .withPropertyValues("spring.data.redis.cluster.nodes=127.0.0.1:1,127.0.0.1:2")
        .run(
            context ->
                assertThat(context.getBean(SessionStore.class))
                    .isInstanceOf(RedisSessionStore.class));
    assertThat(output)
        .contains(
            "Redis session store at Redis Cluster redis://127.0.0.1:1,redis://127.0.0.1:2 (from"
                + " spring.data.redis.cluster.nodes)");
  }

  @Test
  void aUrlWithSeveralHostsFailsSayingToSetClusterNodes() {
    runner
        .withPropertyValues("sessionkit.redis.url=redis://10.0.0.1:7000,10.0.0.2:7000")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(failure(context))
                  .isInstanceOf(InvalidSessionKitConfigurationException.class)
                  .hasMessageContaining("sessionkit.redis.cluster.nodes");
            });
  }

  @Test
  void theNearCacheIsOnForAClusterToo() {
    runner
        .withPropertyValues(
            "sessionkit.redis.cluster.nodes=127.0.0.1:1", "sessionkit.near-cache.enabled=true")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(SessionStore.class)).isInstanceOf(RedisSessionStore.class);
            });
  }

  @Test
  void anUnresolvedRedisUrlPlaceholderIsNamedAsSuch() {
    runner
        .withPropertyValues("sessionkit.redis.url=${SESSIONKIT_TEST_REDIS_NOT_SET}")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(failure(context))
                  .isInstanceOf(InvalidSessionKitConfigurationException.class)
                  .hasMessageContaining(
                      "sessionkit.redis.url is the placeholder ${SESSIONKIT_TEST_REDIS_NOT_SET}");
            });
  }

  @Test
  void unparseableRedisUrlFailsWithoutQuotingIt() {
    runner
        .withPropertyValues("sessionkit.redis.url=redis://:pa ss word@[bad")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(failure(context))
                  .isInstanceOf(InvalidSessionKitConfigurationException.class)
                  .hasMessageContaining("sessionkit.redis.url could not be parsed as a Redis URI");
              assertThat(fullTrace(context.getStartupFailure())).doesNotContain("pa ss word");
            });
  }

  @Test
  void redisTimeoutsMustBePositive() {
    runner
        .withPropertyValues(
            "sessionkit.redis.url=" + UNUSED_REDIS, "sessionkit.redis.command-timeout=0s")
        .run(
            context ->
                assertThat(failure(context))
                    .hasMessageContaining("sessionkit.redis.command-timeout must be > 0"));
  }

  @Test
  void aNearCacheMaxAgeOverAMinuteFailsStartUpWithTheFix() {
    runner
        .withPropertyValues(
            "sessionkit.redis.url=" + UNUSED_REDIS,
            "sessionkit.near-cache.enabled=true",
            "sessionkit.near-cache.max-age=2m")
        .run(
            context ->
                assertThat(failure(context))
                    .hasMessageContaining("sessionkit.near-cache.max-age must be <= PT1M")
                    .hasMessageContaining("at most 1m"));
  }

  @Test
  void nearCacheSettingsAreLeftAloneWhileItIsOff() {
    runner
        .withPropertyValues(
            "sessionkit.redis.url=" + UNUSED_REDIS, "sessionkit.near-cache.max-entries=0")
        .run(
            context ->
                assertThat(context.getBean(SessionStore.class))
                    .isInstanceOf(RedisSessionStore.class));
  }

  @Test
  void aNearCacheWithoutRedisIsIgnoredWithAWarning(CapturedOutput output) {
    runner
        .withPropertyValues("sessionkit.near-cache.enabled=true")
        .run(
            context ->
                assertThat(context.getBean(SessionStore.class))
                    .isInstanceOf(InMemorySessionStore.class));
    assertThat(output).contains("sessionkit.near-cache.enabled is ignored");
  }

  // --- replacing beans ---

  @Test
  void userSessionStoreReplacesOurs() {
    InMemorySessionStore own = InMemorySessionStore.create();
    runner
        .withPropertyValues("sessionkit.redis.url=" + UNUSED_REDIS)
        .withBean("myStore", SessionStore.class, () -> own)
        .run(
            context -> {
              assertThat(context).hasSingleBean(SessionStore.class);
              assertThat(context.getBean(SessionManager.class).store()).isSameAs(own);
            });
  }

  @Test
  void userTokenServiceReplacesOurs() {
    TokenService own =
        JwtTokenService.builder().signingKey(SigningKey.hmacSha256("mine", SECRET)).build();
    runner
        .withBean("myTokens", TokenService.class, () -> own)
        .run(
            context -> {
              assertThat(context).hasSingleBean(TokenService.class);
              Login login =
                  context.getBean(SessionManager.class).login("u1", Set.of(), ClientInfo.unknown());
              assertThat(own.verify(login.accessToken().value()).isValid()).isTrue();
            });
  }

  @Test
  void userSessionManagerReplacesOursAndFeedsTheFilters() {
    SessionManager own =
        SessionManager.builder()
            .store(InMemorySessionStore.create())
            .tokenService(
                JwtTokenService.builder().signingKey(SigningKey.hmacSha256("m", SECRET)).build())
            .build();
    webRunner
        .withBean("myManager", SessionManager.class, () -> own)
        .run(
            context -> {
              assertThat(context).hasSingleBean(SessionManager.class);
              assertThat(context.getBean(SessionManager.class)).isSameAs(own);
              assertThat(context).hasBean("sessionKitAuthenticationFilter");
            });
  }

  @Test
  void userSessionCookiesReplaceOurs() {
    SessionCookies own =
        SessionCookies.builder().accessTokenName("at").refreshTokenName("rt").build();
    runner
        .withBean("myCookies", SessionCookies.class, () -> own)
        .run(
            context -> {
              assertThat(context).hasSingleBean(SessionCookies.class);
              assertThat(context.getBean(SessionCookies.class).accessTokenName()).isEqualTo("at");
            });
  }

  @Test
  void applicationClockIsLeftAloneAndNotUsedForSessions() {
    Clock appClock = Clock.fixed(Instant.parse("2001-01-01T00:00:00Z"), ZoneOffset.UTC);
    runner
        .withBean("appClock", Clock.class, () -> appClock)
        .withBean(ClockUser.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(ClockUser.class).clock).isSameAs(appClock);
              Login login =
                  context.getBean(SessionManager.class).login("u", Set.of(), ClientInfo.unknown());
              assertThat(login.session().createdAt())
                  .isAfter(Instant.parse("2020-01-01T00:00:00Z"));
            });
  }

  @Test
  void aClockNamedSessionKitClockDrivesSessionTimes() {
    MutableClock clock = MutableClock.at(Instant.parse("2030-05-01T10:00:00Z"));
    runner
        .withBean(SessionKitAutoConfiguration.CLOCK_BEAN_NAME, Clock.class, () -> clock)
        .withPropertyValues("sessionkit.session-lifetime=1h")
        .run(
            context -> {
              SessionManager manager = context.getBean(SessionManager.class);
              Login login = manager.login("u", Set.of(), ClientInfo.unknown());
              assertThat(login.session().createdAt()).isEqualTo(clock.instant());
              clock.advance(Duration.ofHours(2));
              assertThat(manager.sessions("u").sessions()).isEmpty();
            });
  }

  @Test
  void propertiesReachTheManagerAndTheCookies() {
    runner
        .withPropertyValues(
            "sessionkit.fallback=deny",
            "sessionkit.max-sessions-per-user=1",
            "sessionkit.cookie.access-token-name=at",
            "sessionkit.cookie.secure=false",
            "sessionkit.cookie.same-site=Strict")
        .run(
            context -> {
              SessionManager manager = context.getBean(SessionManager.class);
              assertThat(manager.fallbackMode()).isEqualTo(FallbackMode.DENY);
              manager.login("u", Set.of(), new ClientInfo("1.2.3.4", "a"));
              Login second = manager.login("u", Set.of(), new ClientInfo("1.2.3.4", "b"));
              assertThat(second.evicted()).isEqualTo(1);
              SessionCookies cookies = context.getBean(SessionCookies.class);
              assertThat(cookies.accessTokenName()).isEqualTo("at");
              assertThat(cookies.secure()).isFalse();
              assertThat(cookies.sameSite()).isEqualToIgnoringCase("Strict");
            });
  }

  @Test
  void environmentVariablesBindThroughRelaxedBinding() {
    runner
        .withInitializer(
            context ->
                context
                    .getEnvironment()
                    .getPropertySources()
                    .addFirst(
                        // Boot reads a source named like this one with its environment-variable
                        // rules
                        new SystemEnvironmentPropertySource(
                            "test-systemEnvironment",
                            Map.<String, Object>of(
                                "SESSIONKIT_REDIS_URL", UNUSED_REDIS,
                                "SESSIONKIT_JWT_SECRET", "env-secret-env-secret-env-secret-env-1",
                                "SESSIONKIT_FALLBACK", "deny",
                                "SESSIONKIT_COOKIE_SECURE", "false",
                                "SESSIONKIT_PATHS_PERMIT", "/api/login,/actuator/health",
                                "SESSIONKIT_MAXSESSIONSPERUSER", "3",
                                "SESSIONKIT_ALLOWEDORIGINS", "https://a.example, https://b.example",
                                "SESSIONKIT_JWT_PREVIOUSKEYS_0_KEYID", "old",
                                "SESSIONKIT_JWT_PREVIOUSKEYS_0_SECRET",
                                    "old-secret-old-secret-old-secret-old"))))
        .run(
            context -> {
              assertThat(context.getBean(SessionStore.class)).isInstanceOf(RedisSessionStore.class);
              assertThat(context.getBean(SessionManager.class).fallbackMode())
                  .isEqualTo(FallbackMode.DENY);
              assertThat(context.getBean(SessionCookies.class).secure()).isFalse();
              assertThat(context.getBean(PathRules.class).isProtected("/actuator/health"))
                  .isFalse();
              SessionKitProperties properties = context.getBean(SessionKitProperties.class);
              assertThat(properties.getMaxSessionsPerUser()).isEqualTo(3);
              assertThat(properties.getJwt().getSecret()).startsWith("env-secret");
              assertThat(SessionKitBuilders.allowedOrigins(properties))
                  .containsExactly("https://a.example", "https://b.example");
              assertThat(properties.getJwt().getPreviousKeys())
                  .singleElement()
                  .extracting(SessionKitProperties.Key::getKeyId)
                  .isEqualTo("old");
            });
  }

  // what an application writes to map its own variables, with every variable unset
  @Test
  void placeholdersWithEmptyDefaultsMeanTheDefaults() {
    new ApplicationContextRunner()
        .withConfiguration(AUTO_CONFIGURATIONS)
        .withPropertyValues(
            "sessionkit.redis.url=${REDIS_URL_FOR_THIS_TEST:}",
            "sessionkit.jwt.secret=${JWT_SECRET_FOR_THIS_TEST:}",
            "sessionkit.access-token-lifetime=${ACCESS_MINUTES_FOR_THIS_TEST:15}m",
            "sessionkit.session-lifetime=${REFRESH_DAYS_FOR_THIS_TEST:7}d",
            "sessionkit.fallback=${SESSION_FALLBACK_FOR_THIS_TEST:jwt-only}",
            "sessionkit.refresh-reuse-grace=${GRACE_SECONDS_FOR_THIS_TEST:10}s",
            "sessionkit.allowed-origins=${ALLOWED_ORIGINS_FOR_THIS_TEST:}")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(SessionStore.class))
                  .isInstanceOf(InMemorySessionStore.class);
              assertThat(context.getBean(SessionManager.class).fallbackMode())
                  .isEqualTo(FallbackMode.JWT_ONLY);
              SessionKitProperties properties = context.getBean(SessionKitProperties.class);
              assertThat(properties.getAccessTokenLifetime()).isEqualTo(Duration.ofMinutes(15));
              assertThat(properties.getSessionLifetime()).isEqualTo(Duration.ofDays(7));
              assertThat(SessionKitBuilders.allowedOrigins(properties)).isEmpty();
            });
  }

  @Test
  void pathRulesProtectEverythingButPermittedPathsAndTheRefreshEndpoint() {
    runner
        .withPropertyValues("sessionkit.paths.permit=/api/login, /actuator/health")
        .run(
            context -> {
              PathRules rules = context.getBean(PathRules.class);
              assertThat(rules.isProtected("/api/me")).isTrue();
              assertThat(rules.isProtected("/api/v1/auth/logout")).isTrue();
              assertThat(rules.isProtected("/api/login")).isFalse();
              assertThat(rules.isProtected("/actuator/health")).isFalse();
              assertThat(rules.isProtected("/api/v1/auth/refresh")).isFalse();
            });
  }

  @Test
  void refreshEndpointIsNotPermittedWhenEndpointsAreOff() {
    runner
        .withPropertyValues("sessionkit.endpoints.enabled=false")
        .run(
            context ->
                assertThat(context.getBean(PathRules.class).isProtected("/api/v1/auth/refresh"))
                    .isTrue());
  }

  // --- JWT keys ---

  @Test
  void shortSecretFailsStartUpWithTheFixAndWithoutTheSecret() {
    runner
        .withPropertyValues("sessionkit.jwt.secret=tooShortSecret")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(failure(context))
                  .isInstanceOf(InvalidSessionKitConfigurationException.class)
                  .hasMessage(
                      "sessionkit.jwt.secret must be at least 32 bytes in UTF-8 for HS256, but was"
                          + " 14 bytes: use a random secret of 32+ bytes, e.g. the output of"
                          + " `openssl rand -base64 48`");
              assertThat(fullTrace(context.getStartupFailure())).doesNotContain("tooShortSecret");
            });
  }

  @Test
  void missingSecretMeansARandomKeyAndAWarning(CapturedOutput output) {
    new ApplicationContextRunner()
        .withConfiguration(AUTO_CONFIGURATIONS)
        .withPropertyValues("sessionkit.jwt.secret=")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              Login login =
                  context.getBean(SessionManager.class).login("u", Set.of(), ClientInfo.unknown());
              assertThat(
                      context
                          .getBean(SessionManager.class)
                          .authenticate(login.accessToken().value())
                          .isAuthenticated())
                  .isTrue();
            });
    assertThat(output)
        .contains("sessionkit.jwt.secret is not set")
        .contains("Tokens will not survive a restart or work across instances");
  }

  @Test
  void previousKeysVerifyTokensSignedBeforeARotation() {
    String oldSecret = "old-secret-old-secret-old-secret-0001";
    String newSecret = "new-secret-new-secret-new-secret-0002";
    List<AccessToken> issued = new ArrayList<>();
    runner
        .withPropertyValues("sessionkit.jwt.secret=" + oldSecret, "sessionkit.jwt.key-id=2024")
        .run(context -> issued.add(context.getBean(TokenService.class).issue(session())));
    String oldToken = issued.get(0).value();

    runner
        .withPropertyValues(
            "sessionkit.jwt.secret=" + newSecret,
            "sessionkit.jwt.key-id=2025",
            "sessionkit.jwt.previous-keys[0].key-id=2024",
            "sessionkit.jwt.previous-keys[0].secret=" + oldSecret)
        .run(
            context -> {
              TokenVerification verification = context.getBean(TokenService.class).verify(oldToken);
              assertThat(verification.isValid()).isTrue();
              assertThat(verification.claims().orElseThrow().keyId()).isEqualTo("2024");
            });

    runner
        .withPropertyValues("sessionkit.jwt.secret=" + newSecret, "sessionkit.jwt.key-id=2025")
        .run(
            context ->
                assertThat(context.getBean(TokenService.class).verify(oldToken).status())
                    .isEqualTo(TokenVerification.Status.UNKNOWN_KEY));
  }

  @Test
  void previousKeyWithAShortSecretNamesItsIndex() {
    runner
        .withPropertyValues(
            "sessionkit.jwt.previous-keys[0].key-id=old",
            "sessionkit.jwt.previous-keys[0].secret=short")
        .run(
            context ->
                assertThat(failure(context))
                    .hasMessageStartingWith(
                        "sessionkit.jwt.previous-keys[0].secret must be at least 32 bytes in UTF-8"
                            + " for HS256, but was 5 bytes"));
  }

  @Test
  void previousKeyUnderTheCurrentKeyIdWithAnotherSecretFails() {
    runner
        .withPropertyValues(
            "sessionkit.jwt.previous-keys[0].key-id=k1",
            "sessionkit.jwt.previous-keys[0].secret=another-secret-another-secret-another")
        .run(
            context -> {
              assertThat(failure(context))
                  .hasMessageStartingWith("sessionkit.jwt.previous-keys is invalid")
                  .hasMessageContaining("a key id must name one secret");
              assertThat(fullTrace(context.getStartupFailure())).doesNotContain("another-secret");
            });
  }

  @Test
  void invalidKeyIdFailsWithoutEchoingIt() {
    runner
        .withPropertyValues("sessionkit.jwt.key-id=" + SECRET + " !")
        .run(
            context -> {
              assertThat(failure(context))
                  .hasMessageStartingWith("sessionkit.jwt.key-id must match");
              assertThat(fullTrace(context.getStartupFailure())).doesNotContain(SECRET);
            });
  }

  @Test
  void issuerAndLifetimeReachTheTokenService() {
    runner
        .withPropertyValues(
            "sessionkit.jwt.issuer=https://issuer.example", "sessionkit.access-token-lifetime=2m")
        .run(
            context -> {
              AccessToken token = context.getBean(TokenService.class).issue(session());
              assertThat(Duration.between(token.issuedAt(), token.expiresAt()))
                  .isEqualTo(Duration.ofMinutes(2));
              TokenService other =
                  JwtTokenService.builder().signingKey(SigningKey.hmacSha256("k1", SECRET)).build();
              assertThat(other.verify(token.value()).isValid()).isTrue();
              TokenService otherIssuer =
                  JwtTokenService.builder()
                      .signingKey(SigningKey.hmacSha256("k1", SECRET))
                      .issuer("https://other.example")
                      .build();
              assertThat(otherIssuer.verify(token.value()).isValid()).isFalse();
            });
  }

  @Test
  void audienceReachesTheTokenService() {
    runner
        .withPropertyValues("sessionkit.jwt.audience=https://api.example")
        .run(
            context -> {
              AccessToken token = context.getBean(TokenService.class).issue(session());
              TokenService sameAudience =
                  JwtTokenService.builder()
                      .signingKey(SigningKey.hmacSha256("k1", SECRET))
                      .audience("https://api.example")
                      .build();
              TokenService otherAudience =
                  JwtTokenService.builder()
                      .signingKey(SigningKey.hmacSha256("k1", SECRET))
                      .audience("https://other.example")
                      .build();
              assertThat(sameAudience.verify(token.value()).isValid()).isTrue();
              assertThat(otherAudience.verify(token.value()).isValid()).isFalse();
            });
  }

  @Test
  void clockSkewAboveFiveMinutesFailsWithTheLimit() {
    runner
        .withPropertyValues("sessionkit.jwt.clock-skew=10m")
        .run(
            context ->
                assertThat(failure(context))
                    .hasMessageStartingWith("sessionkit.jwt.clock-skew must be <= PT5M")
                    .hasMessageContaining("at most 5m"));
  }

  @Test
  void userTagSecretKeysTheSessionIdsOfTheRedisStore() {
    String tagSecret = "a user-tag secret of at least thirty-two bytes";
    runner
        .withPropertyValues(
            "sessionkit.redis.url=" + UNUSED_REDIS, "sessionkit.redis.user-tag-secret=" + tagSecret)
        .run(
            context -> {
              String id = context.getBean(SessionStore.class).newSessionId("u");
              assertThat(id)
                  .startsWith(UserTags.keyed(tagSecret.getBytes(StandardCharsets.UTF_8)).of("u"))
                  .doesNotStartWith(UserTags.unkeyed().of("u"));
            });
  }

  @Test
  void shortUserTagSecretFailsWithoutShowingIt() {
    runner
        .withPropertyValues(
            "sessionkit.redis.url=" + UNUSED_REDIS, "sessionkit.redis.user-tag-secret=short-tag")
        .run(
            context -> {
              assertThat(failure(context))
                  .hasMessageStartingWith("sessionkit.redis.user-tag-secret")
                  .hasMessageContaining("openssl rand");
              assertThat(fullTrace(context.getStartupFailure())).doesNotContain("short-tag");
            });
  }

  @Test
  void refreshCookieIsScopedToTheRefreshEndpointByDefault() {
    runner.run(
        context ->
            assertThat(context.getBean(SessionCookies.class).refreshTokenPath())
                .isEqualTo("/api/v1/auth/refresh"));
    runner
        .withPropertyValues(
            "server.servlet.context-path=/shop", "sessionkit.endpoints.base-path=/auth")
        .run(
            context ->
                assertThat(context.getBean(SessionCookies.class).refreshTokenPath())
                    .isEqualTo("/shop/auth/refresh"));
    runner
        .withPropertyValues("sessionkit.cookie.refresh-token-path=/")
        .run(
            context ->
                assertThat(context.getBean(SessionCookies.class).refreshTokenPath())
                    .isEqualTo("/"));
    runner
        .withPropertyValues("sessionkit.endpoints.enabled=false", "sessionkit.cookie.path=/app")
        .run(
            context ->
                assertThat(context.getBean(SessionCookies.class).refreshTokenPath())
                    .isEqualTo("/app"));
  }

  @Test
  void prefixedNamesReachTheCookies() {
    runner
        .withPropertyValues("sessionkit.cookie.prefixed-names=true")
        .run(
            context -> {
              SessionCookies cookies = context.getBean(SessionCookies.class);
              assertThat(cookies.accessTokenName()).isEqualTo("__Host-access_token");
              assertThat(cookies.refreshTokenName()).isEqualTo("__Secure-refresh_token");
            });
    runner
        .withPropertyValues(
            "sessionkit.cookie.prefixed-names=true", "sessionkit.cookie.secure=false")
        .run(
            context ->
                assertThat(failure(context))
                    .hasMessageStartingWith("sessionkit.cookie is invalid")
                    .hasMessageContaining("prefixed-names=true need secure=true"));
  }

  @Test
  void badRefreshTokenPathNamesTheProperty() {
    runner
        .withPropertyValues("sessionkit.cookie.refresh-token-path=refresh")
        .run(
            context ->
                assertThat(failure(context))
                    .hasMessageStartingWith("sessionkit.cookie.refresh-token-path")
                    .hasMessageContaining("'refresh'"));
  }

  // --- other invalid settings ---

  @Test
  void idleTimeoutNotLongerThanTouchIntervalFailsWithTheFix() {
    runner
        .withPropertyValues("sessionkit.idle-timeout=30s", "sessionkit.touch-interval=1m")
        .run(
            context ->
                assertThat(failure(context))
                    .isInstanceOf(InvalidSessionKitConfigurationException.class)
                    .hasMessageContaining(
                        "sessionkit.idle-timeout must be longer than sessionkit.touch-interval, but"
                            + " was PT30S <= PT1M")
                    .hasMessageContaining("set sessionkit.idle-timeout=0"));
  }

  @Test
  void negativeMaxSessionsFails() {
    runner
        .withPropertyValues("sessionkit.max-sessions-per-user=-1")
        .run(
            context ->
                assertThat(failure(context))
                    .hasMessageStartingWith(
                        "sessionkit.max-sessions-per-user must be >= 0, but was -1"));
  }

  @Test
  void negativeOutageCapacityFails() {
    runner
        .withPropertyValues("sessionkit.outage.capacity=-1")
        .run(
            context ->
                assertThat(failure(context))
                    .hasMessageStartingWith("sessionkit.outage.capacity must be >= 0, but was -1"));
  }

  @Test
  void zeroReconcileIntervalFails() {
    runner
        .withPropertyValues("sessionkit.outage.reconcile-interval=0s")
        .run(
            context ->
                assertThat(failure(context))
                    .hasMessageContaining("sessionkit.outage.reconcile-interval"));
  }

  @Test
  void fractionalAccessTokenLifetimeFails() {
    runner
        .withPropertyValues("sessionkit.access-token-lifetime=1500ms")
        .run(
            context ->
                assertThat(failure(context))
                    .hasMessageStartingWith(
                        "sessionkit.access-token-lifetime must be whole seconds"));
  }

  @Test
  void sameSiteNoneWithoutSecureFails() {
    runner
        .withPropertyValues("sessionkit.cookie.same-site=None", "sessionkit.cookie.secure=false")
        .run(
            context ->
                assertThat(failure(context))
                    .isInstanceOf(InvalidSessionKitConfigurationException.class)
                    .hasMessageStartingWith("sessionkit.cookie is invalid")
                    .hasMessageContaining("SameSite=None needs sessionkit.cookie.secure=true"));
  }

  @Test
  void badPathPatternNamesTheProperty() {
    runner
        .withPropertyValues("sessionkit.paths.permit=/api/*/login")
        .run(
            context ->
                assertThat(failure(context))
                    .hasMessageStartingWith("sessionkit.paths.permit is invalid")
                    .hasMessageContaining("/api/*/login"));
  }

  @Test
  void badTrustedProxyNamesTheProperty() {
    runner
        .withPropertyValues("sessionkit.trusted-proxies=10.0.0.0/8,not-an-ip")
        .run(
            context ->
                assertThat(failure(context))
                    .hasMessageStartingWith("sessionkit.trusted-proxies is invalid"));
  }

  @Test
  void badAllowedOriginNamesTheProperty() {
    webRunner
        .withPropertyValues("sessionkit.allowed-origins=https://ok.example,ftp://nope/")
        .run(
            context ->
                assertThat(failure(context))
                    .hasMessageStartingWith("sessionkit.allowed-origins is invalid"));
  }

  @Test
  void badEndpointsBasePathNamesTheProperty() {
    runner
        .withPropertyValues("sessionkit.endpoints.base-path=/api/auth/")
        .run(
            context ->
                assertThat(failure(context))
                    .hasMessageStartingWith("sessionkit.endpoints.base-path must be"));
  }

  @Test
  void startupFailureIsReportedAsDescriptionAndAction() {
    var failure =
        new InvalidSessionKitConfigurationException("sessionkit.x must be y", "set it to y");
    var analysis =
        new InvalidSessionKitConfigurationFailureAnalyzer()
            .analyze(new IllegalStateException(failure));
    assertThat(analysis.getDescription())
        .isEqualTo("Invalid sessionkit configuration: sessionkit.x must be y.");
    assertThat(analysis.getAction()).isEqualTo("Fix the configuration: set it to y.");
  }

  @Test
  void aFailedStartPrintsTheProblemAndTheFix(CapturedOutput output) {
    SpringApplication app = new SpringApplication(MinimalApp.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    app.setDefaultProperties(Map.of("sessionkit.jwt.secret", "short-secret-value"));
    assertThatThrownBy(app::run).isInstanceOf(Exception.class);
    assertThat(output)
        .contains("APPLICATION FAILED TO START")
        .contains(
            "Invalid sessionkit configuration: sessionkit.jwt.secret must be at least 32 bytes in"
                + " UTF-8 for HS256, but was 18 bytes.")
        .contains("Fix the configuration: use a random secret of 32+ bytes")
        .doesNotContain("short-secret-value");
  }

  // --- servlet filters ---

  @Test
  void filtersAreRegisteredInAServletWebApplication() {
    webRunner.run(
        context -> {
          FilterRegistrationBean<?> auth = registration(context, "sessionKitAuthenticationFilter");
          FilterRegistrationBean<?> endpoints = registration(context, "sessionKitEndpoints");
          FilterRegistrationBean<?> bridge =
              registration(context, "sessionKitSecurityContextFilter");
          assertThat(auth.getUrlPatterns()).containsExactly("/*");
          assertThat(endpoints.getUrlPatterns()).containsExactly("/*");
          // our filters run first, then Spring Security's chain (-100 by default)
          assertThat(auth.getOrder()).isLessThan(bridge.getOrder());
          assertThat(bridge.getOrder()).isLessThan(endpoints.getOrder());
          assertThat(endpoints.getOrder()).isLessThan(-100);
        });
  }

  @Test
  void noFiltersInANonWebApplication() {
    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).doesNotHaveBean(FilterRegistrationBean.class);
          assertThat(context).hasSingleBean(SessionManager.class);
        });
  }

  @Test
  void endpointsFilterIsAbsentWhenEndpointsAreDisabled() {
    webRunner
        .withPropertyValues("sessionkit.endpoints.enabled=false")
        .run(
            context -> {
              assertThat(context).hasBean("sessionKitAuthenticationFilter");
              assertThat(context).doesNotHaveBean("sessionKitEndpoints");
            });
  }

  @Test
  void withoutSpringSecurityOnTheClassPathThereIsNoSecurityBridge() {
    webRunner
        .withClassLoader(new FilteredClassLoader(SecurityContextHolder.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasBean("sessionKitAuthenticationFilter");
              assertThat(context).doesNotHaveBean("sessionKitSecurityContextFilter");
            });
  }

  @Test
  void securityBridgeCanBeSwitchedOff() {
    webRunner
        .withPropertyValues("sessionkit.spring-security.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean("sessionKitSecurityContextFilter"));
  }

  // --- health ---

  @Test
  void healthIsUpWhenTheStoreAnswers() {
    runner.run(
        context -> {
          Health health =
              context.getBean("sessionKitHealthIndicator", HealthIndicator.class).health();
          assertThat(health.getStatus()).isEqualTo(Status.UP);
          assertThat(health.getDetails())
              .containsEntry("store", "in-memory")
              .containsEntry("available", true)
              .containsEntry("fallback", "jwt-only");
        });
  }

  @Test
  void healthStaysUpWithTheOutageInItsDetailsInJwtOnlyMode() {
    OutageStore store = new OutageStore(InMemorySessionStore.create());
    runner
        .withBean("outageStore", SessionStore.class, () -> store)
        .run(
            context -> {
              HealthIndicator indicator =
                  context.getBean("sessionKitHealthIndicator", HealthIndicator.class);
              store.goDown();
              Health down = indicator.health();
              assertThat(down.getStatus()).isEqualTo(Status.UP);
              assertThat(down.getDetails())
                  .containsEntry("available", false)
                  .containsEntry("fallback", "jwt-only")
                  .containsEntry("store", "OutageStore");
              store.comeBack();
              assertThat(indicator.health().getDetails()).containsEntry("available", true);
            });
  }

  @Test
  void healthIsDownWhenTheStoreIsUnreachableInDenyMode() {
    OutageStore store = new OutageStore(InMemorySessionStore.create());
    runner
        .withPropertyValues("sessionkit.fallback=deny")
        .withBean("outageStore", SessionStore.class, () -> store)
        .run(
            context -> {
              HealthIndicator indicator =
                  context.getBean("sessionKitHealthIndicator", HealthIndicator.class);
              store.goDown();
              Health health = indicator.health();
              assertThat(health.getStatus()).isEqualTo(Status.DOWN);
              assertThat(health.getDetails()).containsEntry("fallback", "deny");
              store.comeBack();
              assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
            });
  }

  @Test
  void noHealthIndicatorWithoutBootHealthSupport() {
    runner
        .withClassLoader(new FilteredClassLoader(HealthIndicator.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean("sessionKitHealthIndicator");
            });
  }

  // --- metrics ---

  @Test
  void metricsCountLoginsAuthenticationsRefreshesAndRevocations() {
    runner
        .withBean(SimpleMeterRegistry.class)
        .withPropertyValues("sessionkit.refresh-reuse-grace=0s")
        .run(
            context -> {
              assertThat(context).hasSingleBean(SessionKitMetrics.class);
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              SessionManager manager = context.getBean(SessionManager.class);
              assertThat(registry.get("sessionkit.store.available").gauge().value()).isEqualTo(1.0);
              assertThat(registry.get("sessionkit.logins").counter().count()).isZero();

              Login login = manager.login("u", Set.of(), new ClientInfo("1.2.3.4", "ua"));
              assertThat(registry.get("sessionkit.logins").counter().count()).isEqualTo(1.0);

              manager.authenticate(login.accessToken().value());
              manager.authenticate("not-a-token");
              assertThat(authentications(registry, "authenticated")).isEqualTo(1.0);
              assertThat(authentications(registry, "invalid_token")).isEqualTo(1.0);
              assertThat(registry.get("sessionkit.authentication").timer().count()).isEqualTo(2);

              var refreshed = manager.refresh(login.refreshToken().value(), ClientInfo.unknown());
              assertThat(refreshed.isRefreshed()).isTrue();
              assertThat(registry.get("sessionkit.refreshes").counter().count()).isEqualTo(1.0);

              // the rotated-away token again, with no grace: theft, the session is revoked
              manager.refresh(login.refreshToken().value(), ClientInfo.unknown());
              assertThat(registry.get("sessionkit.refresh.reuse").counter().count()).isEqualTo(1.0);
              assertThat(revocations(registry, "refresh_reuse")).isEqualTo(1.0);

              Login second = manager.login("u", Set.of(), ClientInfo.unknown());
              manager.logout(second.session().id(), ClientInfo.unknown());
              assertThat(revocations(registry, "logout")).isEqualTo(1.0);
            });
  }

  @Test
  void metricsCountEvictionsAndTheGaugeFollowsTheStore() {
    OutageStore store = new OutageStore(InMemorySessionStore.create());
    runner
        .withBean(SimpleMeterRegistry.class)
        .withBean("outageStore", SessionStore.class, () -> store)
        .withPropertyValues("sessionkit.max-sessions-per-user=1")
        .run(
            context -> {
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              SessionManager manager = context.getBean(SessionManager.class);
              manager.login("u", Set.of(), ClientInfo.unknown());
              manager.login("u", Set.of(), ClientInfo.unknown());
              // evictions are told once reclaimed, off the request path
              Await.atMost(Duration.ofSeconds(5))
                  .until(
                      "the eviction is counted",
                      () -> registry.get("sessionkit.evictions").counter().count() == 1.0);
              store.goDown();
              assertThat(registry.get("sessionkit.store.available").gauge().value()).isZero();
            });
  }

  @Test
  void requestsAcceptedWithoutTheStoreAreCountedApart() {
    OutageStore store = new OutageStore(InMemorySessionStore.create());
    runner
        .withBean(SimpleMeterRegistry.class)
        .withBean("outageStore", SessionStore.class, () -> store)
        .run(
            context -> {
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              SessionManager manager = context.getBean(SessionManager.class);
              Login login = manager.login("u", Set.of(), ClientInfo.unknown());
              manager.authenticate(login.accessToken().value());
              assertThat(registry.get("sessionkit.authentications.without.store").counter().count())
                  .isZero();

              store.goDown();
              manager.authenticate(login.accessToken().value());
              manager.authenticate(login.accessToken().value());

              assertThat(registry.get("sessionkit.authentications.without.store").counter().count())
                  .isEqualTo(2.0);
              assertThat(authentications(registry, "authenticated")).isEqualTo(3.0);
            });
  }

  @Test
  void applicationListenersAreWiredIntoTheManagerInOrder() {
    runner
        .withUserConfiguration(ListenerConfiguration.class)
        .run(
            context -> {
              ListenerConfiguration config = context.getBean(ListenerConfiguration.class);
              SessionManager manager = context.getBean(SessionManager.class);
              Login login = manager.login("u", Set.of(), ClientInfo.unknown());
              manager.authenticate(login.accessToken().value());
              assertThat(config.calls).startsWith("first:CREATED", "second:CREATED");
              assertThat(config.calls).contains("auth:AUTHENTICATED");
            });
  }

  @Test
  void healthAndMetricsAreOffWithSessionKit() {
    runner
        .withBean(SimpleMeterRegistry.class)
        .withPropertyValues("sessionkit.enabled=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean("sessionKitHealthIndicator");
              assertThat(context).doesNotHaveBean(SessionKitMetrics.class);
            });
  }

  @Test
  void noMetricsWithoutAMeterRegistryBean() {
    runner.run(context -> assertThat(context).doesNotHaveBean(SessionKitMetrics.class));
  }

  @Test
  void noMetricsWithoutMicrometerOnTheClassPath() {
    runner
        .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(SessionKitMetrics.class);
            });
  }

  // --- helpers ---

  private static double authentications(MeterRegistry registry, String outcome) {
    return registry.get("sessionkit.authentications").tag("outcome", outcome).counter().count();
  }

  private static double revocations(MeterRegistry registry, String reason) {
    return registry.get("sessionkit.revocations").tag("reason", reason).counter().count();
  }

  private static FilterRegistrationBean<?> registration(
      org.springframework.context.ApplicationContext context, String name) {
    return context.getBean(name, FilterRegistrationBean.class);
  }

  private static Session session() {
    Instant now = Instant.now();
    return new Session(
        "s-" + System.nanoTime(),
        "u",
        Set.of("USER"),
        now,
        now,
        now.plus(Duration.ofDays(1)),
        Duration.ZERO,
        "",
        "",
        Map.of());
  }

  /** The sessionkit configuration error in the start-up failure's cause chain. */
  private static Throwable failure(ApplicationContextAssertProvider<?> context) {
    assertThat(context).hasFailed();
    for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
      if (t instanceof InvalidSessionKitConfigurationException) {
        return t;
      }
    }
    throw new AssertionError("no sessionkit configuration error in", context.getStartupFailure());
  }

  private static String fullTrace(Throwable t) {
    var out = new java.io.StringWriter();
    t.printStackTrace(new java.io.PrintWriter(out));
    return out.toString();
  }

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration({
    SessionKitAutoConfiguration.class,
    SessionKitHealthAutoConfiguration.class,
    SessionKitMetricsAutoConfiguration.class
  })
  static class MinimalApp {}

  static class ClockUser {
    final Clock clock;

    ClockUser(Clock clock) {
      this.clock = clock;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class ListenerConfiguration {

    final List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Bean
    @Order(2)
    SessionListener second() {
      return event -> record("second", event);
    }

    @Bean
    @Order(1)
    SessionListener first() {
      return event -> record("first", event);
    }

    @Bean
    AuthenticationListener auth() {
      return (AuthenticationResult result, Duration took) -> calls.add("auth:" + result.status());
    }

    private void record(String who, SessionEvent event) {
      calls.add(who + ":" + event.type());
    }
  }
}
