package io.sessionkit.spring;

import io.sessionkit.SessionStore;
import io.sessionkit.memory.InMemorySessionStore;
import io.sessionkit.redis.RedisSessionStore;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * One configuration per session-store backend, imported by {@link SessionKitAutoConfiguration} in
 * order: Redis when it is configured, else in-memory. Each backs off when the application defines
 * its own {@link SessionStore}.
 */
final class StoreConfigurations {

  private static final Logger log = LoggerFactory.getLogger(SessionKitAutoConfiguration.class);

  private StoreConfigurations() {}

  /** The Redis store, when {@code sessionkit.redis.url} or {@code spring.data.redis.*} is set. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(SessionStore.class)
  @Conditional(RedisConfiguredCondition.class)
  static class Redis {

    @Bean
    SessionStore sessionKitStore(
        SessionKitProperties properties,
        Environment environment,
        @Qualifier(SessionKitAutoConfiguration.CLOCK_BEAN_NAME) Clock clock) {
      RedisLocation location =
          RedisLocation.resolve(environment)
              .orElseThrow(() -> new IllegalStateException("no Redis is configured"));
      SessionKitProperties.Redis redis = properties.getRedis();
      SessionKitBuilders.requirePositive(
          redis.getCommandTimeout(), "sessionkit.redis.command-timeout", "e.g. 500ms");
      SessionKitBuilders.requirePositive(
          redis.getConnectTimeout(), "sessionkit.redis.connect-timeout", "e.g. 1s");
      SessionKitBuilders.requirePositive(
          redis.getProbeInterval(), "sessionkit.redis.probe-interval", "e.g. 500ms");
      if (redis.getFailureThreshold() < 1) {
        throw new InvalidSessionKitConfigurationException(
            "sessionkit.redis.failure-threshold must be >= 1, but was "
                + redis.getFailureThreshold(),
            "use the number of failures in a row that opens the circuit breaker, e.g. 2");
      }
      RedisSessionStore.Builder builder;
      try {
        builder = RedisSessionStore.builder().uri(location.uri());
      } catch (IllegalArgumentException e) {
        // No cause attached: the parser's own exception underneath may quote the URI, and with
        // it a password.
        throw new InvalidSessionKitConfigurationException(
            location.source() + " could not be parsed as a Redis URI",
            "use redis://[user:password@]host:port/db, rediss://... for TLS, or"
                + " redis-sentinel://host:port#master");
      }
      RedisSessionStore store =
          builder
              .clock(clock)
              .commandTimeout(redis.getCommandTimeout())
              .connectTimeout(redis.getConnectTimeout())
              .failureThreshold(redis.getFailureThreshold())
              .probeInterval(redis.getProbeInterval())
              .build();
      log.info(
          "sessionkit: using the Redis session store at {} (from {})",
          location.safeDescription(),
          location.source());
      return store;
    }
  }

  /** The in-memory store, when no Redis is configured. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(SessionStore.class)
  static class InMemory {

    @Bean
    SessionStore sessionKitStore(
        @Qualifier(SessionKitAutoConfiguration.CLOCK_BEAN_NAME) Clock clock) {
      log.warn(
          "sessionkit: no Redis configured (sessionkit.redis.url or spring.data.redis.*): using"
              + " the in-memory session store; sessions are lost on restart and not shared"
              + " between instances");
      return InMemorySessionStore.create(clock);
    }
  }

  /** Matches when {@link RedisLocation#isConfigured} finds a Redis setting. */
  static final class RedisConfiguredCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(
        ConditionContext context, AnnotatedTypeMetadata metadata) {
      return RedisLocation.isConfigured(context.getEnvironment())
          ? ConditionOutcome.match("sessionkit.redis.url or spring.data.redis.* is set")
          : ConditionOutcome.noMatch("neither sessionkit.redis.url nor spring.data.redis.* is set");
    }
  }
}
