package io.sessionkit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of a user's activity feed ("your account was logged in from a new device"). Hosts make
 * entries with {@link SessionManager#activityEntry}, which stamps them by the manager's clock, or
 * {@link #of(String, Type, ClientInfo, Instant)}.
 *
 * @param userId whose feed it belongs to
 * @param type what happened
 * @param at when
 * @param ip the client address, or an empty string when unknown
 * @param userAgent the client's user agent, or an empty string when unknown
 * @param sessionId the session concerned, when there is one
 */
public record ActivityEntry(
    String userId, Type type, Instant at, String ip, String userAgent, Optional<String> sessionId) {

  /** What happened, with the name an API shows for it. */
  public enum Type {
    LOGIN("login"),
    LOGIN_FAILED("login_failed"),
    NEW_DEVICE_LOGIN("new_device_login"),
    LOGOUT("logout"),
    LOGOUT_ALL("logout_all"),
    SESSION_REVOKED("session_revoked"),
    SESSION_EVICTED("session_evicted"),
    REFRESH_REUSE_DETECTED("refresh_reuse_detected");

    private final String wireName;

    Type(String wireName) {
      this.wireName = wireName;
    }

    /** The lower-case name APIs and the stored entries use, e.g. {@code new_device_login}. */
    public String wireName() {
      return wireName;
    }

    /** The type with this wire name. */
    public static Optional<Type> fromWireName(String name) {
      for (Type type : values()) {
        if (type.wireName.equals(name)) {
          return Optional.of(type);
        }
      }
      return Optional.empty();
    }
  }

  public ActivityEntry {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(ip, "ip");
    Objects.requireNonNull(userAgent, "userAgent");
    Objects.requireNonNull(sessionId, "sessionId");
  }

  /** An entry without a session, such as {@link Type#LOGIN_FAILED}, at {@code at}. */
  public static ActivityEntry of(String userId, Type type, ClientInfo client, Instant at) {
    Objects.requireNonNull(client, "client");
    return new ActivityEntry(userId, type, at, client.ip(), client.userAgent(), Optional.empty());
  }

  /**
   * The entry a session event becomes in its user's feed, or empty for events the feed leaves out
   * (refreshes).
   */
  public static Optional<ActivityEntry> of(SessionEvent event) {
    // switch expressions: a new event type or reason does not compile until it is mapped here
    Optional<Type> type =
        switch (event.type()) {
          case CREATED -> Optional.of(Type.LOGIN);
          case NEW_DEVICE_LOGIN -> Optional.of(Type.NEW_DEVICE_LOGIN);
          case EVICTED -> Optional.of(Type.SESSION_EVICTED);
          case REFRESH_REUSE_DETECTED -> Optional.of(Type.REFRESH_REUSE_DETECTED);
          case REVOKED, ALL_REVOKED ->
              Optional.of(
                  switch (event.reason().orElseThrow()) {
                    case LOGOUT -> Type.LOGOUT;
                    case LOGOUT_ALL -> Type.LOGOUT_ALL;
                    case REVOKED, REFRESH_REUSE -> Type.SESSION_REVOKED;
                  });
          case REFRESHED -> Optional.empty();
        };
    return type.map(
        t ->
            new ActivityEntry(
                event.userId(),
                t,
                event.at(),
                event.client().ip(),
                event.client().userAgent(),
                event.sessionId()));
  }
}
