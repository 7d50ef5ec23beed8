package io.sessionkit.spring;

import io.sessionkit.ActivityLog;
import io.sessionkit.LoginThrottle;
import io.sessionkit.SessionStore;
import io.sessionkit.memory.InMemoryActivityLog;
import io.sessionkit.memory.InMemoryLoginThrottle;
import io.sessionkit.memory.InMemorySessionStore;
import io.sessionkit.redis.RedisActivityLog;
import io.sessionkit.redis.RedisLoginThrottle;
import io.sessionkit.redis.RedisSessionStore;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The backends, one configuration each, imported by {@link SessionKitAutoConfiguration} in this
 * order: the session store (Redis when it is configured, else in memory), then the activity log and
 * the login throttle (in the Redis of a {@link RedisSessionStore} bean, else in memory). Each bean
 * backs off when the application defines its own.
 */
final class StoreConfigurations {

  private static final Logger log = LoggerFactory.getLogger(SessionKitAutoConfiguration.class);

  private StoreConfigurations() {}

  /** The Redis store, when {@code sessionkit.redis.url} or {@code spring.data.redis.*} is set. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(SessionStore.class)
  @Conditional(RedisConfiguredCondition.class)
  static class RedisStore {

    @Bean
    RedisSessionStore sessionKitStore(
        SessionKitProperties properties,
        Environment environment,
        @Qualifier(SessionKitAutoConfiguration.CLOCK_BEAN_NAME) Clock clock) {
      RedisLocation location =
          RedisLocation.resolve(environment)
              .orElseThrow(() -> new IllegalStateException("no Redis is configured"));
      SessionKitBuilders.resolved(location.source(), location.uri());
      RedisSessionStore.Builder builder;
      try {
        builder = RedisSessionStore.builder().uri(location.uri());
      } catch (IllegalArgumentException e) {
        // Not through Setting, and no cause attached: RedisSessionStore.Builder#uri attaches
        // the parser's exception, whose message may quote the URI, and with it a password.
        throw new InvalidSessionKitConfigurationException(
            location.source() + " could not be parsed as a Redis URI",
            "use redis://[user:password@]host:port/db, rediss://... for TLS, or"
                + " redis-sentinel://host:port#master");
      }
      RedisSessionStore store = SessionKitBuilders.redisStore(builder, properties, clock);
      log.info(
          "sessionkit: using the Redis session store at {} (from {})",
          location.safeDescription(),
          location.source());
      return store;
    }
  }

  /**
   * Readiness and an ERROR while the Redis store has not answered since start; see {@link
   * StoreReachability}.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnSingleCandidate(RedisSessionStore.class)
  static class RedisReachability {

    @Bean
    @ConditionalOnMissingBean
    StoreReachability sessionKitStoreReachability(
        RedisSessionStore store,
        Environment environment,
        ApplicationEventPublisher publisher,
        ObjectProvider<ApplicationAvailability> availability) {
      String address =
          RedisLocation.resolve(environment)
              .map(RedisLocation::safeDescription)
              .orElse("(the application's RedisSessionStore bean)");
      return new StoreReachability(store, address, publisher, availability.getIfAvailable());
    }
  }

  /** The in-memory store, when no Redis is configured. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(SessionStore.class)
  static class InMemoryStore {

    @Bean
    InMemorySessionStore sessionKitStore(
        @Qualifier(SessionKitAutoConfiguration.CLOCK_BEAN_NAME) Clock clock,
        SessionKitProperties properties) {
      log.warn(
          "sessionkit: no Redis configured (sessionkit.redis.url or spring.data.redis.*): using"
              + " the in-memory session store; sessions are lost on restart and not shared"
              + " between instances");
      if (properties.getNearCache().isEnabled()) {
        log.warn(
            "sessionkit: sessionkit.near-cache.enabled is ignored: the in-memory store answers"
                + " on this instance already");
      }
      return InMemorySessionStore.create(clock);
    }
  }

  /** The activity log and login throttle in Redis, on the connection of the Redis store. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnSingleCandidate(RedisSessionStore.class)
  static class RedisActivity {

    @Bean
    @ConditionalOnMissingBean(ActivityLog.class)
    @ConditionalOnBooleanProperty(
        prefix = "sessionkit.activity",
        name = "enabled",
        matchIfMissing = true)
    RedisActivityLog sessionKitActivityLog(
        SessionKitProperties properties, RedisSessionStore store) {
      return SessionKitBuilders.activityLog(
          properties,
          (maxEntries, retention) -> RedisActivityLog.sharing(store, maxEntries, retention));
    }

    @Bean
    @ConditionalOnMissingBean(LoginThrottle.class)
    RedisLoginThrottle sessionKitLoginThrottle(
        SessionKitProperties properties, RedisSessionStore store) {
      return SessionKitBuilders.loginThrottle(
          properties, limits -> RedisLoginThrottle.sharing(store, limits));
    }
  }

  /** The activity log and login throttle in memory, when sessions are not in Redis. */
  @Configuration(proxyBeanMethods = false)
  static class InMemoryActivity {

    @Bean
    @ConditionalOnMissingBean(ActivityLog.class)
    @ConditionalOnBooleanProperty(
        prefix = "sessionkit.activity",
        name = "enabled",
        matchIfMissing = true)
    InMemoryActivityLog sessionKitActivityLog(
        SessionKitProperties properties,
        @Qualifier(SessionKitAutoConfiguration.CLOCK_BEAN_NAME) Clock clock) {
      return SessionKitBuilders.activityLog(
          properties,
          (maxEntries, retention) -> InMemoryActivityLog.create(clock, maxEntries, retention));
    }

    @Bean
    @ConditionalOnMissingBean(LoginThrottle.class)
    InMemoryLoginThrottle sessionKitLoginThrottle(
        SessionKitProperties properties,
        @Qualifier(SessionKitAutoConfiguration.CLOCK_BEAN_NAME) Clock clock) {
      return SessionKitBuilders.loginThrottle(
          properties, limits -> InMemoryLoginThrottle.create(clock, limits));
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
