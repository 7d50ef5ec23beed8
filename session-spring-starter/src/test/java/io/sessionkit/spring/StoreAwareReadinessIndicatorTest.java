package io.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.memory.InMemorySessionStore;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.ApplicationAvailabilityBean;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.support.StaticApplicationContext;

class StoreAwareReadinessIndicatorTest {

  private final ApplicationAvailabilityBean availability = new ApplicationAvailabilityBean();
  private final StoreReachability reachability =
      new StoreReachability(InMemorySessionStore.create(), "redis://127.0.0.1:1");
  private final StoreAwareReadinessIndicator indicator =
      new StoreAwareReadinessIndicator(availability, reachability);

  @Test
  void outOfServiceWhileTheStoreNeverAnsweredEvenWhenTheApplicationIsReady() {
    ready(ReadinessState.ACCEPTING_TRAFFIC);

    assertThat(indicator.health(false).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
  }

  @Test
  void theApplicationsOwnStateDecidesOnceTheStoreAnswered() {
    ready(ReadinessState.ACCEPTING_TRAFFIC);
    reachability.answered();
    assertThat(indicator.health(false).getStatus()).isEqualTo(Status.UP);

    ready(ReadinessState.REFUSING_TRAFFIC);
    assertThat(indicator.health(false).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
  }

  private void ready(ReadinessState state) {
    availability.onApplicationEvent(
        new AvailabilityChangeEvent<>(new StaticApplicationContext(), state));
  }
}
