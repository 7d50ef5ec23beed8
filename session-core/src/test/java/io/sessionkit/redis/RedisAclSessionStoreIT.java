package io.sessionkit.redis;

import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreContract;
import io.sessionkit.testing.MutableClock;
import io.sessionkit.testing.RedisExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store contract as a Redis user allowed exactly the commands docs/production.md lists, and no
 * others: if the store ever sends one more command, this fails (NOPERM), and the list in the docs
 * must grow with it.
 */
class RedisAclSessionStoreIT extends SessionStoreContract {

  /** The ACL rule of docs/production.md, word for word. */
  static final String RULE =
      "on >sessionkit-acl-test-password ~* resetchannels &sessionkit-ends -@all"
          + " +hello +auth +client|setname +select +ping +info"
          + " +evalsha +eval +script|load +mget +lrange +subscribe +wait"
          + " +client|tracking +client|caching"
          + " +time +get +set +del +unlink +exists +rename +pexpire +pttl +publish +incr +decr"
          + " +lpush +ltrim +hget +hmget +hset +hdel +hexists +zadd +zrem +zscore +zcard +zcount"
          + " +zrange +zrangebyscore +zrevrange +zrevrangebyscore +zrevrank +zremrangebyrank"
          + " +zremrangebyscore +zunionstore";

  @RegisterExtension static final RedisExtension REDIS = RedisExtension.privateServer(args());

  private static String[] args() {
    List<String> args = new ArrayList<>(List.of("--user", "sessionkit"));
    args.addAll(List.of(RULE.split(" ")));
    return args.toArray(String[]::new);
  }

  @Override
  protected SessionStore createStore(MutableClock clock) {
    return RedisSessionStore.builder()
        .uri("redis://sessionkit:sessionkit-acl-test-password@127.0.0.1:" + REDIS.server().port())
        .clock(clock)
        .build();
  }
}
