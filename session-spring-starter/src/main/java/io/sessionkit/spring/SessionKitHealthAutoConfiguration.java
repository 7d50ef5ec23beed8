package io.sessionkit.spring;

import io.sessionkit.SessionManager;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code sessionKit} health component ({@code sessionKitHealthIndicator}, see {@link
 * SessionKitHealthIndicator}), when Spring Boot's health support is on the class path and there is
 * a {@link SessionManager}; off with {@code sessionkit.enabled=false}. Backs off when the
 * application defines a bean of that name.
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
}
