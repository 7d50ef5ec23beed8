package io.sessionkit.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.ActivityEntry;
import io.sessionkit.ActivityLog;
import io.sessionkit.ActivityLogContract;
import io.sessionkit.testing.MutableClock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InMemoryActivityLogTest extends ActivityLogContract {

  @Override
  protected ActivityLog createLog(MutableClock clock) {
    return InMemoryActivityLog.create(clock, MAX_ENTRIES, RETENTION);
  }

  @Test
  void aFeedIsForgottenOnceItsNewestEntryIsOlderThanTheRetention() {
    String user = newUser();
    log.record(
        new ActivityEntry(
            user, ActivityEntry.Type.LOGIN, clock.instant(), "", "", Optional.empty()));

    clock.advance(RETENTION);

    assertThat(log.recent(user, 10)).isEmpty();
  }

  @Test
  void settingsAreValidated() {
    assertThatThrownBy(() -> InMemoryActivityLog.create(clock, 0, RETENTION))
        .hasMessage("maxEntriesPerUser must be >= 1, but was 0");
    assertThatThrownBy(() -> InMemoryActivityLog.create(clock, 1, Duration.ZERO))
        .hasMessage("retention must be > 0, but was PT0S");
  }
}
