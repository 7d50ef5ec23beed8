package io.sessionkit.spring;

import io.sessionkit.testing.RedisServer;

/**
 * One Redis for every HTTP test of the run, from the core test support ({@code REDIS_URL},
 * Testcontainers or a private {@code redis-server}); its shutdown hook stops it at the end.
 */
final class TestRedis {

  private static RedisServer server;

  private TestRedis() {}

  static synchronized String uri() {
    if (server == null) {
      server = RedisServer.start();
    }
    return server.uri();
  }
}
