package io.sessionkit.example;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.sessionkit.testing.RedisServer;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A private {@code redis-server} for one test class, started when Spring first asks for its URL,
 * and an operator's Lettuce connection to it. Register it as a static extension: it stops the
 * server when the class is done, after Spring has closed the app ({@code @DirtiesContext}), because
 * values in the class's JUnit store are closed after every after-all callback. So the app never
 * outlives its Redis, and no test touches the shared Redis on 6379.
 */
final class PrivateRedis implements BeforeAllCallback {

  private RedisServer server;
  private RedisClient client;
  private StatefulRedisConnection<String, String> connection;

  @Override
  public void beforeAll(ExtensionContext context) {
    context
        .getStore(
            ExtensionContext.Namespace.create(PrivateRedis.class, context.getRequiredTestClass()))
        .put("redis", (AutoCloseable) this::close);
  }

  /** The server's URL, for {@code sessionkit.redis.url}; starts it on first use. */
  synchronized String uri() {
    return server().uri();
  }

  synchronized RedisServer server() {
    if (server == null) {
      server = RedisServer.startLocal();
    }
    return server;
  }

  /** What {@code redis-cli} would do: synchronous commands on a connection of our own. */
  synchronized RedisCommands<String, String> cli() {
    if (connection == null) {
      client = RedisClient.create(uri());
      connection = client.connect();
    }
    return connection.sync();
  }

  private synchronized void close() {
    if (connection != null) {
      connection.close();
      client.shutdown();
      connection = null;
      client = null;
    }
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
