package io.sessionkit.spring;

import io.sessionkit.SessionManager;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.health.application.ReadinessStateHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code sessionKit} health component ({@code sessionKitHealthIndicator}, see {@link
 * SessionKitHealthIndicator}), when Spring Boot's health support is on the class path and there is
 * a {@link SessionManager}; off with {@code sessionkit.enabled=false}. Backs off when the
 * application defines a bean of that name. With a Redis store, Boot's readiness indicator (when
 * Boot has one: probes or {@code management.health.readinessstate.enabled}) is replaced by a {@link
 * StoreAwareReadinessIndicator}: out of service until the store has answered once since start.
 */
@AutoConfiguration(after = SessionKitAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBooleanProperty(prefix = "sessionkit", name = "enabled", matchIfMissing = true)
@ConditionalOnBean(SessionManager.class)
public final class SessionKitHealthAutoConfiguration {

  /** Called by Spring. */
  public SessionKitHealthAutoConfiguration() {}

  @Bean
  @ConditionalOnMissingBean(name = "sessionKitHealthIndicator")
  HealthIndicator sessionKitHealthIndicator(
      SessionManager manager, ObjectProvider<StoreReachability> reachability) {
    return new SessionKitHealthIndicator(manager, reachability.getIfAvailable());
  }

  // static: a post-processor is created before the other beans; the store is looked up only when
  // Boot's readiness indicator is created, if Boot creates one (probes or the property enabled)
  @Bean
  static BeanPostProcessor sessionKitReadiness(
      ObjectProvider<StoreReachability> reachability,
      ObjectProvider<ApplicationAvailability> availability) {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String beanName) {
        // only Boot's own indicator: an application's subclass keeps its behaviour
        if (bean.getClass() != ReadinessStateHealthIndicator.class) {
          return bean;
        }
        StoreReachability store = reachability.getIfAvailable();
        ApplicationAvailability state = availability.getIfAvailable();
        return store == null || state == null
            ? bean
            : new StoreAwareReadinessIndicator(state, store);
      }
    };
  }
}
