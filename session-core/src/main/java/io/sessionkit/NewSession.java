package io.sessionkit;

import java.util.Objects;

/**
 * What {@link SessionStore#create} stores: the session and the state of its first refresh token.
 * {@link #toString()} hides the tag key.
 *
 * @param session the session, with an id from {@link SessionStore#newSessionId(String)}
 * @param refreshGeneration the generation of the session's current refresh token: 0 for a login,
 *     more for a login made during an outage and refreshed before it was written
 * @param refreshHash the hash of that token's nonce
 * @param tagKey the key the session's refresh-token tags are made with
 * @param late whether this is a login made during an outage and written afterwards: such a create
 *     is refused also when the user logged out everywhere after {@link Session#createdAt()} (by the
 *     clocks of the instances involved)
 */
public record NewSession(
    Session session, int refreshGeneration, String refreshHash, String tagKey, boolean late) {

  public NewSession {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(refreshHash, "refreshHash");
    Objects.requireNonNull(tagKey, "tagKey");
    if (refreshGeneration < 0) {
      throw new IllegalArgumentException(
          "refreshGeneration must be >= 0, but was " + refreshGeneration);
    }
  }

  @Override
  public String toString() {
    return "NewSession[session=" + session.id() + ", late=" + late + ", tagKey=(hidden)]";
  }
}
