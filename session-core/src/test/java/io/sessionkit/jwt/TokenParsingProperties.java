package io.sessionkit.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.Session;
import io.sessionkit.TokenVerification;
import io.sessionkit.internal.RefreshTokens;
import io.sessionkit.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

/**
 * What no input may do to the parsers: make them throw, or make anything but a token exactly as
 * issued valid. Bounded by the number of tries, so it runs in every build.
 */
class TokenParsingProperties {

  private static final Instant NOW = Instant.parse("2030-01-01T08:00:00Z");
  private static final JwtTokenService SERVICE =
      JwtTokenService.builder()
          .signingKey(SigningKey.hmacSha256("k1", "0123456789abcdef0123456789abcdef"))
          .clock(MutableClock.at(NOW))
          .build();
  private static final String TOKEN =
      SERVICE
          .issue(
              new Session(
                  "session-1",
                  "alice",
                  Set.of("USER"),
                  NOW,
                  NOW,
                  NOW.plus(Duration.ofDays(1)),
                  Duration.ZERO,
                  "",
                  "",
                  Map.of()))
          .value();

  @Property(tries = 2000)
  void anyStringIsAnsweredAndNeverValid(@ForAll @StringLength(max = 400) String input) {
    TokenVerification verification = SERVICE.verify(input);

    assertThat(verification.isValid()).isFalse();
  }

  @Provide
  Arbitrary<String> tokenShapedStrings() {
    Arbitrary<String> part =
        Arbitraries.strings()
            .withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
            .ofMaxLength(300);
    return Arbitraries.oneOf(
        part.list().ofSize(3).map(parts -> String.join(".", parts)),
        part.list().ofMinSize(1).ofMaxSize(6).map(parts -> String.join(".", parts)));
  }

  @Property(tries = 2000)
  void anyTokenShapedStringIsAnsweredAndNeverValid(@ForAll("tokenShapedStrings") String input) {
    assertThat(SERVICE.verify(input).isValid()).isFalse();
  }

  @Property(tries = 2000)
  void changingOneCharacterOfAnIssuedTokenMakesItInvalid(
      @ForAll @IntRange(min = 0, max = 10_000) int position, @ForAll char replacement) {
    int at = position % TOKEN.length();
    // the last character of a base64url part may carry unused bits: changing it is not a change
    boolean lastOfAPart = at == TOKEN.length() - 1 || TOKEN.charAt(at + 1) == '.';
    if (lastOfAPart || TOKEN.charAt(at) == replacement) {
      return;
    }
    String changed = TOKEN.substring(0, at) + replacement + TOKEN.substring(at + 1);

    assertThat(SERVICE.verify(changed).isValid()).as(changed).isFalse();
  }

  @Property(tries = 2000)
  void theRefreshTokenParserAnswersAnyString(@ForAll @StringLength(max = 300) String input) {
    RefreshTokens.parse(input).ifPresent(parts -> assertThat(parts.token()).isEqualTo(input));
  }

  @Property(tries = 1000)
  void aRefreshTokenReadsBackAsIssued(
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int generation,
      @ForAll @StringLength(min = 16, max = 16) String tagKey) {
    byte[] nonce = new byte[16];
    new java.util.Random(generation).nextBytes(nonce);
    RefreshTokens.Parts issued =
        RefreshTokens.issue("AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_", generation, nonce, tagKey);

    assertThat(RefreshTokens.parse(issued.token())).contains(issued);
    assertThat(RefreshTokens.tagMatches(tagKey, issued.sessionId(), generation, issued.tag()))
        .isTrue();
  }
}
