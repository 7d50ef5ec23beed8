package io.sessionkit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened to a session, as told to every {@link SessionListener}.
 *
 * @param type what happened
 * @param at when, by the manager's clock
 * @param session the session concerned, as it was when the event happened
 * @param client the client that caused the event; for revocations by another session or by an
 *     operator, the client that asked for it, or {@link ClientInfo#unknown()}
 * @param reason why the session ended, for {@link Type#REVOKED} only
 */
public record SessionEvent(
    Type type, Instant at, Session session, ClientInfo client, Optional<RevocationReason> reason) {

  /** The kinds of session events. */
  public enum Type {
    /** A login created the session. */
    CREATED,
    /**
     * The login came from a device (user agent) that none of the user's other live sessions use.
     */
    NEW_DEVICE_LOGIN,
    /** The refresh token was rotated and a new access token issued. */
    REFRESHED,
    /** The session was ended by logout, logout-all, revocation or theft detection. */
    REVOKED,
    /** The session was ended to keep the user within the per-user session limit. */
    EVICTED,
    /** An already-rotated refresh token was presented; the session has been revoked. */
    REFRESH_REUSE_DETECTED
  }

  /** Why a session was revoked. */
  public enum RevocationReason {
    /** The session logged itself out. */
    LOGOUT,
    /** The user logged out of all sessions. */
    LOGOUT_ALL,
    /** The session was revoked by id: by the user from another session, or by an operator. */
    REVOKED,
    /** A rotated refresh token was reused. */
    REFRESH_REUSE
  }

  public SessionEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(reason, "reason");
    if ((type == Type.REVOKED) != reason.isPresent()) {
      throw new IllegalArgumentException("a reason is given exactly for REVOKED events");
    }
  }

  /** The id of the user the session belongs to. */
  public String userId() {
    return session.userId();
  }

  /** The id of the session concerned. */
  public String sessionId() {
    return session.id();
  }
}
