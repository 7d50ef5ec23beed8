package io.sessionkit;

import java.util.Objects;
import java.util.Optional;

/**
 * The answer to {@link SessionManager#refresh(String, ClientInfo)}.
 *
 * @param status the verdict
 * @param session the session, for {@link Status#REFRESHED} (and, as it was, for {@link
 *     Status#REUSE_DETECTED})
 * @param accessToken a new access token, for {@link Status#REFRESHED}
 * @param refreshToken the rotated refresh token, for {@link Status#REFRESHED}; a retry of the
 *     previous token within the grace window gets the same one again
 */
public record Refresh(
    Status status,
    Optional<Session> session,
    Optional<AccessToken> accessToken,
    Optional<RefreshToken> refreshToken) {

  /** The verdicts. */
  public enum Status {
    /** New tokens were issued. */
    REFRESHED,
    /** The token had already been rotated away: theft is assumed and the session revoked. */
    REUSE_DETECTED,
    /** The token is not one of ours, or does not belong to its session. */
    INVALID_TOKEN,
    /** The token's session has ended. */
    SESSION_ENDED
  }

  public Refresh {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(accessToken, "accessToken");
    Objects.requireNonNull(refreshToken, "refreshToken");
    boolean tokens = accessToken.isPresent() && refreshToken.isPresent();
    if ((status == Status.REFRESHED) != tokens) {
      throw new IllegalArgumentException("tokens are present exactly when status is REFRESHED");
    }
  }

  static Refresh refreshed(Session session, AccessToken access, RefreshToken refresh) {
    return new Refresh(
        Status.REFRESHED, Optional.of(session), Optional.of(access), Optional.of(refresh));
  }

  static Refresh refused(Status status, Optional<Session> session) {
    return new Refresh(status, session, Optional.empty(), Optional.empty());
  }

  public boolean isRefreshed() {
    return status == Status.REFRESHED;
  }
}
