package io.sessionkit.benchmarks.jmh;

import io.sessionkit.SessionManager;
import io.sessionkit.TokenVerification;
import io.sessionkit.jwt.JwtTokenService;
import io.sessionkit.memory.InMemorySessionStore;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** {@code JwtTokenService.verify} of a valid HS256 access token: the CPU part of every request. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TokenVerificationBenchmark {

  private JwtTokenService tokens;
  private String token;

  @Setup
  public void setUp() {
    tokens = Fixtures.tokenService();
    // a real access token, issued the way a login issues it
    try (SessionManager sessions =
        SessionManager.builder()
            .store(InMemorySessionStore.create())
            .tokenService(tokens)
            .build()) {
      token = sessions.login("jmh-user", Set.of("USER"), Fixtures.CLIENT).accessToken().value();
    }
    if (!tokens.verify(token).isValid()) {
      throw new IllegalStateException("the benchmark's token does not verify");
    }
  }

  @Benchmark
  public TokenVerification verifyHs256() {
    return tokens.verify(token);
  }
}
