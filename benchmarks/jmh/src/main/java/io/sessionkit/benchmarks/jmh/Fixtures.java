package io.sessionkit.benchmarks.jmh;

import io.sessionkit.ClientInfo;
import io.sessionkit.jwt.JwtTokenService;
import io.sessionkit.jwt.SigningKey;
import java.time.Duration;

/** What every benchmark builds the same way. */
final class Fixtures {

  static final String SECRET = "jmh-benchmark-secret-0123456789-abcdefghijklmnop";
  static final ClientInfo CLIENT = new ClientInfo("127.0.0.1", "jmh/1.37");

  private Fixtures() {}

  /** HS256, the example app's kind of key; tokens live long enough for any run. */
  static JwtTokenService tokenService() {
    return builder().build();
  }

  /** With a verified-token cache of {@code size} entries; 0 turns it off. */
  static JwtTokenService tokenService(int size) {
    return builder().verifiedTokenCacheSize(size).build();
  }

  private static JwtTokenService.Builder builder() {
    return JwtTokenService.builder()
        .signingKey(SigningKey.hmacSha256("k1", SECRET))
        .accessTokenLifetime(Duration.ofHours(12));
  }
}
