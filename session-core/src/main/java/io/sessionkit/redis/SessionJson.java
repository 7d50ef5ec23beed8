package io.sessionkit.redis;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionkit.Session;
import io.sessionkit.SessionKitException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The session JSON that {@code GET session:…} shows an operator.
 *
 * <p>Times are UTC ISO-8601 with exactly three fraction digits, so that the scripts can compare and
 * splice them as text; {@code last_active_at} comes before {@code attributes}, which the touch
 * script relies on. Unknown fields are ignored, so a later version may add some.
 */
final class SessionJson {

  static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private static final ObjectMapper MAPPER =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  @JsonPropertyOrder({
    "session_id",
    "user_id",
    "roles",
    "created_at",
    "last_active_at",
    "expires_at",
    "idle_timeout_ms",
    "ip",
    "user_agent",
    "attributes"
  })
  record Stored(
      @JsonProperty("session_id") String sessionId,
      @JsonProperty("user_id") String userId,
      @JsonProperty("roles") List<String> roles,
      @JsonProperty("created_at") String createdAt,
      @JsonProperty("last_active_at") String lastActiveAt,
      @JsonProperty("expires_at") String expiresAt,
      @JsonProperty("idle_timeout_ms") long idleTimeoutMs,
      @JsonProperty("ip") String ip,
      @JsonProperty("user_agent") String userAgent,
      @JsonProperty("attributes") Map<String, String> attributes) {}

  private SessionJson() {}

  static String write(Session session) {
    Stored stored =
        new Stored(
            session.id(),
            session.userId(),
            List.copyOf(new TreeSet<>(session.roles())),
            time(session.createdAt()),
            time(session.lastActiveAt()),
            time(session.expiresAt()),
            session.idleTimeout().toMillis(),
            session.clientIp(),
            session.userAgent(),
            session.attributes());
    try {
      return MAPPER.writeValueAsString(stored);
    } catch (JsonProcessingException e) {
      throw new SessionKitException("cannot write session " + session.id() + " as JSON", e);
    }
  }

  static Session read(String json) {
    try {
      Stored s = MAPPER.readValue(json, Stored.class);
      return new Session(
          s.sessionId(),
          s.userId(),
          s.roles() == null ? Set.of() : Set.copyOf(s.roles()),
          Instant.parse(s.createdAt()),
          Instant.parse(s.lastActiveAt()),
          Instant.parse(s.expiresAt()),
          Duration.ofMillis(s.idleTimeoutMs()),
          s.ip() == null ? "" : s.ip(),
          s.userAgent() == null ? "" : s.userAgent(),
          s.attributes() == null ? Map.of() : s.attributes());
    } catch (JsonProcessingException | RuntimeException e) {
      // only a foreign writer or a bug puts such JSON under our keys
      throw new SessionKitException("unreadable session JSON in Redis", e);
    }
  }

  static String time(Instant instant) {
    return TIME.format(instant);
  }
}
