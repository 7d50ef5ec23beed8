package io.sessionkit.redis;

import com.fasterxml.jackson.annotation.JsonInclude;
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
import org.jspecify.annotations.Nullable;

/**
 * The session record that {@code GET session:…} shows an operator: written once at login and never
 * changed, so a copy of it stays true until the session ends.
 *
 * <p>The session id is the key's last part, and the last activity lives in the user's state hash
 * (see {@code docs/redis-layout.md}), so neither is in the JSON; {@code idle_timeout_ms} and {@code
 * attributes} appear only when set. Times are UTC ISO-8601 with three fraction digits. Unknown
 * fields are ignored, so a later version may add some.
 */
final class SessionJson {

  static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private static final ObjectMapper MAPPER =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  @JsonPropertyOrder({
    "user_id",
    "roles",
    "created_at",
    "expires_at",
    "idle_timeout_ms",
    "ip",
    "user_agent",
    "attributes"
  })
  record Stored(
      @JsonProperty("user_id") String userId,
      @JsonProperty("roles") List<String> roles,
      @JsonProperty("created_at") String createdAt,
      @JsonProperty("expires_at") String expiresAt,
      @JsonProperty("idle_timeout_ms") @JsonInclude(JsonInclude.Include.NON_DEFAULT)
          long idleTimeoutMs,
      @JsonProperty("ip") String ip,
      @JsonProperty("user_agent") String userAgent,
      @JsonProperty("attributes") @JsonInclude(JsonInclude.Include.NON_EMPTY)
          Map<String, String> attributes) {}

  private SessionJson() {}

  static String write(Session session) {
    Stored stored =
        new Stored(
            session.userId(),
            List.copyOf(new TreeSet<>(session.roles())),
            time(session.createdAt()),
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

  /** The session with this id whose record is {@code json}, last active when it was created. */
  static Session read(String sessionId, String json) {
    return read(sessionId, json, null);
  }

  /** The session with this id whose record is {@code json}, last active at {@code lastActiveAt}. */
  static Session read(String sessionId, String json, @Nullable Instant lastActiveAt) {
    try {
      Stored s = MAPPER.readValue(json, Stored.class);
      Instant createdAt = Instant.parse(s.createdAt());
      return new Session(
          sessionId,
          s.userId(),
          s.roles() == null ? Set.of() : Set.copyOf(s.roles()),
          createdAt,
          lastActiveAt == null ? createdAt : lastActiveAt,
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
