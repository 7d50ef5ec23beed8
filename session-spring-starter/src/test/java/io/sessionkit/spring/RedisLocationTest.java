package io.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.redis.RedisSessionStore;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class RedisLocationTest {

  @Test
  void nothingSetMeansNoRedis() {
    MockEnvironment env = new MockEnvironment();
    assertThat(RedisLocation.isConfigured(env)).isFalse();
    assertThat(RedisLocation.resolve(env)).isEmpty();
  }

  @Test
  void sessionkitUrlIsTakenAsIs() {
    MockEnvironment env =
        new MockEnvironment()
            .withProperty("sessionkit.redis.url", " rediss://u:p@redis.example:6380/4 ")
            .withProperty("spring.data.redis.host", "other");
    assertThat(RedisLocation.resolve(env))
        .contains(new RedisLocation("rediss://u:p@redis.example:6380/4", "sessionkit.redis.url"));
  }

  @Test
  void springDataRedisUrlComesNext() {
    MockEnvironment env =
        new MockEnvironment()
            .withProperty("spring.data.redis.url", "redis://redis.example:6379")
            .withProperty("spring.data.redis.host", "other");
    assertThat(RedisLocation.resolve(env).map(RedisLocation::source))
        .contains("spring.data.redis.url");
  }

  @Test
  void hostPortCredentialsDatabaseAndSslBuildAUri() {
    MockEnvironment env =
        new MockEnvironment()
            .withProperty("spring.data.redis.host", "redis.example")
            .withProperty("spring.data.redis.port", "6390")
            .withProperty("spring.data.redis.username", "app user")
            .withProperty("spring.data.redis.password", "p@ss:w/rd")
            .withProperty("spring.data.redis.database", "3")
            .withProperty("spring.data.redis.ssl.enabled", "true");
    RedisLocation location = RedisLocation.resolve(env).orElseThrow();
    assertThat(location.uri())
        .isEqualTo("rediss://app%20user:p%40ss%3Aw%2Frd@redis.example:6390/3");
    assertThat(location.safeDescription()).isEqualTo("rediss://redis.example:6390/3");
    assertThat(location.toString()).doesNotContain("p%40ss").doesNotContain("app%20user");
    // the store's parser reads the encoded credentials back
    RedisSessionStore.builder().uri(location.uri()).build().close();
  }

  @Test
  void hostAloneDefaultsToPort6379AndDatabase0() {
    MockEnvironment env = new MockEnvironment().withProperty("spring.data.redis.host", "10.0.0.7");
    assertThat(RedisLocation.resolve(env).map(RedisLocation::uri))
        .contains("redis://10.0.0.7:6379/0");
  }

  @Test
  void passwordWithoutUserNameUsesAnEmptyUserName() {
    MockEnvironment env =
        new MockEnvironment()
            .withProperty("spring.data.redis.host", "::1")
            .withProperty("spring.data.redis.port", "7000")
            .withProperty("spring.data.redis.password", "pw");
    assertThat(RedisLocation.resolve(env).map(RedisLocation::uri))
        .contains("redis://:pw@[::1]:7000/0");
  }

  @Test
  void blankValuesCountAsUnset() {
    MockEnvironment env =
        new MockEnvironment()
            .withProperty("sessionkit.redis.url", "")
            .withProperty("spring.data.redis.url", "  ")
            .withProperty("spring.data.redis.host", "");
    assertThat(RedisLocation.isConfigured(env)).isFalse();
    assertThat(RedisLocation.resolve(env)).isEqualTo(Optional.empty());
  }

  @Test
  void springClusterNodesBecomeClusterNodesWithSpringsCredentials() {
    MockEnvironment env =
        new MockEnvironment()
            .withProperty("spring.data.redis.cluster.nodes", "10.0.0.1:7000, 10.0.0.2:7000")
            .withProperty("spring.data.redis.username", "app")
            .withProperty("spring.data.redis.password", "p@ss")
            .withProperty("spring.data.redis.ssl.enabled", "true");
    assertThat(RedisLocation.isConfigured(env)).isTrue();

    RedisLocation location = RedisLocation.resolve(env).orElseThrow();

    assertThat(location.isCluster()).isTrue();
    assertThat(location.clusterNodes())
        .containsExactly("rediss://app:p%40ss@10.0.0.1:7000", "rediss://app:p%40ss@10.0.0.2:7000");
    assertThat(location.source()).isEqualTo("spring.data.redis.cluster.nodes");
    assertThat(location.safeDescription())
        .isEqualTo("Redis Cluster rediss://10.0.0.1:7000,rediss://10.0.0.2:7000");
    assertThat(location.toString()).doesNotContain("p%40ss").doesNotContain("p@ss");
  }

  @Test
  void sessionkitClusterNodesComeFirstAsGiven() {
    MockEnvironment env =
        new MockEnvironment()
            .withProperty("sessionkit.redis.cluster.nodes", "10.0.0.1:7000,10.0.0.2:7001")
            .withProperty("spring.data.redis.url", "redis://elsewhere:6379");
    assertThat(RedisLocation.isConfigured(env)).isTrue();

    RedisLocation location = RedisLocation.resolve(env).orElseThrow();

    assertThat(location.clusterNodes()).containsExactly("10.0.0.1:7000", "10.0.0.2:7001");
    assertThat(location.source()).isEqualTo("sessionkit.redis.cluster.nodes");
  }

  @Test
  void aUrlAndClusterNodesTogetherAreRefusedWithTheFix() {
    MockEnvironment env =
        new MockEnvironment()
            .withProperty("sessionkit.redis.url", "redis://h:6379")
            .withProperty("sessionkit.redis.cluster.nodes", "10.0.0.1:7000");
    assertThatThrownBy(() -> RedisLocation.resolve(env))
        .isInstanceOf(InvalidSessionKitConfigurationException.class)
        .hasMessageContaining("not both");
  }

  @Test
  void safeDescriptionDropsCredentialsAndQueryButKeepsSentinelHosts() {
    assertThat(new RedisLocation("redis://:secret@h:1/2?timeout=1s", "x").safeDescription())
        .isEqualTo("redis://h:1/2");
    assertThat(
            new RedisLocation("redis-sentinel://u:secret@s1:26379,s2:26379/0#mymaster", "x")
                .safeDescription())
        .isEqualTo("redis-sentinel://s1:26379,s2:26379/0#mymaster");
    assertThat(new RedisLocation("redis://:pa#ss@host", "x").safeDescription())
        .doesNotContain("pa#ss");
    assertThat(new RedisLocation("not a uri secret", "x").safeDescription())
        .doesNotContain("secret");
  }
}
