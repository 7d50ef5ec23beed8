package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedisSessionStoreBuilderTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "redis://app:s3cret-Pa55@[::1",
        "redis://app:s3cret-Pa55@redis internal:6379",
        "redis://app:s3cret-Pa55@redis.internal:6379/notadb",
        "redis://app:s3cret-Pa55@redis.internal:noport",
        "redis://app:s3cret-Pa55@a:6379,b:6379,c:6379"
      })
  void aBadUriIsRefusedWithoutQuotingItsPasswordAnywhere(String uri) {
    Throwable refused = catchThrowable(() -> RedisSessionStore.builder().uri(uri));

    assertThat(refused).isInstanceOf(IllegalArgumentException.class);
    for (Throwable t = refused; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain("s3cret-Pa55");
      assertThat(t.toString()).doesNotContain("s3cret-Pa55");
    }
  }

  @Test
  void aUriWithSeveralHostsSaysToUseClusterNodes() {
    assertThat(catchThrowable(() -> RedisSessionStore.builder().uri("redis://a:6379,b:6379")))
        .hasMessageContaining("one host");
  }

  @Test
  void anIpv6HostIsAccepted() {
    RedisSessionStore.builder().uri("redis://[::1]:6379");
    RedisSessionStore.builder().uri("redis://[fe80::1%25eth0]:6379");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "redis-host",
        "redis-host:",
        "redis-host:0",
        "redis-host:65536",
        "a:6379,b:6379",
        "redis-sentinel://s:26379#mymaster",
        "redis://app:s3cret-Pa55@a:6379,b:6379"
      })
  void aBadClusterNodeIsRefusedWithoutQuotingItsPassword(String node) {
    Throwable refused = catchThrowable(() -> RedisSessionStore.builder().clusterNodes(node));

    assertThat(refused).isInstanceOf(IllegalArgumentException.class);
    assertThat(refused.getMessage()).contains("clusterNodes").doesNotContain("s3cret-Pa55");
  }

  @Test
  void clusterNodesTakeHostPortsAndUris() {
    RedisSessionStore.builder()
        .clusterNodes(
            "10.0.0.1:7000", "[::1]:7001", "redis://app:pw@10.0.0.3:7002", "rediss://h:7003");
  }

  @Test
  void aNodeListedTwiceIsRefused() {
    assertThat(
            catchThrowable(
                () -> RedisSessionStore.builder().clusterNodes("10.0.0.1:7000", "10.0.0.1:7000")))
        .hasMessageContaining("twice");
  }

  @Test
  void bothAUriAndClusterNodesAreRefused() {
    assertThat(
            catchThrowable(
                () ->
                    RedisSessionStore.builder()
                        .uri("redis://10.0.0.1:6379")
                        .clusterNodes("10.0.0.1:7000")
                        .build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not both");
  }

  @Test
  void theNearCacheOnAClusterIsBuiltWithoutReachingIt() {
    try (RedisSessionStore store =
        RedisSessionStore.builder()
            .clusterNodes("10.0.0.1:7000")
            .nearCache(java.time.Duration.ofSeconds(5), 100)
            .build()) {
      assertThat(store.nearCache()).isPresent();
    }
  }

  @Test
  void anUnreachableSentinelGroupIsNamedByItsSentinelsAndMaster() throws Exception {
    int[] ports = {closedPort(), closedPort()};
    try (RedisSessionStore store =
        RedisSessionStore.builder()
            .uri(
                "redis-sentinel://:s3cret-Pa55@127.0.0.1:"
                    + ports[0]
                    + ",127.0.0.1:"
                    + ports[1]
                    + "#mymaster")
            .build()) {
      Throwable failed = catchThrowable(() -> store.find(store.newSessionId("alice")));

      assertThat(failed)
          .isInstanceOf(io.sessionkit.SessionStoreUnavailableException.class)
          .hasMessageContaining(
              "Redis master 'mymaster' of the Sentinels at 127.0.0.1:"
                  + ports[0]
                  + ",127.0.0.1:"
                  + ports[1])
          .message()
          .doesNotContain("null:")
          .doesNotContain("s3cret-Pa55");
    }
  }

  // a loopback port nothing listens on
  private static int closedPort() throws java.io.IOException {
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
