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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@code JwtTokenService.verify} of a valid HS256 access token: the CPU part of every request. With
 * {@code cache=on} (the default service) the token was verified before, so its signature and JSON
 * are not processed again; {@code cache=off} parses and checks the MAC on every call, as the first
 * request with a new token does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TokenVerificationBenchmark {

  /** The verified-token cache: on (the default size) or off. */
  @Param({"on", "off"})
  public String cache;

  private JwtTokenService tokens;
  private String token;

  @Setup
  public void setUp() {
    tokens =
        switch (cache) {
          case "on" -> Fixtures.tokenService();
          case "off" -> Fixtures.tokenService(0);
          default -> throw new IllegalArgumentException("unknown cache " + cache);
        };
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
