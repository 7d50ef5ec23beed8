package io.sessionkit.jwt;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionkit.AccessToken;
import io.sessionkit.Session;
import io.sessionkit.TokenClaims;
import io.sessionkit.TokenVerification;
import io.sessionkit.TokenVerification.Status;
import io.sessionkit.testing.MutableClock;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class JwtTokenServiceTest {

  private static final Instant START = Instant.parse("2030-01-01T08:00:00.250Z");
  private static final Duration LIFETIME = Duration.ofMinutes(15);
  private static final Duration SKEW = Duration.ofSeconds(30);
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(UTF_8);
  private static final byte[] OTHER_SECRET = "fedcba9876543210fedcba9876543210".getBytes(UTF_8);
  private static final SigningKey KEY = SigningKey.hmacSha256("k1", SECRET);
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64_DECODER = Base64.getUrlDecoder();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MutableClock clock = MutableClock.at(START);
  private final JwtTokenService service = serviceWith(KEY).build();

  // ---- issuing and round trip ----

  @Test
  void issuedTokenVerifiesWithAllClaimsRoundTripped() {
    Session session = session(Set.of("user", "admin"), START.plus(Duration.ofDays(30)));

    AccessToken token = service.issue(session);
    TokenVerification verification = service.verify(token.value());

    assertThat(verification.status()).isEqualTo(Status.VALID);
    TokenClaims claims = verification.claims().orElseThrow();
    assertThat(claims.userId()).isEqualTo("alice");
    assertThat(claims.sessionId()).isEqualTo(session.id());
    assertThat(claims.tokenId()).isEqualTo(token.tokenId());
    assertThat(claims.roles()).containsExactlyInAnyOrder("admin", "user");
    assertThat(claims.issuedAt())
        .isEqualTo(token.issuedAt())
        .isEqualTo(START.truncatedTo(ChronoUnit.SECONDS));
    assertThat(claims.expiresAt())
        .isEqualTo(token.expiresAt())
        .isEqualTo(token.issuedAt().plus(LIFETIME));
    assertThat(claims.keyId()).isEqualTo("k1");
  }

  @Test
  void issuedTokenHasKidHeaderAndSortedRoles() throws Exception {
    AccessToken token =
        service.issue(session(Set.of("zeta", "alpha", "mu"), START.plus(Duration.ofDays(1))));

    String[] parts = token.value().split("\\.");
    Map<String, Object> header = decodeJson(parts[0]);
    Map<String, Object> payload = decodeJson(parts[1]);
    assertThat(header.get("alg")).isEqualTo("HS256");
    assertThat(header.get("kid")).isEqualTo("k1");
    assertThat(payload.get("roles")).isEqualTo(List.of("alpha", "mu", "zeta"));
    assertThat(payload.get("sid")).isEqualTo("session-1");
    assertThat(payload.get("sub")).isEqualTo("alice");
    assertThat(payload).doesNotContainKey("iss");
  }

  @Test
  void eachTokenGetsAUniqueTokenId() {
    Session session = session(Set.of(), START.plus(Duration.ofDays(1)));
    Set<String> tokenIds = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      tokenIds.add(service.issue(session).tokenId());
    }
    assertThat(tokenIds).hasSize(1000);
    assertThat(tokenIds).allMatch(id -> id.matches("[A-Za-z0-9_-]{22}"));
  }

  @Test
  void lifetimeIsCappedAtTheSessionExpiry() {
    Instant sessionEnd = START.plus(Duration.ofMinutes(5)).plusMillis(700);
    AccessToken token = service.issue(session(Set.of(), sessionEnd));

    // JWT times are whole seconds: rounded down, so the token never outlives the session
    assertThat(token.expiresAt()).isEqualTo(sessionEnd.truncatedTo(ChronoUnit.SECONDS));
    assertThat(token.expiresAt()).isBefore(sessionEnd);
    assertThat(service.verify(token.value()).claims().orElseThrow().expiresAt())
        .isEqualTo(token.expiresAt());
  }

  @Test
  void sessionPastItsExpiryGetsATokenThatIsAlreadyExpired() {
    Session session = session(Set.of(), START.plus(Duration.ofMinutes(1)));
    clock.advance(Duration.ofMinutes(2));

    AccessToken token = service.issue(session);

    assertThat(token.expiresAt()).isBeforeOrEqualTo(session.expiresAt());
    assertThat(service.verify(token.value()).status()).isEqualTo(Status.EXPIRED);
  }

  @Test
  void accessTokenLifetimeIncludesTheClockSkew() {
    assertThat(service.accessTokenLifetime()).isEqualTo(LIFETIME.plus(SKEW));
  }

  // ---- expiry and clock skew ----

  @Test
  void expiredTokenIsReportedAsExpired() {
    AccessToken token = service.issue(session(Set.of(), START.plus(Duration.ofDays(1))));

    clock.set(token.expiresAt().plus(SKEW).plusSeconds(1));

    assertThat(service.verify(token.value())).isEqualTo(TokenVerification.refused(Status.EXPIRED));
  }

  @Test
  void tokenPastItsExpiryButWithinClockSkewIsStillValid() {
    AccessToken token = service.issue(session(Set.of(), START.plus(Duration.ofDays(1))));

    clock.set(token.expiresAt().plus(SKEW).minusSeconds(1));

    assertThat(service.verify(token.value()).status()).isEqualTo(Status.VALID);
  }

  @Test
  void forgedExpiredTokenIsABadSignatureNotExpired() throws Exception {
    Map<String, Object> claims = claims();
    claims.put("exp", START.minus(Duration.ofHours(1)).getEpochSecond());
    String forged = jws(Map.of("alg", "HS256", "kid", "k1"), claims, "HmacSHA256", OTHER_SECRET);

    // jjwt checks the signature before exp, so expiry is never reported for a forgery
    assertThat(service.verify(forged).status()).isEqualTo(Status.BAD_SIGNATURE);
  }

  // ---- signatures and keys ----

  @Test
  void tamperedPayloadIsABadSignature() throws Exception {
    String[] parts =
        service.issue(session(Set.of("user"), START.plus(Duration.ofDays(1)))).value().split("\\.");
    Map<String, Object> tampered = decodeJson(parts[1]);
    tampered.put("roles", List.of("admin", "user"));
    String token = parts[0] + "." + b64(JSON.writeValueAsString(tampered)) + "." + parts[2];

    assertThat(service.verify(token).status()).isEqualTo(Status.BAD_SIGNATURE);
  }

  @Test
  void tamperedSignatureIsABadSignature() {
    String[] parts =
        service.issue(session(Set.of(), START.plus(Duration.ofDays(1)))).value().split("\\.");
    // the first character carries six full bits of the MAC; the last one partly padding
    char first = parts[2].charAt(0);
    String signature = (first == 'A' ? 'B' : 'A') + parts[2].substring(1);

    assertThat(service.verify(parts[0] + "." + parts[1] + "." + signature).status())
        .isEqualTo(Status.BAD_SIGNATURE);
  }

  @Test
  void unsignedTokenWithAlgNoneIsABadSignature() throws Exception {
    String token =
        b64(JSON.writeValueAsString(Map.of("alg", "none", "kid", "k1")))
            + "."
            + b64(JSON.writeValueAsString(claims()))
            + ".";

    assertThat(service.verify(token).status()).isEqualTo(Status.BAD_SIGNATURE);
  }

  @Test
  void tokenSignedWithAnotherSecretUnderOurKeyIdIsABadSignature() {
    JwtTokenService impostor = serviceWith(SigningKey.hmacSha256("k1", OTHER_SECRET)).build();
    AccessToken token = impostor.issue(session(Set.of(), START.plus(Duration.ofDays(1))));

    assertThat(service.verify(token.value()).status()).isEqualTo(Status.BAD_SIGNATURE);
  }

  @Test
  void tokenSignedUnderAnUnknownKeyIdIsAnUnknownKey() {
    JwtTokenService foreign = serviceWith(SigningKey.hmacSha256("k9", OTHER_SECRET)).build();
    AccessToken token = foreign.issue(session(Set.of(), START.plus(Duration.ofDays(1))));

    assertThat(service.verify(token.value()).status()).isEqualTo(Status.UNKNOWN_KEY);
  }

  @Test
  void tokenWithoutKeyIdIsAnUnknownKey() throws Exception {
    String token = jws(Map.of("alg", "HS256"), claims(), "HmacSHA256", SECRET);

    assertThat(service.verify(token).status()).isEqualTo(Status.UNKNOWN_KEY);
  }

  @Test
  void hs512TokenWithOurKeyIdAndSecretIsABadSignature() throws Exception {
    // 64 bytes: long enough for HS512, so only the algorithm restriction can refuse it
    byte[] longSecret = "0123456789abcdef".repeat(4).getBytes(UTF_8);
    JwtTokenService longKeyService = serviceWith(SigningKey.hmacSha256("k1", longSecret)).build();
    String hs256 = jws(typed("alg", "HS256", "kid", "k1"), claims(), "HmacSHA256", longSecret);
    String hs512 = jws(typed("alg", "HS512", "kid", "k1"), claims(), "HmacSHA512", longSecret);

    assertThat(longKeyService.verify(hs256).status()).isEqualTo(Status.VALID);
    assertThat(longKeyService.verify(hs512).status()).isEqualTo(Status.BAD_SIGNATURE);
  }

  @Test
  void rs256HeaderWithOurKeyIdIsABadSignature() throws Exception {
    // the classic confusion attack: an HMAC over the token, labelled as an RSA signature
    String token = jws(Map.of("alg", "RS256", "kid", "k1"), claims(), "HmacSHA256", SECRET);

    assertThat(service.verify(token).status()).isEqualTo(Status.BAD_SIGNATURE);
  }

  @Test
  void handBuiltTokenWithAllClaimsSignedByOurKeyIsValid() throws Exception {
    // the baseline for the hand-built refusals below: only the one change makes them fail
    String token = jws(typed("alg", "HS256", "kid", "k1"), claims(), "HmacSHA256", SECRET);

    TokenVerification verification = service.verify(token);

    assertThat(verification.status()).isEqualTo(Status.VALID);
    assertThat(verification.claims().orElseThrow().roles()).containsExactly("user");
  }

  // ---- the cache of verified tokens

  @Test
  void aTokenAnsweredFromTheCacheIsRefusedOnceItHasExpired() {
    String token = service.issue(session(Set.of(), START.plus(Duration.ofDays(1)))).value();
    assertThat(service.verify(token).isValid()).isTrue();
    assertThat(service.verifiedTokensCached()).isEqualTo(1);

    // exp is whole seconds, issued at START rounded down
    clock.advance(LIFETIME.plus(SKEW).minusSeconds(1));
    assertThat(service.verify(token).isValid()).isTrue();
    clock.advance(Duration.ofSeconds(2));

    assertThat(service.verify(token).status()).isEqualTo(Status.EXPIRED);
  }

  @Test
  void theCacheOfVerifiedTokensIsBounded() {
    JwtTokenService small = serviceWith(KEY).verifiedTokenCacheSize(3).build();
    for (int i = 0; i < 50; i++) {
      String token = small.issue(session(Set.of(), START.plus(Duration.ofDays(1)))).value();
      assertThat(small.verify(token).isValid()).isTrue();
    }

    assertThat(small.verifiedTokensCached()).isLessThanOrEqualTo(3);
    assertThat(serviceWith(KEY).verifiedTokenCacheSize(0).build().verifiedTokensCached()).isZero();
  }

  @Test
  void aChangedCopyOfACachedTokenIsVerifiedAfresh() {
    String token = service.issue(session(Set.of(), START.plus(Duration.ofDays(1)))).value();
    service.verify(token);
    int signatureStart = token.lastIndexOf('.') + 1;
    char first = token.charAt(signatureStart);
    String changed =
        token.substring(0, signatureStart)
            + (first == 'A' ? 'B' : 'A')
            + token.substring(signatureStart + 1);

    assertThat(service.verify(changed).status()).isEqualTo(Status.BAD_SIGNATURE);
    assertThat(service.verifiedTokensCached()).isEqualTo(1);
  }

  @Test
  void onlyTokensThatVerifiedAreCached() throws Exception {
    service.verify("a.b.c");
    service.verify(tokenOfLength(300));

    assertThat(service.verifiedTokensCached()).isZero();
    assertThatThrownBy(() -> JwtTokenService.builder().verifiedTokenCacheSize(-1))
        .hasMessage("verifiedTokenCacheSize must be >= 0, but was -1");
  }

  // ---- hardening (RFC 8725, RFC 9068): each refused token differs from the valid one above in one
  // way

  @Test
  void issuedTokensAreTypedAsAccessTokens() throws Exception {
    String token = service.issue(session(Set.of(), START.plus(Duration.ofDays(1)))).value();

    assertThat(decodeJson(token.substring(0, token.indexOf('.')))).containsEntry("typ", "at+jwt");
  }

  static Stream<Named<Map<String, Object>>> headersThatAreNotOurs() {
    Map<String, Object> untyped = new LinkedHashMap<>(Map.of("alg", "HS256", "kid", "k1"));
    Map<String, Object> plainJwt = typed("alg", "HS256", "kid", "k1");
    plainJwt.put("typ", "JWT");
    return Stream.of(
        Named.of("no typ", untyped),
        Named.of("typ JWT", plainJwt),
        Named.of("b64 false", typed("alg", "HS256", "kid", "k1", "b64", false)),
        Named.of("zip DEF", typed("alg", "HS256", "kid", "k1", "zip", "DEF")));
  }

  @ParameterizedTest
  @MethodSource("headersThatAreNotOurs")
  void aTokenSignedByOurKeyWithAHeaderWeNeverWriteIsRefused(Map<String, Object> header)
      throws Exception {
    String token = jws(header, claims(), "HmacSHA256", SECRET);

    assertThat(service.verify(token).isValid()).isFalse();
  }

  @Test
  void theMediaTypeFormOfTheAccessTokenTypeIsAccepted() throws Exception {
    Map<String, Object> header = typed("alg", "HS256", "kid", "k1");
    header.put("typ", "application/AT+JWT");

    assertThat(service.verify(jws(header, claims(), "HmacSHA256", SECRET)).isValid()).isTrue();
  }

  @Test
  void aTokenIssuedInTheFutureBeyondTheSkewIsRefused() throws Exception {
    Map<String, Object> withinSkew = claims();
    withinSkew.put("iat", START.plus(SKEW).getEpochSecond());
    withinSkew.put("exp", START.plus(SKEW).plus(LIFETIME).getEpochSecond());
    Map<String, Object> beyond = claims();
    beyond.put("iat", START.plus(SKEW).plusSeconds(2).getEpochSecond());
    beyond.put("exp", START.plus(SKEW).plusSeconds(2).plus(LIFETIME).getEpochSecond());

    assertThat(
            service
                .verify(jws(typed("alg", "HS256", "kid", "k1"), withinSkew, "HmacSHA256", SECRET))
                .isValid())
        .isTrue();
    assertThat(
            service
                .verify(jws(typed("alg", "HS256", "kid", "k1"), beyond, "HmacSHA256", SECRET))
                .status())
        .isEqualTo(Status.MALFORMED);
  }

  @Test
  void aTokenThatLivesLongerThanThisServiceIssuesIsRefused() throws Exception {
    Map<String, Object> tenYears = claims();
    tenYears.put("exp", START.plus(Duration.ofDays(3650)).getEpochSecond());
    Map<String, Object> lifetimePlusSkew = claims();
    lifetimePlusSkew.put("exp", START.plus(LIFETIME).plus(SKEW).getEpochSecond());

    assertThat(
            service
                .verify(jws(typed("alg", "HS256", "kid", "k1"), tenYears, "HmacSHA256", SECRET))
                .status())
        .isEqualTo(Status.MALFORMED);
    assertThat(
            service
                .verify(
                    jws(typed("alg", "HS256", "kid", "k1"), lifetimePlusSkew, "HmacSHA256", SECRET))
                .isValid())
        .isTrue();
  }

  @Test
  void aConfiguredAudienceIsWrittenAndRequired() throws Exception {
    JwtTokenService withAudience = serviceWith(KEY).audience("orders-api").build();
    String issued = withAudience.issue(session(Set.of(), START.plus(Duration.ofDays(1)))).value();
    Map<String, Object> otherAudience = claims();
    otherAudience.put("aud", "billing-api");

    assertThat(withAudience.verify(issued).isValid()).isTrue();
    assertThat(decodeJson(issued.split("\\.")[1]).get("aud").toString()).contains("orders-api");
    assertThat(
            withAudience
                .verify(jws(typed("alg", "HS256", "kid", "k1"), claims(), "HmacSHA256", SECRET))
                .status())
        .isEqualTo(Status.MALFORMED);
    assertThat(
            withAudience
                .verify(
                    jws(typed("alg", "HS256", "kid", "k1"), otherAudience, "HmacSHA256", SECRET))
                .status())
        .isEqualTo(Status.MALFORMED);
    assertThatThrownBy(() -> JwtTokenService.builder().audience(" "))
        .hasMessage("audience must not be blank");
  }

  // ---- malformed input ----

  static Stream<Named<String>> malformedTokens() throws Exception {
    String header = b64("{\"alg\":\"HS256\",\"kid\":\"k1\"}");
    String payload = b64(JSON.writeValueAsString(claims()));
    byte[] garbage = new byte[300];
    new Random(42).nextBytes(garbage);
    return Stream.of(
        Named.of("empty string", ""),
        Named.of("blank string", "   \t\n"),
        Named.of("characters outside base64url", "!!!." + payload + ".abc"),
        Named.of("base64 of impossible length", "a." + payload + ".abcd"),
        Named.of("header that is not JSON", b64("{\"alg\":\"HS256\",") + "." + payload + ".abcd"),
        Named.of("header that is a JSON array", b64("[1,2]") + "." + payload + ".abcd"),
        Named.of("header without alg", b64("{\"kid\":\"k1\"}") + "." + payload + ".abcd"),
        Named.of("base64url words that are not JSON", "aGVsbG8.d29ybGQ.c2ln"),
        Named.of("two parts", header + "." + payload),
        Named.of("one part", header),
        Named.of("five parts, JWE-shaped", header + ".a.b.c.d"),
        Named.of("three dots only", "..."),
        Named.of("two dots only", ".."),
        Named.of("random garbage", new String(garbage, UTF_8)),
        Named.of("one megabyte", "a".repeat(1 << 20)),
        Named.of(
            "one character over the length limit",
            tokenOfLength(JwtTokenService.MAX_TOKEN_LENGTH + 1)),
        Named.of("non-ASCII text", "ünïcødé.tökén.ß"),
        Named.of("non-ASCII in a token", header + "." + payload + "é.abcd"),
        Named.of("emoji and CJK", "\uD83D\uDE00.漢字.テスト"),
        Named.of("null character", header + "\u0000." + payload + ".abcd"),
        Named.of("HS256 with the signature stripped", header + "." + payload + "."));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedTokens")
  void malformedInputIsMalformed(String token) {
    assertThat(service.verify(token)).isEqualTo(TokenVerification.refused(Status.MALFORMED));
  }

  @Test
  void tokenAtTheLengthLimitIsStillParsed() throws Exception {
    // the same forgery one character longer is refused unread, as MALFORMED (see above)
    assertThat(service.verify(tokenOfLength(JwtTokenService.MAX_TOKEN_LENGTH)).status())
        .isEqualTo(Status.BAD_SIGNATURE);
  }

  @Test
  void nullIsMalformedRatherThanAnException() {
    assertThat(service.verify(null).status()).isEqualTo(Status.MALFORMED);
  }

  @Test
  void signedPayloadThatIsNotJsonIsMalformed() throws Exception {
    String header = JSON.writeValueAsString(Map.of("alg", "HS256", "kid", "k1"));
    String token = jwsRaw(header, "{not json", "HmacSHA256", SECRET);

    assertThat(service.verify(token).status()).isEqualTo(Status.MALFORMED);
  }

  @ParameterizedTest(name = "without {0}")
  @ValueSource(strings = {"sub", "sid", "jti", "iat", "exp"})
  void signedTokenMissingARequiredClaimIsMalformed(String claim) throws Exception {
    Map<String, Object> claims = claims();
    claims.remove(claim);
    String token = jws(Map.of("alg", "HS256", "kid", "k1"), claims, "HmacSHA256", SECRET);

    assertThat(service.verify(token).status()).isEqualTo(Status.MALFORMED);
  }

  @Test
  void missingSessionIdClaimIsMalformed() throws Exception {
    Map<String, Object> claims = claims();
    claims.remove("sid");
    String token = jws(Map.of("alg", "HS256", "kid", "k1"), claims, "HmacSHA256", SECRET);

    assertThat(service.verify(token)).isEqualTo(TokenVerification.refused(Status.MALFORMED));
  }

  @Test
  void signedClaimsOfTheWrongTypeAreMalformed() throws Exception {
    Map<String, Object> numericSid = claims();
    numericSid.put("sid", 42);
    Map<String, Object> rolesNotAList = claims();
    rolesNotAList.put("roles", "admin");
    Map<String, Object> rolesWithANumber = claims();
    rolesWithANumber.put("roles", List.of("user", 7));
    Map<String, Object> expNotANumber = claims();
    expNotANumber.put("exp", "tomorrow");

    for (Map<String, Object> claims :
        List.of(numericSid, rolesNotAList, rolesWithANumber, expNotANumber)) {
      String token = jws(Map.of("alg", "HS256", "kid", "k1"), claims, "HmacSHA256", SECRET);
      assertThat(service.verify(token).status()).as("%s", claims).isEqualTo(Status.MALFORMED);
    }
  }

  // ---- issuer ----

  @Test
  void configuredIssuerIsWrittenAndRequired() {
    JwtTokenService withIssuer = serviceWith(KEY).issuer("https://auth.example").build();
    Session session = session(Set.of(), START.plus(Duration.ofDays(1)));

    assertThat(withIssuer.verify(withIssuer.issue(session).value()).status())
        .isEqualTo(Status.VALID);
    assertThat(withIssuer.verify(service.issue(session).value()).status())
        .isEqualTo(Status.MALFORMED);
    JwtTokenService otherIssuer = serviceWith(KEY).issuer("https://other.example").build();
    assertThat(withIssuer.verify(otherIssuer.issue(session).value()).status())
        .isEqualTo(Status.MALFORMED);
  }

  // ---- rotation ----

  @Test
  void tokenSignedWithTheOldKeyStillVerifiesAfterRotation() {
    Session session = session(Set.of("user"), START.plus(Duration.ofDays(1)));
    AccessToken oldToken = service.issue(session);

    SigningKey newKey = SigningKey.hmacSha256("k2", OTHER_SECRET);
    JwtTokenService rotated = serviceWith(newKey).verificationKey(KEY).build();
    AccessToken newToken = rotated.issue(session);

    TokenVerification old = rotated.verify(oldToken.value());
    assertThat(old.status()).isEqualTo(Status.VALID);
    assertThat(old.claims().orElseThrow().keyId()).isEqualTo("k1");
    assertThat(rotated.verify(newToken.value()).claims().orElseThrow().keyId()).isEqualTo("k2");
    // a node that has not been rotated yet does not know the new key
    assertThat(service.verify(newToken.value()).status()).isEqualTo(Status.UNKNOWN_KEY);
  }

  @Test
  void retiredKeyIsNoLongerAccepted() {
    AccessToken oldToken = service.issue(session(Set.of(), START.plus(Duration.ofDays(1))));

    JwtTokenService retired = serviceWith(SigningKey.hmacSha256("k2", OTHER_SECRET)).build();

    assertThat(retired.verify(oldToken.value()).status()).isEqualTo(Status.UNKNOWN_KEY);
  }

  // ---- builder and key validation ----

  @Test
  void secretShorterThan32BytesIsRejectedWithoutShowingIt() {
    assertThatThrownBy(() -> SigningKey.hmacSha256("k1", "too-short-secret"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secret must be at least 32 bytes in UTF-8 for HS256, but was 16 bytes")
        .message()
        .doesNotContain("too-short-secret");
    assertThatThrownBy(() -> SigningKey.hmacSha256("k1", new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secret must be at least 32 bytes for HS256, but was 31 bytes");
  }

  @Test
  void keyIdMustBeShortAndUrlSafe() {
    assertThatThrownBy(() -> SigningKey.hmacSha256(" ", SECRET))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keyId must not be blank");
    assertThatThrownBy(() -> SigningKey.hmacSha256("a".repeat(65), SECRET))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keyId must match [A-Za-z0-9._-]{1,64}, but was 65 characters long");
    assertThatThrownBy(() -> SigningKey.hmacSha256("key/1", SECRET))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "keyId must match [A-Za-z0-9._-]{1,64}, but has a character outside that set at index 3");
    assertThat(SigningKey.hmacSha256("2030-01.key_A", SECRET).keyId()).isEqualTo("2030-01.key_A");
  }

  @Test
  void swappedKeyIdAndSecretDoNotLeakTheSecretIntoTheMessage() {
    String secret = "a secret that is long enough to sign, 1234567890";
    assertThatThrownBy(() -> SigningKey.hmacSha256(secret, "k1"))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .doesNotContain("secret that");
  }

  @Test
  void signingKeyCopiesTheSecretAndHidesItInToString() {
    byte[] secret = SECRET.clone();
    SigningKey key = SigningKey.hmacSha256("k1", secret);
    secret[0] ^= 1;

    assertThat(key).isEqualTo(KEY).hasSameHashCodeAs(KEY);
    assertThat(key).isNotEqualTo(SigningKey.hmacSha256("k1", OTHER_SECRET));
    assertThat(key.toString()).contains("k1").doesNotContain(new String(SECRET, UTF_8));
    assertThat(service.toString()).contains("k1").doesNotContain(new String(SECRET, UTF_8));
  }

  @Test
  void zeroOrFractionalLifetimeIsRejected() {
    assertThatThrownBy(() -> JwtTokenService.builder().accessTokenLifetime(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("accessTokenLifetime must be > 0, but was PT0S");
    assertThatThrownBy(() -> JwtTokenService.builder().accessTokenLifetime(Duration.ofSeconds(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("accessTokenLifetime must be > 0, but was PT-5S");
    assertThatThrownBy(() -> JwtTokenService.builder().accessTokenLifetime(Duration.ofMillis(1500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("accessTokenLifetime must be whole seconds (JWT times are), but was PT1.5S");
  }

  @Test
  void negativeOrHugeClockSkewIsRejected() {
    assertThatThrownBy(() -> JwtTokenService.builder().clockSkew(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("clockSkew must be >= 0, but was PT-1S");
    assertThatThrownBy(() -> JwtTokenService.builder().clockSkew(Duration.ofMinutes(6)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("clockSkew must be <= PT5M, but was PT6M");
    assertThat(serviceWith(KEY).clockSkew(Duration.ZERO).build().accessTokenLifetime())
        .isEqualTo(LIFETIME);
  }

  @Test
  void sameKeyIdWithDifferentSecretsIsRejected() {
    SigningKey impostor = SigningKey.hmacSha256("k1", OTHER_SECRET);
    String message =
        "keyId \"k1\" must name one secret, but two different secrets were given for it";

    assertThatThrownBy(() -> JwtTokenService.builder().signingKey(KEY).verificationKey(impostor))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
    assertThatThrownBy(() -> JwtTokenService.builder().verificationKey(impostor).signingKey(KEY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
    assertThatThrownBy(() -> JwtTokenService.builder().verificationKeys(List.of(KEY, impostor)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
    // the very same key twice is harmless
    JwtTokenService sameKeyTwice =
        JwtTokenService.builder().signingKey(KEY).verificationKeys(List.of(KEY, KEY)).build();
    assertThat(sameKeyTwice.toString()).contains("keyIds=[k1]");
  }

  @Test
  void rejectedVerificationKeysLeaveTheBuilderUnchanged() {
    SigningKey k2 = SigningKey.hmacSha256("k2", OTHER_SECRET);
    SigningKey impostor = SigningKey.hmacSha256("k1", OTHER_SECRET);
    JwtTokenService.Builder builder = serviceWith(KEY);

    assertThatThrownBy(() -> builder.verificationKeys(List.of(k2, impostor)))
        .isInstanceOf(IllegalArgumentException.class);

    JwtTokenService withK2Signing = serviceWith(k2).build();
    String k2Token = withK2Signing.issue(session(Set.of(), START.plus(Duration.ofDays(1)))).value();
    assertThat(builder.build().verify(k2Token).status()).isEqualTo(Status.UNKNOWN_KEY);
  }

  @Test
  void missingSigningKeyIsRejected() {
    assertThatThrownBy(() -> JwtTokenService.builder().verificationKey(KEY).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("signingKey must be set");
  }

  @Test
  void blankIssuerIsRejected() {
    assertThatThrownBy(() -> JwtTokenService.builder().issuer(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("issuer must not be blank");
  }

  // ---- concurrency ----

  @Test
  void oneServiceIssuesAndVerifiesFromManyThreads() throws Exception {
    int threads = 8;
    int perThread = 500;
    Session session = session(Set.of("user"), START.plus(Duration.ofDays(1)));
    Set<String> tokenIds = ConcurrentHashMap.newKeySet();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  int valid = 0;
                  for (int i = 0; i < perThread; i++) {
                    AccessToken token = service.issue(session);
                    TokenVerification verification = service.verify(token.value());
                    if (verification.isValid()
                        && verification.claims().orElseThrow().tokenId().equals(token.tokenId())) {
                      valid++;
                    }
                    tokenIds.add(token.tokenId());
                  }
                  return valid;
                }));
      }
      start.countDown();
      int valid = 0;
      for (Future<Integer> result : results) {
        valid += result.get(60, TimeUnit.SECONDS);
      }
      assertThat(valid).isEqualTo(threads * perThread);
      assertThat(tokenIds).hasSize(threads * perThread);
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- helpers ----

  private JwtTokenService.Builder serviceWith(SigningKey key) {
    return JwtTokenService.builder()
        .signingKey(key)
        .accessTokenLifetime(LIFETIME)
        .clockSkew(SKEW)
        .clock(clock);
  }

  private static Session session(Set<String> roles, Instant expiresAt) {
    return new Session(
        "session-1", "alice", roles, START, START, expiresAt, Duration.ZERO, "", "", Map.of());
  }

  /** A header with {@code typ: at+jwt} and these fields. */
  private static Map<String, Object> typed(Object... fields) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("typ", "at+jwt");
    for (int i = 0; i < fields.length; i += 2) {
      header.put((String) fields[i], fields[i + 1]);
    }
    return header;
  }

  /** The claims of a token issued at START, as a mutable map for tests to break. */
  private static Map<String, Object> claims() {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("sub", "alice");
    claims.put("sid", "session-1");
    claims.put("jti", "token-1");
    claims.put("iat", START.getEpochSecond());
    claims.put("exp", START.plus(LIFETIME).getEpochSecond());
    claims.put("roles", List.of("user"));
    return claims;
  }

  private static String jws(
      Map<String, Object> header, Map<String, Object> claims, String macAlgorithm, byte[] secret)
      throws JsonProcessingException, GeneralSecurityException {
    return jwsRaw(
        JSON.writeValueAsString(header), JSON.writeValueAsString(claims), macAlgorithm, secret);
  }

  // Hand-built with the JDK's Mac, so the forgeries do not depend on the code under test.
  private static String jwsRaw(String header, String payload, String macAlgorithm, byte[] secret)
      throws GeneralSecurityException {
    String signingInput = b64(header) + "." + b64(payload);
    Mac mac = Mac.getInstance(macAlgorithm);
    mac.init(new SecretKeySpec(secret, macAlgorithm));
    return signingInput + "." + B64.encodeToString(mac.doFinal(signingInput.getBytes(US_ASCII)));
  }

  private static Map<String, Object> decodeJson(String base64url) throws Exception {
    return JSON.readValue(B64_DECODER.decode(base64url), new TypeReference<>() {});
  }

  private static String b64(String text) {
    return B64.encodeToString(text.getBytes(UTF_8));
  }

  /** A well-formed HS256 token of exactly {@code length} characters, with a long wrong MAC. */
  private static String tokenOfLength(int length) throws JsonProcessingException {
    String payload = b64(JSON.writeValueAsString(claims()));
    // pad the header with JSON whitespace until the signature gets a decodable base64 length
    for (String pad = ""; ; pad += " ") {
      String prefix = b64("{\"alg\":\"HS256\"," + pad + "\"kid\":\"k1\"}") + "." + payload + ".";
      int signatureLength = length - prefix.length();
      if (signatureLength % 4 != 1) {
        return prefix + "A".repeat(signatureLength);
      }
    }
  }
}
