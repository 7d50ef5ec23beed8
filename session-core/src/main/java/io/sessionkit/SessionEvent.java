package io.sessionkit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened to a session, or to all of a user's sessions, as told to every {@link
 * SessionListener}.
 *
 * @param type what happened
 * @param at when, by the manager's clock
 * @param userId the user concerned
 * @param session the session concerned, as it was when the event happened; empty exactly for {@link
 *     Type#ALL_REVOKED}
 * @param client the client that caused the event; for revocations by another session or by an
 *     operator, the client that asked for it, or {@link ClientInfo#unknown()}
 * @param reason why the sessions ended, for {@link Type#REVOKED} and {@link Type#ALL_REVOKED} only
 * @param sessionsEnded how many live sessions the event ended: 1 for {@link Type#REVOKED}, {@link
 *     Type#EVICTED} and {@link Type#REFRESH_REUSE_DETECTED}, any number for {@link
 *     Type#ALL_REVOKED}, 0 otherwise
 */
public record SessionEvent(
    Type type,
    Instant at,
    String userId,
    Optional<Session> session,
    ClientInfo client,
    Optional<RevocationReason> reason,
    int sessionsEnded) {

  /** The kinds of session events. */
  public enum Type {
    /** A login created the session. */
    CREATED,
    /**
     * The login came from a device (user agent) that none of the user's sessions of the last
     * session lifetime came from.
     */
    NEW_DEVICE_LOGIN,
    /** The refresh token was rotated and a new access token issued. */
    REFRESHED,
    /** The session was ended by logout, revocation or theft detection. */
    REVOKED,
    /** Every session of the user was ended: a logout everywhere, or an operator's revoke-all. */
    ALL_REVOKED,
    /** The session was ended to keep the user within the per-user session limit. */
    EVICTED,
    /** An already-rotated refresh token was presented; the session has been revoked. */
    REFRESH_REUSE_DETECTED
  }

  /** Why sessions were revoked. */
  public enum RevocationReason {
    /** The session logged itself out. */
    LOGOUT,
    /** The user logged out of all sessions. */
    LOGOUT_ALL,
    /** Revoked by id or all at once: by the user from another session, or by an operator. */
    REVOKED,
    /** A rotated refresh token was reused. */
    REFRESH_REUSE
  }

  public SessionEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(reason, "reason");
    if ((type == Type.ALL_REVOKED) == session.isPresent()) {
      throw new IllegalArgumentException(
          "a session is given exactly for events other than ALL_REVOKED");
    }
    if ((type == Type.REVOKED || type == Type.ALL_REVOKED) != reason.isPresent()) {
      throw new IllegalArgumentException("a reason is given exactly for REVOKED and ALL_REVOKED");
    }
    session.ifPresent(
        s -> {
          if (!s.userId().equals(userId)) {
            throw new IllegalArgumentException("the session belongs to another user");
          }
        });
    if (sessionsEnded < 0) {
      throw new IllegalArgumentException("sessionsEnded must be >= 0, but was " + sessionsEnded);
    }
  }

  /** An event about one session. */
  public static SessionEvent of(
      Type type,
      Instant at,
      Session session,
      ClientInfo client,
      Optional<RevocationReason> reason) {
    int ended =
        switch (type) {
          case REVOKED, EVICTED, REFRESH_REUSE_DETECTED -> 1;
          case CREATED, NEW_DEVICE_LOGIN, REFRESHED, ALL_REVOKED -> 0;
        };
    return new SessionEvent(
        type, at, session.userId(), Optional.of(session), client, reason, ended);
  }

  /** The event of ending every session of a user. */
  public static SessionEvent allRevoked(
      Instant at, String userId, ClientInfo client, RevocationReason reason, int sessionsEnded) {
    return new SessionEvent(
        Type.ALL_REVOKED, at, userId, Optional.empty(), client, Optional.of(reason), sessionsEnded);
  }

  /** The id of the session concerned, when the event is about one session. */
  public Optional<String> sessionId() {
    return session.map(Session::id);
  }
}
