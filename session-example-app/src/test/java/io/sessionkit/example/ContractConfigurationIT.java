package io.sessionkit.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.FallbackMode;
import io.sessionkit.SessionStore;
import io.sessionkit.memory.InMemorySessionStore;
import io.sessionkit.redis.RedisSessionStore;
import io.sessionkit.servlet.SessionCookies;
import io.sessionkit.spring.SessionKitProperties;
import io.sessionkit.testing.RedisServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The contract's start-up table: each environment variable reaches its setting, the defaults are
 * the contract's, and a short {@code JWT_SECRET} stops the start. Each test starts the app without
 * a web server, in an environment that holds exactly the given variables (the process's own
 * environment is left out, so a developer's {@code REDIS_URL} cannot change the outcome).
 */
@ExtendWith(OutputCaptureExtension.class)
class ContractConfigurationIT {

  @Test
  void theDefaultsAreTheContracts(CapturedOutput output) {
    try (ConfigurableApplicationContext app = start(Map.of())) {
      SessionKitProperties sessionKit = app.getBean(SessionKitProperties.class);

      assertThat(app.getEnvironment().getProperty("server.port")).isEqualTo("3456");
      assertThat(app.getBean(SessionStore.class)).isInstanceOf(InMemorySessionStore.class);
      assertThat(output.getAll()).contains("using the in-memory session store");
      assertThat(app.getBean(AccountStore.class)).isInstanceOf(InMemoryAccountStore.class);
      assertThat(sessionKit.getJwt().getSecret()).isNullOrEmpty();
      assertThat(output.getAll()).contains("signing access tokens with a random key");
      assertThat(sessionKit.getAccessTokenLifetime()).isEqualTo(Duration.ofMinutes(15));
      assertThat(sessionKit.getSessionLifetime()).isEqualTo(Duration.ofDays(7));
      assertThat(sessionKit.getFallback()).isEqualTo(FallbackMode.JWT_ONLY);
      assertThat(sessionKit.getMaxSessionsPerUser()).isZero();
      assertThat(sessionKit.getRefreshReuseGrace()).isEqualTo(Duration.ofSeconds(10));
      assertThat(app.getBean(SessionCookies.class).secure()).isTrue();
      assertThat(sessionKit.getAllowedOrigins()).isEmpty();
      assertThat(sessionKit.getLoginThrottle().getMaxFailures()).isEqualTo(5);
      assertThat(sessionKit.getLoginThrottle().getWindow()).isEqualTo(Duration.ofSeconds(60));
    }
  }

  @Test
  void eachVariableReachesItsSetting() {
    Map<String, Object> variables =
        Map.ofEntries(
            Map.entry("SERVER_PORT", "4567"),
            Map.entry("REDIS_URL", "redis://127.0.0.1:1/0"),
            Map.entry("JWT_SECRET", ContractSupport.SECRET),
            Map.entry("ACCESS_TOKEN_EXPIRE_MINUTES", "5"),
            Map.entry("REFRESH_TOKEN_EXPIRE_DAYS", "2"),
            Map.entry("SESSION_FALLBACK", "deny"),
            Map.entry("MAX_SESSIONS_PER_USER", "4"),
            Map.entry("REFRESH_REUSE_GRACE_SECONDS", "3"),
            Map.entry("COOKIE_SECURE", "false"),
            Map.entry("ALLOWED_ORIGINS", "https://a.example,https://b.example:8443"),
            Map.entry("LOGIN_MAX_ATTEMPTS", "7"),
            Map.entry("LOGIN_WINDOW_SECONDS", "30"),
            Map.entry("ADMIN_USERNAME", "operator"),
            Map.entry("ADMIN_PASSWORD", "operator-password"));
    try (ConfigurableApplicationContext app = start(variables)) {
      SessionKitProperties sessionKit = app.getBean(SessionKitProperties.class);

      assertThat(app.getEnvironment().getProperty("server.port")).isEqualTo("4567");
      // built without connecting: nothing listens on port 1
      assertThat(app.getBean(SessionStore.class)).isInstanceOf(RedisSessionStore.class);
      assertThat(sessionKit.getJwt().getSecret()).isEqualTo(ContractSupport.SECRET);
      assertThat(sessionKit.getAccessTokenLifetime()).isEqualTo(Duration.ofMinutes(5));
      assertThat(sessionKit.getSessionLifetime()).isEqualTo(Duration.ofDays(2));
      assertThat(sessionKit.getFallback()).isEqualTo(FallbackMode.DENY);
      assertThat(sessionKit.getMaxSessionsPerUser()).isEqualTo(4);
      assertThat(sessionKit.getRefreshReuseGrace()).isEqualTo(Duration.ofSeconds(3));
      assertThat(app.getBean(SessionCookies.class).secure()).isFalse();
      assertThat(sessionKit.getAllowedOrigins())
          .containsExactly("https://a.example", "https://b.example:8443");
      assertThat(sessionKit.getLoginThrottle().getMaxFailures()).isEqualTo(7);
      assertThat(sessionKit.getLoginThrottle().getWindow()).isEqualTo(Duration.ofSeconds(30));
      // the accounts are in that Redis too; the admin account is made once it answers
      assertThat(app.getBean(AccountStore.class)).isInstanceOf(RedisAccountStore.class);
      assertThat(app.getBean(ExampleProperties.class).admin())
          .isEqualTo(new ExampleProperties.Admin("operator", "operator-password"));
    }
  }

  @Test
  void aJwtSecretUnder32BytesIsAStartUpErrorNamingTheVariable(CapturedOutput output) {
    String secret = "only-31-bytes-long-secret-value";
    assertThat(secret).hasSize(31);

    assertThatThrownBy(() -> start(Map.of("JWT_SECRET", secret)).close())
        .satisfies(
            e -> {
              String messages = messages(e);
              assertThat(messages).contains("at least 32 bytes");
              assertThat(messages).doesNotContain(secret);
            });
    // the start-up failure report speaks of what the user set
    assertThat(output.getOut() + output.getErr())
        .contains("APPLICATION FAILED TO START")
        .contains("JWT_SECRET must be at least 32 bytes")
        .doesNotContain(secret);
  }

  @Test
  void theFailureReportNamesEachPropertyByItsVariable() {
    assertThat(ConfigurationFailureAnalyzer.variablesByProperty())
        .containsEntry("sessionkit.jwt.secret", "JWT_SECRET")
        .containsEntry("sessionkit.redis.url", "REDIS_URL")
        .containsEntry("sessionkit.max-sessions-per-user", "MAX_SESSIONS_PER_USER");
  }

  @Test
  void redisClusterNodesReachTheClusterSetting() {
    Map<String, Object> variables =
        Map.of(
            "REDIS_CLUSTER_NODES", "127.0.0.1:1,127.0.0.1:2", "JWT_SECRET", ContractSupport.SECRET);
    try (ConfigurableApplicationContext app = start(variables)) {
      // built without a cluster to connect to: nothing listens on ports 1 and 2
      assertThat(app.getBean(SessionStore.class)).isInstanceOf(RedisSessionStore.class);
      assertThat(app.getBean(SessionKitProperties.class).getRedis().getCluster().getNodes())
          .containsExactly("127.0.0.1:1", "127.0.0.1:2");
    }
  }

  @Test
  void aRedisUrlWithSeveralHostsIsAStartUpErrorNamingRedisClusterNodes() {
    assertThatThrownBy(
            () ->
                start(
                        Map.of(
                            "REDIS_URL",
                            "redis://127.0.0.1:7000,127.0.0.1:7001",
                            "JWT_SECRET",
                            ContractSupport.SECRET))
                    .close())
        .satisfies(e -> assertThat(messages(e)).contains("REDIS_CLUSTER_NODES"));
  }

  @Test
  void aRedisUrlThatReachesAClusterNodeIsAStartUpErrorNamingRedisClusterNodes() {
    try (RedisServer cluster = RedisServer.startCluster()) {
      assertThatThrownBy(
              () ->
                  start(
                          Map.of(
                              "REDIS_URL",
                              "redis://" + cluster.nodes().get(0),
                              "JWT_SECRET",
                              ContractSupport.SECRET))
                      .close())
          .satisfies(
              e ->
                  assertThat(messages(e))
                      .contains("cluster_enabled:1")
                      .contains("REDIS_CLUSTER_NODES"));
    }
  }

  private static ConfigurableApplicationContext start(Map<String, Object> variables) {
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
    environment
        .getPropertySources()
        .addLast(new MapPropertySource("contract-environment", variables));
    return new SpringApplicationBuilder(ExampleApplication.class)
        .web(WebApplicationType.NONE)
        .environment(environment)
        .run();
  }

  private static String messages(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    return all.toString();
  }
}
