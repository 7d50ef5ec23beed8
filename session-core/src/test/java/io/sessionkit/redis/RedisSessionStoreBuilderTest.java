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
}
