package io.sessionkit.redis;

import io.sessionkit.Login;
import io.sessionkit.testing.RedisExtension;
import io.sessionkit.testing.RedisServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link FailoverUnderLoad} on a master and replica behind three Sentinels. */
class RedisSentinelFailoverIT extends FailoverUnderLoad {

  @RegisterExtension static final RedisExtension SENTINEL = RedisExtension.privateSentinel();

  @Override
  RedisServer topology() {
    return SENTINEL.server();
  }

  @Override
  RedisSessionStore.Builder storeOn(RedisServer topology) {
    return RedisSessionStore.builder().uri(topology.uri());
  }

  @Override
  String masterHolding(Login login) {
    return topology().masterOf("");
  }
}
