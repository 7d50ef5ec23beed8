package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.sessionkit.ActivityEntry;
import io.sessionkit.ActivityLog;
import io.sessionkit.ActivityLogContract;
import io.sessionkit.testing.MutableClock;
import io.sessionkit.testing.RedisExtension;
import io.sessionkit.testing.RedisServer;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisExtension.class)
class RedisActivityLogIT extends ActivityLogContract {

  private static String uri;
  private RedisSessionStore store;

  @BeforeAll
  static void redis(RedisServer server) {
    uri = server.uri();
  }

  @Override
  protected ActivityLog createLog(MutableClock clock) {
    store = RedisSessionStore.builder().uri(uri).clock(clock).build();
    return RedisActivityLog.sharing(store, MAX_ENTRIES, RETENTION);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void theFeedKeyHasTheRetentionAsItsTtl() {
    String user = newUser();
    log.record(
        new ActivityEntry(
            user, ActivityEntry.Type.LOGIN, clock.instant(), "", "", Optional.empty()));

    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      assertThat(
              connection
                  .sync()
                  .pttl(
                      "activity:{" + io.sessionkit.internal.SessionIds.userTag(user) + "}:" + user))
          .isBetween(RETENTION.toMillis() - 60_000, RETENTION.toMillis());
    } finally {
      client.shutdown();
    }
  }

  @Test
  void recordingWhileRedisIsDownDropsTheEntryInsteadOfFailing() {
    try (RedisServer down = RedisServer.startLocal();
        RedisSessionStore broken = RedisSessionStore.builder().uri(down.uri()).build()) {
      ActivityLog brokenLog = RedisActivityLog.sharing(broken, MAX_ENTRIES, RETENTION);
      down.stop();

      brokenLog.record(
          new ActivityEntry(
              newUser(), ActivityEntry.Type.LOGIN, clock.instant(), "", "", Optional.empty()));
    }
  }
}
