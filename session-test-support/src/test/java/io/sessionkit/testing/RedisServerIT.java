package io.sessionkit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisExtension.class)
class RedisServerIT {

  // Small, so that a paused server costs each test half a second, not a minute.
  // commands to a paused server time out after this; connecting gets longer (HANDSHAKE_TIMEOUT),
  // since the connection's handshake runs under the command timeout and a loaded machine can take
  // more than 500 ms to answer it
  private static final Duration TIMEOUT = Duration.ofMillis(500);
  private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  // One set of Netty threads for all clients: creating them per client costs more than a test.
  private static ClientResources resources;

  @BeforeAll
  static void createClientResources() {
    resources =
        DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
  }

  @AfterAll
  static void shutDownClientResources() {
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  @Test
  void sharedServerAnswersPing(RedisServer redis) {
    RedisClient client = client(redis);
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      assertThat(connection.sync().ping()).isEqualTo("PONG");
      assertThat(redis.source())
          .isIn(
              RedisServer.SOURCE_ENV,
              RedisServer.SOURCE_TESTCONTAINERS,
              RedisServer.SOURCE_REDIS_SERVER);
      assertThat(redis.port()).isPositive();
    } finally {
      shutdown(client);
    }
  }

  @Test
  void pausedServerTimesOutCommandsUntilResumed() {
    try (RedisServer redis = RedisServer.startLocal()) {
      RedisClient client = client(redis);
      try (StatefulRedisConnection<String, String> connection = client.connect()) {
        connection.setTimeout(TIMEOUT);
        RedisCommands<String, String> commands = connection.sync();
        commands.set("paused:key", "value");

        redis.pause();
        assertThat(redis.isRunning()).isTrue();
        assertThatThrownBy(() -> commands.get("paused:key"))
            .isInstanceOf(RedisCommandTimeoutException.class);

        redis.resume();
        assertThat(commands.get("paused:key")).isEqualTo("value");
      } finally {
        shutdown(client);
      }
    }
  }

  @Test
  void stoppedServerRefusesConnectionsAndRestartsEmptyOnTheSamePort() throws Exception {
    try (RedisServer redis = RedisServer.startLocal()) {
      int port = redis.port();
      RedisClient client = client(redis);
      try {
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
          connection.sync().set("stopped:key", "value");
        }

        redis.stop();
        assertThat(redis.isRunning()).isFalse();
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
            .isInstanceOf(ConnectException.class);
        assertThatThrownBy(client::connect).isInstanceOf(RedisConnectionException.class);

        redis.restart();
        assertThat(redis.port()).isEqualTo(port);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
          assertThat(connection.sync().get("stopped:key")).isNull();
        }
      } finally {
        shutdown(client);
      }
    }
  }

  @Test
  void serverStoppedWithDumpRestartsWithItsKeys() {
    try (RedisServer redis = RedisServer.startLocal()) {
      RedisClient client = client(redis);
      try {
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
          connection.sync().set("dumped:key", "value");
        }

        redis.stop(true);
        redis.restartFromDump();

        try (StatefulRedisConnection<String, String> connection = client.connect()) {
          assertThat(connection.sync().get("dumped:key")).isEqualTo("value");
        }
      } finally {
        shutdown(client);
      }
    }
  }

  @Test
  void flushAllEmptiesAPrivateServer() {
    try (RedisServer redis = RedisServer.startLocal()) {
      RedisClient client = client(redis);
      try (StatefulRedisConnection<String, String> connection = client.connect()) {
        connection.sync().set("flushed:key", "value");

        redis.flushAll();

        assertThat(connection.sync().dbsize()).isZero();
      } finally {
        shutdown(client);
      }
    }
  }

  @Test
  void closingAPausedServerLeavesNoProcessAndNoFilesBehind() {
    RedisServer redis = RedisServer.startLocal();
    ProcessHandle process = ProcessHandle.of(redis.pid().orElseThrow()).orElseThrow();
    Path directory = redis.directory().orElseThrow();
    assertThat(process.isAlive()).isTrue();
    redis.pause();

    redis.close();

    assertThat(process.isAlive()).isFalse();
    assertThat(Files.exists(directory)).isFalse();
    assertThat(redis.isRunning()).isFalse();
    assertThatThrownBy(redis::restart).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void serverFromRedisUrlIsNeverPausedStoppedOrFlushed() {
    try (RedisServer redis =
        RedisServer.start(Map.of("REDIS_URL", "redis://user:s3cret@127.0.0.1:1"))) {
      assertThat(redis.source()).isEqualTo(RedisServer.SOURCE_ENV);
      assertThat(redis.uri()).isEqualTo("redis://user:s3cret@127.0.0.1:1");
      assertThat(redis.port()).isEqualTo(1);
      assertThat(redis.toString()).doesNotContain("s3cret");

      assertThatThrownBy(redis::pause)
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("RedisServer.startLocal()")
          .hasMessageNotContaining("s3cret");
      assertThatThrownBy(redis::stop).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(redis::restart).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(redis::flushAll).isInstanceOf(UnsupportedOperationException.class);
    }
    assertThatThrownBy(() -> RedisServer.start(Map.of("REDIS_URL", "redis://127.0.0.1:")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("redis://host:port");
  }

  @Test
  void missingRedisServerBinaryFailsWithAMessageSayingHowToProvideRedis() {
    assertThatThrownBy(() -> RedisServer.startLocal(Map.of("PATH", "/nonexistent")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("REDIS_URL=redis://host:port")
        .hasMessageContaining("apt-get install redis-server")
        .hasMessageContaining("REDIS_SERVER_BIN")
        .hasMessageContaining("Docker");
    assertThatThrownBy(
            () -> RedisServer.startLocal(Map.of("REDIS_SERVER_BIN", "/nonexistent/redis-server")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("REDIS_SERVER_BIN must name an executable file")
        .hasMessageContaining("/nonexistent/redis-server");
  }

  private static RedisClient client(RedisServer redis) {
    RedisURI uri = RedisURI.create(redis.uri());
    uri.setTimeout(HANDSHAKE_TIMEOUT);
    RedisClient client = RedisClient.create(resources, uri);
    client.setOptions(
        ClientOptions.builder()
            // a test that stops Redis wants a refused connect, not reconnect attempts
            .autoReconnect(false)
            .socketOptions(SocketOptions.builder().connectTimeout(TIMEOUT).build())
            .build());
    return client;
  }

  private static void shutdown(RedisClient client) {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
