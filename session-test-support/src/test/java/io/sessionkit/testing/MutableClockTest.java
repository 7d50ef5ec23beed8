package io.sessionkit.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MutableClockTest {

  @Test
  void aStandingClockMovesOnlyWhenTold() {
    MutableClock clock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));

    clock.advance(Duration.ofMinutes(2));

    assertThat(clock.instant()).isEqualTo(Instant.parse("2030-01-01T00:02:00Z"));
    clock.set(Instant.parse("2031-01-01T00:00:00Z"));
    assertThat(clock.instant()).isEqualTo(Instant.parse("2031-01-01T00:00:00Z"));
  }

  @Test
  void aFlowingClockIsRealTimeShiftedByWhatTestsAdd() {
    MutableClock clock = MutableClock.flowing();
    Instant before = Instant.now();

    clock.advance(Duration.ofHours(1));

    assertThat(clock.instant())
        .isAfterOrEqualTo(before.plus(Duration.ofHours(1)))
        .isBeforeOrEqualTo(Instant.now().plus(Duration.ofHours(1)));
    clock.set(Instant.parse("2001-01-01T00:00:00Z"));
    assertThat(clock.instant())
        .isBetween(Instant.parse("2001-01-01T00:00:00Z"), Instant.parse("2001-01-01T00:01:00Z"));
  }
}
