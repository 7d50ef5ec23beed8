package io.sessionkit.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.sessionkit.SessionStore;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link SessionKitMetrics} ({@code sessionKitMetrics}) when Micrometer is on the class path and
 * the application has a {@link MeterRegistry} bean (Spring Boot's actuator provides one); off with
 * {@code sessionkit.enabled=false}. The auto-configured {@code SessionManager} picks it up as a
 * listener. Backs off when the application defines its own {@link SessionKitMetrics}.
 */
@AutoConfiguration(
    after = SessionKitAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"
    })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBooleanProperty(prefix = "sessionkit", name = "enabled", matchIfMissing = true)
@ConditionalOnBean({MeterRegistry.class, SessionStore.class})
public final class SessionKitMetricsAutoConfiguration {

  /** Called by Spring. */
  public SessionKitMetricsAutoConfiguration() {}

  @Bean
  @ConditionalOnMissingBean
  SessionKitMetrics sessionKitMetrics(MeterRegistry registry, SessionStore store) {
    return new SessionKitMetrics(registry, store);
  }
}
