package io.sessionkit;

import io.sessionkit.internal.SessionIds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the {@link OutageRecord} to the store once it answers again: every reconcile interval,
 * from the first change recorded during an outage until nothing is left to write.
 *
 * <p>Order matters: logouts everywhere first (so that logins made here after one are not ended by
 * it), then logins (as late creates, which the store refuses for sessions that ended meanwhile,
 * anywhere), then refresh rotations, one at a time and in order (so that the store still detects a
 * token reused from before the outage, and a retry after a lost answer is not mistaken for one),
 * then single ends. Each change is applied once; what fails because the store is still unreachable
 * is kept for the next attempt. Thread-safe: one write runs at a time.
 */
final class OutageRecordWriter {

  private static final Logger log = LoggerFactory.getLogger(OutageRecordWriter.class);

  private final SessionStore store;
  private final OutageRecord record;
  private final SessionEvents events;
  private final Reclaimer reclaimer;
  private final Background background;
  private final Clock clock;
  private final int maxSessionsPerUser;
  private final Duration sessionLifetime;
  private final Duration accessTokenLifetime;
  private final Duration interval;
  private @Nullable ScheduledFuture<?> schedule;

  OutageRecordWriter(
      SessionStore store,
      OutageRecord record,
      SessionEvents events,
      Reclaimer reclaimer,
      Background background,
      Clock clock,
      int maxSessionsPerUser,
      Duration sessionLifetime,
      Duration accessTokenLifetime,
      Duration interval) {
    this.store = store;
    this.record = record;
    this.events = events;
    this.reclaimer = reclaimer;
    this.background = background;
    this.clock = clock;
    this.maxSessionsPerUser = maxSessionsPerUser;
    this.sessionLifetime = sessionLifetime;
    this.accessTokenLifetime = accessTokenLifetime;
    this.interval = interval;
  }

  /** Makes sure the record gets written: starts the periodic write if it is not running. */
  synchronized void start() {
    if (schedule == null || schedule.isDone()) {
      schedule =
          background.every(
              interval,
              () -> {
                if (record.hasWritesPending()) {
                  try {
                    write();
                  } catch (RuntimeException e) {
                    log.warn(
                        "Writing the outage record failed; retrying in {} ms",
                        interval.toMillis(),
                        e);
                  }
                }
              });
    }
  }

  /**
   * Writes what can be written now.
   *
   * @return whether everything recorded has been written
   */
  synchronized boolean write() {
    try {
      writeAll();
      return !record.hasWritesPending();
    } catch (SessionStoreUnavailableException e) {
      return false;
    }
  }

  private void writeAll() {
    Instant now = clock.instant();
    int userEnds = 0;
    int created = 0;
    int replayed = 0;
    int ended = 0;
    for (Map.Entry<String, OutageRecord.UserEnd> entry : record.userEndsToWrite().entrySet()) {
      String userId = entry.getKey();
      int count = store.revokeAll(userId, entry.getValue().endedAt(), sessionLifetime);
      record.userEndWritten(userId, entry.getValue());
      reclaimer.reclaimLater(userId);
      events.emit(
          SessionEvent.allRevoked(
              now, userId, ClientInfo.unknown(), SessionEvent.RevocationReason.LOGOUT_ALL, count));
      userEnds++;
    }
    for (OutageRecord.LocalSession local : record.createdToWrite()) {
      if (record.whileLocked(() -> writeCreated(local))) {
        created++;
      }
    }
    for (Map.Entry<String, OutageRecord.LocalRotations> entry : record.rotationsToWrite()) {
      record.whileLocked(
          () -> {
            replay(entry.getKey(), entry.getValue(), now);
            return null;
          });
      replayed++;
    }
    for (String sessionId : record.endsToWrite()) {
      // a session this instance knew: marked even if the store does not hold it yet, so that
      // another instance's outage login of it is refused when written
      store
          .revoke(sessionId, sessionLifetime)
          .ifPresent(
              s ->
                  events.emit(
                      SessionEvent.of(
                          SessionEvent.Type.REVOKED,
                          now,
                          s,
                          ClientInfo.unknown(),
                          Optional.of(SessionEvent.RevocationReason.LOGOUT))));
      record.endWritten(sessionId);
      ended++;
    }
    if (userEnds + created + replayed + ended > 0) {
      log.info(
          "Session store is back: wrote what happened during the outage: {} logouts everywhere, {} sessions created, {} sessions' refresh rotations, {} sessions ended",
          userEnds,
          created,
          replayed,
          ended);
    }
  }

  // under the record's lock, so that no local rotation of the session races the write
  private boolean writeCreated(OutageRecord.LocalSession local) {
    Session session = local.session();
    if (record.pendingSession(session.id()).isEmpty()) {
      return false;
    }
    if (!session.isLiveAt(clock.instant())) {
      record.createdWritten(session.id());
      return false;
    }
    SessionCreation creation =
        store.create(
            new NewSession(
                session,
                local.refresh().generation(),
                local.refresh().currentHash(),
                local.refresh().tagKey(),
                true),
            maxSessionsPerUser);
    record.createdWritten(session.id());
    return switch (creation.status()) {
      case CREATED -> {
        if (creation.evicted() > 0) {
          reclaimer.reclaimLater(session.userId());
        }
        yield true;
      }
      // an earlier attempt arrived, its answer lost
      case ALREADY_CREATED -> true;
      case ENDED -> {
        // ended meanwhile, here or on another instance (logged out everywhere, say): stays ended
        record.refuseTokens(session.id(), clock.instant().plus(accessTokenLifetime));
        log.info(
            "Session {} created during the outage had ended before it could be written",
            SessionIds.shortForm(session.id()));
        yield false;
      }
    };
  }

  private void replay(String sessionId, OutageRecord.LocalRotations local, Instant now) {
    while (!local.rotations().isEmpty()) {
      // the store judges it as if it were happening now: a token rotated away before the outage
      // is caught as reused, and a retry after a lost answer is ALREADY_APPLIED
      RefreshRotation.Outcome outcome = store.rotate(local.rotations().get(0));
      switch (outcome.status()) {
        case ROTATED, GRACE_RETRY, ALREADY_APPLIED -> record.rotationWritten(sessionId, local);
        case REUSE_DETECTED -> {
          Session stolen = outcome.session().orElseThrow();
          log.warn(
              "Refresh token reuse on session {} of user {} found when writing the outage record: session revoked",
              SessionIds.shortForm(sessionId),
              stolen.userId());
          record.rotationsDone(sessionId, local);
          events.emit(
              SessionEvent.of(
                  SessionEvent.Type.REFRESH_REUSE_DETECTED,
                  now,
                  stolen,
                  ClientInfo.unknown(),
                  Optional.empty()));
          events.emit(
              SessionEvent.of(
                  SessionEvent.Type.REVOKED,
                  now,
                  stolen,
                  ClientInfo.unknown(),
                  Optional.of(SessionEvent.RevocationReason.REFRESH_REUSE)));
          return;
        }
        case INVALID -> {
          // this instance issued the token it rotated, yet the store has moved on: the session
          // was refreshed elsewhere too, so two holders have its token
          record.rotationsDone(sessionId, local);
          store
              .revoke(sessionId)
              .ifPresent(
                  s -> {
                    log.warn(
                        "Session {} was refreshed both here during the outage and elsewhere: session revoked",
                        SessionIds.shortForm(sessionId));
                    events.emit(
                        SessionEvent.of(
                            SessionEvent.Type.REVOKED,
                            now,
                            s,
                            ClientInfo.unknown(),
                            Optional.of(SessionEvent.RevocationReason.REFRESH_REUSE)));
                  });
          return;
        }
        case SESSION_NOT_FOUND -> {
          record.rotationsDone(sessionId, local);
          log.info(
              "Session {} refreshed during the outage has ended in the store meanwhile",
              SessionIds.shortForm(sessionId));
          return;
        }
      }
    }
  }
}
