package io.sessionkit.benchmarks.jmh;

import io.sessionkit.Authentication;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStore;
import io.sessionkit.memory.InMemorySessionStore;
import io.sessionkit.redis.RedisSessionStore;
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
 * per call (the touch script); run with {@code -t N} to see it under N concurrent callers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AuthenticateBenchmark {

  /**
   * The store behind the manager. The near-cache variant of issue 11 goes here as a third value,
   * {@code "redis-near-cache"}, with its case in {@link #newStore()}: it does not exist yet, so
   * there is no such value, rather than one that would silently measure the plain Redis store.
   */
  @Param({"in-memory", "redis"})
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
    Authentication first = sessions.authenticate(token);
    if (first.status() != Authentication.Status.AUTHENTICATED) {
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
      default -> throw new IllegalArgumentException("unknown store " + store);
    };
  }

  @Benchmark
  public Authentication authenticate() {
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
