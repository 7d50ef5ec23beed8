package io.sessionkit.benchmarks.jmh;

import io.sessionkit.AuthenticationResult;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStore;
import io.sessionkit.memory.InMemorySessionStore;
import io.sessionkit.redis.RedisSessionStore;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code SessionManager.authenticate} of a live session's token: verification plus the session
 * check, per store. With {@code redis} that is one round trip to a private redis-server on loopback
 * per call (the touch script), with {@code redis-near-cache} none once the verdict is cached (it is
 * refilled every max age, 5 s); run with {@code -t N} to see it under N concurrent callers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AuthenticateBenchmark {

  /**
   * The store behind the manager: in memory, Redis (one round trip per call), or Redis with the
   * near-cache (a cached verdict: no round trip).
   */
  @Param({"in-memory", "redis", "redis-near-cache"})
  public String store;

  private @Nullable PrivateRedis redis;
  private SessionStore sessionStore;
  private SessionManager sessions;
  private String token;

  @Setup
  public void setUp() {
    sessionStore = newStore();
    sessions =
        SessionManager.builder().store(sessionStore).tokenService(Fixtures.tokenService()).build();
    token = sessions.login("jmh-user", Set.of("USER"), Fixtures.CLIENT).accessToken().value();
    AuthenticationResult first = sessions.authenticate(token);
    if (first.status() != AuthenticationResult.Status.AUTHENTICATED) {
      throw new IllegalStateException("the benchmark's session does not authenticate: " + first);
    }
  }

  private SessionStore newStore() {
    return switch (store) {
      case "in-memory" -> InMemorySessionStore.create();
      case "redis" -> {
        redis = PrivateRedis.start();
        yield RedisSessionStore.builder().uri(redis.uri()).build();
      }
      case "redis-near-cache" -> {
        redis = PrivateRedis.start();
        yield RedisSessionStore.builder()
            .uri(redis.uri())
            .nearCache(Duration.ofSeconds(5), 100_000)
            .build();
      }
      default -> throw new IllegalArgumentException("unknown store " + store);
    };
  }

  @Benchmark
  public AuthenticationResult authenticate() {
    return sessions.authenticate(token);
  }

  @TearDown
  public void tearDown() {
    sessions.close();
    sessionStore.close();
    if (redis != null) {
      redis.close();
    }
  }
}
