package io.sessionkit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TcpProxyIT {

  // how long a command waits for its reply; connecting gets longer, the machine may be busy
  private static final Duration TIMEOUT = Duration.ofMillis(300);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private static RedisServer redis;
  // One set of Netty threads for all clients: creating them per client costs more than a test.
  private static ClientResources resources;

  private TcpProxy proxy;
  private RedisClient client;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.startLocal();
    resources =
        DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
  }

  @AfterAll
  static void stopRedis() {
    resources.shutdown(0, 2, TimeUnit.SECONDS);
    redis.close();
  }

  @BeforeEach
  void startProxy() {
    proxy = TcpProxy.start(redis.port());
    RedisURI uri = RedisURI.create(proxy.uri());
    uri.setTimeout(CONNECT_TIMEOUT);
    client = RedisClient.create(resources, uri);
    // no reconnecting behind the test's back: each connection is the one the test opened
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(false)
            .timeoutOptions(TimeoutOptions.enabled(TIMEOUT))
            .build());
  }

  @AfterEach
  void closeProxy() {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    proxy.close();
  }

  @Test
  void forwardsCommandsAndRepliesBothWays() {
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      assertThat(connection.sync().ping()).isEqualTo("PONG");
      String big = "x".repeat(100_000);
      connection.sync().set("tcp-proxy-test", big);
      assertThat(connection.sync().get("tcp-proxy-test")).isEqualTo(big);
      assertThat(proxy.connectionsAccepted()).isEqualTo(1);
      assertThat(proxy.uri()).isEqualTo("redis://127.0.0.1:" + proxy.port());
    }
  }

  @Test
  void dropMakesCommandsOnOpenConnectionsFailFastAndResetsNewConnectionsUntilPass()
      throws Exception {
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      assertThat(connection.sync().ping()).isEqualTo("PONG");

      proxy.drop();

      // reset, not timed out: the client learns at once
      long start = System.nanoTime();
      assertThatThrownBy(() -> connection.sync().ping())
          .isInstanceOf(RedisException.class)
          .isNotInstanceOf(RedisCommandTimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      assertThat(answerToPing()).isEqualTo("closed");
    }

    proxy.pass();

    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      assertThat(connection.sync().ping()).isEqualTo("PONG");
    }
  }

  @Test
  void blackholeMakesCommandsTimeOutAndOnlyNewConnectionsWorkAfterPass() throws Exception {
    try (StatefulRedisConnection<String, String> before = client.connect();
        Socket during = new Socket()) {
      assertThat(before.sync().ping()).isEqualTo("PONG");

      proxy.blackhole();

      assertThatThrownBy(() -> before.sync().ping())
          .isInstanceOf(RedisCommandTimeoutException.class);
      // accepted, but never answered
      during.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 1_000);
      assertThat(ping(during)).isEqualTo("no answer");

      proxy.pass();

      // both are half-open now: they stay silent ...
      assertThatThrownBy(() -> before.sync().ping())
          .isInstanceOf(RedisCommandTimeoutException.class);
      assertThat(ping(during)).isEqualTo("no answer");
      // ... and a new connection works
      try (StatefulRedisConnection<String, String> after = client.connect()) {
        assertThat(after.sync().ping()).isEqualTo("PONG");
      }
    }
  }

  @Test
  void aConnectionIdleThroughoutTheBlackholeWorksAgainAfterPass() {
    try (StatefulRedisConnection<String, String> idle = client.connect()) {
      assertThat(idle.sync().ping()).isEqualTo("PONG");

      proxy.blackhole();
      proxy.pass();

      assertThat(idle.sync().ping()).isEqualTo("PONG");
    }
  }

  @Test
  void aConnectionTheTargetRefusesIsReset() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (TcpProxy nowhere = TcpProxy.start(closedPort);
        Socket socket = new Socket("127.0.0.1", nowhere.port())) {
      assertThat(ping(socket)).isEqualTo("closed");
    }
  }

  @Test
  void closeEndsEveryThreadAndStopsListening() throws Exception {
    StatefulRedisConnection<String, String> first = client.connect();
    StatefulRedisConnection<String, String> second = client.connect();
    assertThat(first.sync().ping()).isEqualTo("PONG");
    proxy.blackhole();
    Socket third = new Socket("127.0.0.1", proxy.port());

    proxy.close();
    proxy.close();

    String prefix = "tcp-proxy-";
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(
            t ->
                t.getName().startsWith(prefix)
                    && t.getName().contains(Integer.toString(proxy.port())));
    assertThatThrownBy(() -> new Socket("127.0.0.1", proxy.port()).close())
        .isInstanceOf(IOException.class);
    first.close();
    second.close();
    third.close();
  }

  @Test
  void startRejectsAnImpossibleTargetPort() {
    assertThatThrownBy(() -> TcpProxy.start(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("targetPort must be between 1 and 65535, but was 0");
  }

  /** PING on a fresh raw connection to the proxy. */
  private String answerToPing() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", proxy.port())) {
      return ping(socket);
    }
  }

  /**
   * Sends PING and says what came back: {@code "+PONG"}, {@code "closed"} (reset or end of stream)
   * or {@code "no answer"} (nothing within the timeout).
   */
  private static String ping(Socket socket) throws IOException {
    socket.setSoTimeout((int) TIMEOUT.toMillis());
    try {
      socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      int b;
      while ((b = in.read()) != -1 && b != '\n') {
        if (b != '\r') {
          line.append((char) b);
        }
      }
      return b == -1 && line.length() == 0 ? "closed" : line.toString();
    } catch (SocketTimeoutException e) {
      return "no answer";
    } catch (IOException e) {
      return "closed";
    }
  }
}
