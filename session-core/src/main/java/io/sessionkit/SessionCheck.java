package io.sessionkit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether the session behind a verified access token is live: the answer of {@link
 * SessionStore#touch}, and of the manager's outage record while the store is unreachable.
 *
 * @param status the verdict
 * @param endsAt for {@link Status#LIVE}, when the session ends if nothing else happens to it (its
 *     absolute expiry, or the end of its idle timeout as of this check); empty otherwise
 */
public record SessionCheck(Status status, Optional<Instant> endsAt) {

  private static final SessionCheck ENDED = new SessionCheck(Status.ENDED, Optional.empty());
  private static final SessionCheck WITHOUT_STORE =
      new SessionCheck(Status.LIVE_WITHOUT_STORE, Optional.empty());

  /** The verdicts. */
  public enum Status {
    /** The store confirmed the session is live. */
    LIVE,
    /** The store could not be asked; nothing known on this instance says the session ended. */
    LIVE_WITHOUT_STORE,
    /** Revoked, evicted, logged out, idle too long or expired; or never a session. */
    ENDED
  }

  public SessionCheck {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(endsAt, "endsAt");
    if ((status == Status.LIVE) != endsAt.isPresent()) {
      throw new IllegalArgumentException("endsAt is present exactly for LIVE");
    }
  }

  /** Live, as confirmed by the store, until {@code endsAt} at the latest. */
  public static SessionCheck live(Instant endsAt) {
    return new SessionCheck(Status.LIVE, Optional.of(endsAt));
  }

  /** Live as far as can be told without the store. */
  public static SessionCheck liveWithoutStore() {
    return WITHOUT_STORE;
  }

  /** Ended, or never a session. */
  public static SessionCheck ended() {
    return ENDED;
  }

  /** Whether the token may be accepted. */
  public boolean isLive() {
    return status != Status.ENDED;
  }
}
