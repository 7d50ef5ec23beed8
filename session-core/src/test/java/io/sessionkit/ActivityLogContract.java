package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link ActivityLog} must have; each implementation's test extends it. */
public abstract class ActivityLogContract {

  protected static final int MAX_ENTRIES = 5;
  protected static final Duration RETENTION = Duration.ofDays(7);

  protected MutableClock clock;
  protected ActivityLog log;
  private final String runId = Long.toString(System.nanoTime(), 36);
  private int userCounter;

  /** A log keeping {@link #MAX_ENTRIES} entries per user for {@link #RETENTION}. */
  protected abstract ActivityLog createLog(MutableClock clock);

  @BeforeEach
  void openLog() {
    clock = MutableClock.atNow();
    log = createLog(clock);
  }

  protected String newUser() {
    return "user-" + runId + "-" + (++userCounter);
  }

  private ActivityEntry entry(String user, ActivityEntry.Type type) {
    clock.advance(Duration.ofSeconds(1));
    return new ActivityEntry(
        user, type, clock.instant(), "192.0.2.1", "Firefox", Optional.of("s-" + userCounter));
  }

  @Test
  void entriesComeBackNewestFirstWithEveryField() {
    String user = newUser();
    ActivityEntry login = entry(user, ActivityEntry.Type.LOGIN);
    ActivityEntry failed =
        new ActivityEntry(
            user,
            ActivityEntry.Type.LOGIN_FAILED,
            clock.instant().plusSeconds(1),
            "",
            "",
            Optional.empty());

    log.record(login);
    log.record(failed);

    assertThat(log.recent(user, 10)).containsExactly(failed, login);
  }

  @Test
  void eachUserKeepsOnlyTheNewestEntries() {
    String user = newUser();
    String other = newUser();
    for (int i = 0; i < MAX_ENTRIES + 3; i++) {
      log.record(entry(user, ActivityEntry.Type.LOGIN));
    }
    ActivityEntry others = entry(other, ActivityEntry.Type.LOGOUT);
    log.record(others);

    List<ActivityEntry> recent = log.recent(user, 100);
    assertThat(recent).hasSize(MAX_ENTRIES);
    assertThat(recent).extracting(ActivityEntry::at).isSortedAccordingTo((a, b) -> b.compareTo(a));
    assertThat(log.recent(user, 2)).containsExactlyElementsOf(recent.subList(0, 2));
    assertThat(log.recent(other, 100)).containsExactly(others);
    assertThat(log.recent(newUser(), 100)).isEmpty();
    assertThat(log.recent(user, 0)).isEmpty();
  }

  @Test
  void sessionEventsBecomeTheirFeedEntries() {
    String user = newUser();
    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    Session session =
        new Session(
            "s1", user, Set.of(), now, now, now.plus(RETENTION), Duration.ZERO, "", "", Map.of());
    ClientInfo client = new ClientInfo("198.51.100.9", "Safari");

    log.onEvent(SessionEvent.of(SessionEvent.Type.CREATED, now, session, client, Optional.empty()));
    log.onEvent(
        SessionEvent.of(
            SessionEvent.Type.REFRESHED, now.plusSeconds(1), session, client, Optional.empty()));
    log.onEvent(
        SessionEvent.of(
            SessionEvent.Type.REVOKED,
            now.plusSeconds(2),
            session,
            client,
            Optional.of(SessionEvent.RevocationReason.REVOKED)));

    assertThat(log.recent(user, 10))
        .extracting(ActivityEntry::type)
        .containsExactly(ActivityEntry.Type.SESSION_REVOKED, ActivityEntry.Type.LOGIN);
    assertThat(log.recent(user, 10).get(1))
        .isEqualTo(
            new ActivityEntry(
                user, ActivityEntry.Type.LOGIN, now, "198.51.100.9", "Safari", Optional.of("s1")));
  }
}
