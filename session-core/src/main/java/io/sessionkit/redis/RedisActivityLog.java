package io.sessionkit.redis;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.ScriptOutputType;
import io.sessionkit.ActivityEntry;
import io.sessionkit.ActivityLog;
import io.sessionkit.SessionKitException;
import io.sessionkit.internal.Require;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@link ActivityLog} in Redis, on the connection of a {@link RedisSessionStore}: one list
 * {@code activity:{tag}:<user id>} per user holding the newest entries as JSON, newest first, with
 * a TTL of {@code retention} after the newest entry. Recording sends one script and does not wait
 * for its answer (it leaves with the connection's next write); while Redis is unreachable entries
 * are dropped, and counted in the log. Thread-safe.
 */
public final class RedisActivityLog implements ActivityLog {

  private static final RedisScript RECORD = RedisScript.load("activity_record");
  private static final ObjectMapper MAPPER =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  record Stored(
      @JsonProperty("type") String type,
      @JsonProperty("at") String at,
      @JsonProperty("ip") String ip,
      @JsonProperty("user_agent") String userAgent,
      @JsonProperty("session_id") String sessionId) {}

  private final RedisBackend redis;
  private final RedisKeys keys;
  private final int maxEntriesPerUser;
  private final Duration retention;

  private RedisActivityLog(
      RedisBackend redis, RedisKeys keys, int maxEntriesPerUser, Duration retention) {
    this.redis = redis;
    this.keys = keys;
    this.maxEntriesPerUser = maxEntriesPerUser;
    this.retention = retention;
  }

  /**
   * A log in the Redis of {@code store}, on its connection, keeping the last {@code
   * maxEntriesPerUser} entries of each user for {@code retention} after the newest.
   */
  public static RedisActivityLog sharing(
      RedisSessionStore store, int maxEntriesPerUser, Duration retention) {
    Objects.requireNonNull(store, "store");
    Require.atLeast(maxEntriesPerUser, 1, "maxEntriesPerUser");
    Require.positive(retention, "retention");
    return new RedisActivityLog(store.backend(), store.keys(), maxEntriesPerUser, retention);
  }

  @Override
  public void record(ActivityEntry entry) {
    String json;
    try {
      json =
          MAPPER.writeValueAsString(
              new Stored(
                  entry.type().wireName(),
                  SessionJson.time(entry.at()),
                  entry.ip(),
                  entry.userAgent(),
                  entry.sessionId().orElse(null)));
    } catch (JsonProcessingException e) {
      throw new SessionKitException("cannot write an activity entry as JSON", e);
    }
    redis.runLater(
        new RedisBackend.ScriptCall(
            RECORD,
            ScriptOutputType.INTEGER,
            new String[] {keys.activity(entry.userId())},
            new String[] {
              json, Integer.toString(maxEntriesPerUser), Long.toString(retention.toMillis())
            }));
  }

  @Override
  public List<ActivityEntry> recent(String userId, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    List<String> jsons =
        redis.call(commands -> commands.lrange(keys.activity(userId), 0, limit - 1));
    List<ActivityEntry> entries = new ArrayList<>(jsons.size());
    for (String json : jsons) {
      try {
        Stored s = MAPPER.readValue(json, Stored.class);
        Optional<ActivityEntry.Type> type = ActivityEntry.Type.fromWireName(s.type());
        // entries of types a later version added are left out rather than failing the feed
        type.ifPresent(
            t ->
                entries.add(
                    new ActivityEntry(
                        userId,
                        t,
                        Instant.parse(s.at()),
                        s.ip() == null ? "" : s.ip(),
                        s.userAgent() == null ? "" : s.userAgent(),
                        Optional.ofNullable(s.sessionId()))));
      } catch (JsonProcessingException | RuntimeException e) {
        throw new SessionKitException("unreadable activity entry in Redis for user " + userId, e);
      }
    }
    return entries;
  }
}
