package io.sessionkit;

import java.util.Objects;

/**
 * The answer of {@link SessionStore#create}.
 *
 * @param status what happened
 * @param newDevice for {@link Status#CREATED}: whether none of the user's sessions of the last
 *     session lifetime came from this user agent
 * @param evicted for {@link Status#CREATED}: how many of the user's sessions were ended to keep the
 *     user within the limit; {@link SessionStore#reclaim(String)} reports them
 */
public record SessionCreation(Status status, boolean newDevice, int evicted) {

  /** What a create found. */
  public enum Status {
    /** The session was stored. */
    CREATED,
    /** A session with this id is stored already: an earlier attempt arrived, its answer lost. */
    ALREADY_CREATED,
    /**
     * The session has ended before this create arrived (logged out, revoked, evicted, logged out
     * everywhere, or past its end): it is not stored, and never will be.
     */
    ENDED
  }

  public SessionCreation {
    Objects.requireNonNull(status, "status");
    if (evicted < 0 || (status != Status.CREATED && (evicted > 0 || newDevice))) {
      throw new IllegalArgumentException("only a CREATED session can evict or be a new device");
    }
  }

  public static SessionCreation created(boolean newDevice, int evicted) {
    return new SessionCreation(Status.CREATED, newDevice, evicted);
  }

  public static SessionCreation alreadyCreated() {
    return new SessionCreation(Status.ALREADY_CREATED, false, 0);
  }

  public static SessionCreation ended() {
    return new SessionCreation(Status.ENDED, false, 0);
  }
}
