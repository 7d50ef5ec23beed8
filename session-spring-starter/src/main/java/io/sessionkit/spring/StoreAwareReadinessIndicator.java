package io.sessionkit.spring;

import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.application.ReadinessStateHealthIndicator;

/**
 * Boot's readiness probe ({@code /actuator/health/readiness}), refusing traffic while the Redis
 * session store has not answered once since start: a wrong Redis address must not look ready. Once
 * the store has answered, the application's own readiness state decides, as without sessionkit.
 */
final class StoreAwareReadinessIndicator extends ReadinessStateHealthIndicator {

  private final StoreReachability reachability;

  StoreAwareReadinessIndicator(
      ApplicationAvailability availability, StoreReachability reachability) {
    super(availability);
    this.reachability = reachability;
  }

  @Override
  protected AvailabilityState getState(ApplicationAvailability availability) {
    return reachability.reachedSinceStart()
        ? super.getState(availability)
        : ReadinessState.REFUSING_TRAFFIC;
  }
}
