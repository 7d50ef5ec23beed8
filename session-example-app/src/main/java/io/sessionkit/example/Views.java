package io.sessionkit.example;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.sessionkit.ActivityEntry;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The JSON shapes of the contract that are this app's own. */
final class Views {

  private Views() {}

  record UserView(
      @JsonProperty("id") String id,
      @JsonProperty("username") String username,
      @JsonProperty("roles") Set<String> roles) {

    static UserView of(User user) {
      return new UserView(user.id(), user.username(), new TreeSet<>(user.roles()));
    }
  }

  record Registered(@JsonProperty("user") UserView user) {}

  record LoggedIn(
      @JsonProperty("message") String message,
      @JsonProperty("user") UserView user,
      @JsonProperty("session_id") String sessionId,
      @JsonProperty("access_token") String accessToken,
      @JsonProperty("access_token_expires_at") String accessTokenExpiresAt) {}

  record Me(@JsonProperty("user") UserView user, @JsonProperty("session_id") String sessionId) {}

  record Event(
      @JsonProperty("type") String type,
      @JsonProperty("at") String at,
      @JsonProperty("ip") String ip,
      @JsonProperty("user_agent") String userAgent,
      @JsonProperty("session_id") String sessionId) {

    static Event of(ActivityEntry entry) {
      return new Event(
          entry.type().wireName(),
          entry.at().toString(),
          entry.ip(),
          entry.userAgent(),
          entry.sessionId().orElse(null));
    }
  }

  record Activity(@JsonProperty("events") List<Event> events) {}

  record SessionsDeleted(@JsonProperty("sessions_deleted") int sessionsDeleted) {}
}
