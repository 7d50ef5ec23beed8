package io.sessionkit.jwt;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.JwsHeader;
import io.jsonwebtoken.Jwt;
import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.LocatorAdapter;
import io.jsonwebtoken.UnsupportedJwtException;
import io.sessionkit.AccessToken;
import io.sessionkit.Session;
import io.sessionkit.TokenClaims;
import io.sessionkit.TokenService;
import io.sessionkit.TokenVerification;
import io.sessionkit.TokenVerification.Status;
import java.security.Key;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKey;
import org.jspecify.annotations.Nullable;

/**
 * A {@link TokenService} that issues and verifies HS256-signed JWTs.
 *
 * <p>An issued token carries the header {@code kid} (the signing key's id) and the claims {@code
 * sub} (the user id), {@code sid} (the session id), {@code jti} (128 random bits, base64url),
 * {@code iat}, {@code exp} and {@code roles} (the session's roles, sorted), plus {@code iss} and
 * {@code aud} when an issuer or audience is configured; its header {@code typ} is {@code at+jwt}
 * (RFC 9068). Its lifetime is {@link Builder#accessTokenLifetime(Duration) the configured one}, but
 * it never outlives its session's {@link Session#expiresAt() absolute expiry}.
 *
 * <p>Verification accepts HS256 only, signed by the signing key or one of the verification keys,
 * chosen by the token's {@code kid}. Keys are rotated by building a new service whose signing key
 * is the new key and whose verification keys include the old one, until every token signed with the
 * old key has expired.
 *
 * <p>Instances are immutable and thread-safe; build them with {@link #builder()}.
 */
public final class JwtTokenService implements TokenService {

  /** How many verified tokens are remembered unless configured otherwise. */
  public static final int DEFAULT_VERIFIED_TOKEN_CACHE_SIZE = 10_000;

  /** Tokens longer than this many characters are refused as malformed without being parsed. */
  public static final int MAX_TOKEN_LENGTH = 8192;

  static final String SESSION_ID_CLAIM = "sid";
  static final String ROLES_CLAIM = "roles";

  private static final Duration DEFAULT_ACCESS_TOKEN_LIFETIME = Duration.ofMinutes(15);
  private static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
  private static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

  /** The {@code typ} header of every token: an OAuth 2.0 access token in JWT form (RFC 9068). */
  static final String TYPE = "at+jwt";

  private static final int TOKEN_ID_BYTES = 16;
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private static final TokenVerification MALFORMED = TokenVerification.refused(Status.MALFORMED);
  private static final TokenVerification BAD_SIGNATURE =
      TokenVerification.refused(Status.BAD_SIGNATURE);
  private static final TokenVerification UNKNOWN_KEY =
      TokenVerification.refused(Status.UNKNOWN_KEY);
  private static final TokenVerification EXPIRED = TokenVerification.refused(Status.EXPIRED);

  private final SigningKey signingKey;
  private final Map<String, SigningKey> keysById;
  private final Duration accessTokenLifetime;
  private final Duration clockSkew;
  private final Clock clock;
  private final @Nullable String issuer;
  private final @Nullable String audience;
  private final SecureRandom random = new SecureRandom();
  private final JwtParser parser;
  // tokens that verified, so that each is parsed and its MAC checked once; time is checked each
  // call
  private final @Nullable Cache<String, TokenClaims> verified;

  private JwtTokenService(Builder builder) {
    this.signingKey = Objects.requireNonNull(builder.signingKey);
    Map<String, SigningKey> keys = new LinkedHashMap<>(builder.verificationKeys);
    keys.put(signingKey.keyId(), signingKey);
    this.keysById = Map.copyOf(keys);
    this.accessTokenLifetime = builder.accessTokenLifetime;
    this.clockSkew = builder.clockSkew;
    this.clock = builder.clock;
    this.issuer = builder.issuer;
    this.audience = builder.audience;
    this.verified =
        builder.verifiedTokenCacheSize == 0
            ? null
            : Caffeine.newBuilder()
                .maximumSize(builder.verifiedTokenCacheSize)
                .expireAfterWrite(accessTokenLifetime.plus(clockSkew))
                // maintenance on the calling thread: no pool threads for a cache this simple
                .executor(Runnable::run)
                .build();

    Map<String, SecretKey> secretKeys = new LinkedHashMap<>();
    keysById.forEach((id, key) -> secretKeys.put(id, key.secretKey()));
    Clock timeSource = builder.clock;
    // JwtParser is immutable and thread-safe, so one instance serves every verify() call.
    this.parser =
        Jwts.parser()
            .keyLocator(new KeyLocator(Map.copyOf(secretKeys)))
            .clock(() -> Date.from(timeSource.instant()))
            .clockSkewSeconds(clockSkew.toSeconds())
            // Only HS256: otherwise a secret of 64 bytes or more would also verify HS384/HS512
            // tokens, and an RS/ES/EdDSA header would reach jjwt's key-type checks.
            .sig()
            .clear()
            .add(Jwts.SIG.HS256)
            .and()
            // no compressed payloads: a small token must not inflate into a large one (RFC 8725)
            .zip()
            .clear()
            .and()
            .build();
  }

  /** A new builder. Builders are not thread-safe; the services they build are. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A new access token for the session, signed with the signing key.
   *
   * <p>JWT times are whole seconds, so {@code issuedAt} is the clock's instant rounded down to the
   * second, and {@code expiresAt} is {@code issuedAt} plus the lifetime or the session's {@link
   * Session#expiresAt()}, whichever is earlier, rounded down to the second. A session that has
   * already reached its absolute expiry therefore gets a token that is already expired.
   *
   * @throws NullPointerException if {@code session} is null
   */
  @Override
  public AccessToken issue(Session session) {
    Objects.requireNonNull(session, "session");
    // No exception for a session past its expiry: callers check liveness against their own
    // clock just before, and losing that race must not fail a login or refresh.
    // Rounded down so the returned AccessToken states exactly what a verifier reads back.
    Instant issuedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    // Compared as durations rather than by adding, so a huge lifetime cannot overflow Instant.
    Instant expiresAt =
        Duration.between(issuedAt, session.expiresAt()).compareTo(accessTokenLifetime) <= 0
            ? session.expiresAt().truncatedTo(ChronoUnit.SECONDS)
            : issuedAt.plus(accessTokenLifetime);
    String tokenId = newTokenId();
    List<String> roles = session.roles().stream().sorted().toList();

    JwtBuilder jwt =
        Jwts.builder()
            .header()
            .keyId(signingKey.keyId())
            .type(TYPE)
            .and()
            .id(tokenId)
            .subject(session.userId())
            .claim(SESSION_ID_CLAIM, session.id())
            .claim(ROLES_CLAIM, roles)
            .issuedAt(Date.from(issuedAt))
            .expiration(Date.from(expiresAt));
    if (issuer != null) {
      jwt.issuer(issuer);
    }
    if (audience != null) {
      jwt.audience().add(audience);
    }
    // The algorithm is named: signWith(key) alone would pick HS512 for a 64-byte secret.
    String value = jwt.signWith(signingKey.secretKey(), Jwts.SIG.HS256).compact();
    return new AccessToken(value, tokenId, issuedAt, expiresAt);
  }

  /**
   * Checks a token and never throws, whatever the input.
   *
   * <ul>
   *   <li>{@link Status#VALID}: an HS256 JWS signed by a configured key, not expired (allowing for
   *       the clock skew), with {@code sub}, {@code sid}, {@code jti}, {@code iat} and {@code exp},
   *       {@code roles} absent or a list of strings, and the configured issuer if one is set. The
   *       claims' {@code keyId} is the token's {@code kid}.
   *   <li>{@link Status#EXPIRED}: a correctly signed token past its {@code exp} plus the clock
   *       skew. The signature is checked first, so a forged token is never called expired.
   *   <li>{@link Status#BAD_SIGNATURE}: the signature does not match the key named by the {@code
   *       kid}, the token is unsigned ({@code alg=none}), it names an algorithm other than HS256,
   *       or it has critical ({@code crit}) header parameters, which this service never writes and
   *       does not support.
   *   <li>{@link Status#UNKNOWN_KEY}: an HS256 token without a {@code kid}, or whose {@code kid}
   *       names no configured key.
   *   <li>{@link Status#MALFORMED}: empty, longer than {@value #MAX_TOKEN_LENGTH} characters, not
   *       three base64url parts, bad base64 or JSON, a signed payload that is not a JSON object, a
   *       required claim missing or of the wrong type, a different issuer or audience, a {@code
   *       typ} other than {@code at+jwt}, a {@code zip} or {@code b64} header, an {@code iat} later
   *       than now plus the skew, or an {@code exp} further from {@code iat} than the lifetime plus
   *       the skew.
   * </ul>
   */
  @Override
  public TokenVerification verify(String token) {
    // The API is null-free, but a caller outside the null checker (a request header read by
    // reflection, say) may still pass null, and verify() promises never to throw.
    if (token == null || !hasCompactJwsShape(token)) {
      return MALFORMED;
    }
    TokenClaims known = verified == null ? null : verified.getIfPresent(token);
    if (known != null) {
      // the same string verified before: only time can have changed its verdict
      return clock.instant().minus(clockSkew).isAfter(known.expiresAt())
          ? EXPIRED
          : TokenVerification.valid(known);
    }
    TokenVerification verification = parse(token);
    if (verified != null && verification.isValid()) {
      verified.put(token, verification.claims().orElseThrow());
    }
    return verification;
  }

  /** How many verified tokens the cache holds; for tests. */
  long verifiedTokensCached() {
    if (verified == null) {
      return 0;
    }
    verified.cleanUp();
    return verified.estimatedSize();
  }

  private TokenVerification parse(String token) {
    // No logging below: the token is a credential, and jjwt's messages quote its header.
    try {
      return read(parser.parse(token));
    } catch (UnknownKeyException e) {
      return UNKNOWN_KEY;
    } catch (ExpiredJwtException e) {
      // jjwt verifies the signature before it looks at exp, so this token is genuinely ours.
      return EXPIRED;
    } catch (io.jsonwebtoken.security.SecurityException e) {
      // SignatureException (mismatch, or an algorithm other than HS256) and the key exceptions.
      return BAD_SIGNATURE;
    } catch (UnsupportedJwtException e) {
      // With parse() and only three-part tokens getting this far, jjwt raises this for tokens it
      // refuses to verify at all: alg=none, or unsupported critical header parameters.
      return BAD_SIGNATURE;
    } catch (JwtException e) {
      // MalformedJwtException (bad base64, bad JSON, bad structure), claim conversion errors,
      // PrematureJwtException (we never issue nbf), and the rest of jjwt's refusals.
      return MALFORMED;
    } catch (RuntimeException e) {
      // Last resort: hostile input can reach code in jjwt or Jackson that throws plain
      // IllegalArgumentException or IllegalStateException, and verify() must never throw. Anything
      // that gets here was not a token we could read, hence MALFORMED.
      return MALFORMED;
    }
  }

  /**
   * The configured access-token lifetime plus the clock skew: no token issued by this service is
   * accepted for longer than that after it was issued.
   */
  @Override
  public Duration accessTokenLifetime() {
    return accessTokenLifetime.plus(clockSkew);
  }

  /** The signing key's id, the verification key ids, the lifetime, skew and issuer; no secret. */
  @Override
  public String toString() {
    return "JwtTokenService[signingKeyId="
        + signingKey.keyId()
        + ", keyIds="
        + keysById.keySet().stream().sorted().toList()
        + ", accessTokenLifetime="
        + accessTokenLifetime
        + ", clockSkew="
        + clockSkew
        + ", issuer="
        + (issuer == null ? "(none)" : issuer)
        + ", audience="
        + (audience == null ? "(none)" : audience)
        + "]";
  }

  private TokenVerification read(Jwt<?, ?> jwt) {
    // parse() rather than parseSignedClaims(): a signed payload that is not a JSON object comes
    // back as bytes here instead of as an UnsupportedJwtException that we could not tell apart
    // from alg=none.
    if (!(jwt instanceof Jws<?> jws) || !(jws.getPayload() instanceof Claims claims)) {
      return MALFORMED;
    }
    // typed, uncompressed, with its payload in base64 (RFC 8725 §3.11, RFC 7797)
    if (!TYPE.equalsIgnoreCase(jws.getHeader().getType())
        && !("application/" + TYPE).equalsIgnoreCase(jws.getHeader().getType())) {
      return MALFORMED;
    }
    if (jws.getHeader().containsKey("b64") || jws.getHeader().containsKey("zip")) {
      return MALFORMED;
    }
    String keyId = jws.getHeader().getKeyId();
    String userId = claims.getSubject();
    String tokenId = claims.getId();
    Date issuedAt = claims.getIssuedAt();
    Date expiresAt = claims.getExpiration();
    Optional<Set<String>> roles = roles(claims.get(ROLES_CLAIM));
    if (keyId == null
        || isBlank(userId)
        || !(claims.get(SESSION_ID_CLAIM) instanceof String sessionId)
        || sessionId.isBlank()
        || isBlank(tokenId)
        || issuedAt == null
        || expiresAt == null
        || roles.isEmpty()
        || (issuer != null && !issuer.equals(claims.getIssuer()))
        || (audience != null
            && (claims.getAudience() == null || !claims.getAudience().contains(audience)))) {
      return MALFORMED;
    }
    // issued in the future, or living longer than this service issues: not ours (or a stolen key)
    Instant now = clock.instant();
    if (issuedAt.toInstant().isAfter(now.plus(clockSkew))
        || Duration.between(issuedAt.toInstant(), expiresAt.toInstant())
                .compareTo(accessTokenLifetime.plus(clockSkew))
            > 0) {
      return MALFORMED;
    }
    return TokenVerification.valid(
        new TokenClaims(
            userId,
            sessionId,
            tokenId,
            roles.get(),
            issuedAt.toInstant(),
            expiresAt.toInstant(),
            keyId));
  }

  // Absent roles read as none; anything but a list of strings is not our token.
  private static Optional<Set<String>> roles(@Nullable Object claim) {
    if (claim == null) {
      return Optional.of(Set.of());
    }
    if (!(claim instanceof List<?> list)) {
      return Optional.empty();
    }
    for (Object role : list) {
      if (!(role instanceof String)) {
        return Optional.empty();
      }
    }
    @SuppressWarnings("unchecked")
    List<String> strings = (List<String>) list;
    return Optional.of(Set.copyOf(strings));
  }

  private static boolean isBlank(@Nullable String value) {
    return value == null || value.isBlank();
  }

  // Cheap checks before jjwt sees the token: they bound the work spent on hostile input and keep
  // JWEs (five parts) and anything outside the base64url alphabet away from the parser.
  private static boolean hasCompactJwsShape(String token) {
    int length = token.length();
    if (length == 0 || length > MAX_TOKEN_LENGTH) {
      return false;
    }
    int dots = 0;
    for (int i = 0; i < length; i++) {
      char c = token.charAt(i);
      if (c == '.') {
        dots++;
      } else if (!isBase64UrlChar(c)) {
        return false;
      }
    }
    return dots == 2;
  }

  private static boolean isBase64UrlChar(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }

  private String newTokenId() {
    byte[] bytes = new byte[TOKEN_ID_BYTES];
    random.nextBytes(bytes);
    return BASE64URL.encodeToString(bytes);
  }

  /** Finds the key named by a token's kid; a missing or unknown kid ends parsing. */
  private static final class KeyLocator extends LocatorAdapter<Key> {

    private final Map<String, SecretKey> keys;

    KeyLocator(Map<String, SecretKey> keys) {
      this.keys = keys;
    }

    @Override
    protected Key locate(JwsHeader header) {
      String keyId = header.getKeyId();
      SecretKey key = keyId == null ? null : keys.get(keyId);
      if (key == null) {
        throw new UnknownKeyException();
      }
      return key;
    }
  }

  /** Thrown by {@link KeyLocator} and caught in {@link #verify(String)}; never escapes. */
  private static final class UnknownKeyException extends JwtException {

    private static final long serialVersionUID = 1L;

    UnknownKeyException() {
      super("no key is configured for the token's kid");
    }

    // Control flow driven by unauthenticated input: a stack trace would only cost time.
    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  /**
   * Configures a {@link JwtTokenService}. Every setter validates its argument at once and throws
   * {@link IllegalArgumentException} (or {@link NullPointerException} for null) with a message
   * naming the setting and the rule; messages never contain a secret. Not thread-safe.
   */
  public static final class Builder {

    private @Nullable SigningKey signingKey;
    private final Map<String, SigningKey> verificationKeys = new LinkedHashMap<>();
    private Duration accessTokenLifetime = DEFAULT_ACCESS_TOKEN_LIFETIME;
    private Duration clockSkew = DEFAULT_CLOCK_SKEW;
    private Clock clock = Clock.systemUTC();
    private @Nullable String issuer;
    private @Nullable String audience;
    private int verifiedTokenCacheSize = DEFAULT_VERIFIED_TOKEN_CACHE_SIZE;

    private Builder() {}

    /**
     * How many tokens that verified are remembered, so that a token sent again (as every request of
     * a client sends it) is not parsed and its signature not checked again; its expiry is still
     * checked on every call. Keyed by the whole token: a changed token is verified afresh. About 1
     * KB per entry. Default {@value #DEFAULT_VERIFIED_TOKEN_CACHE_SIZE}; 0 turns it off.
     *
     * @throws IllegalArgumentException if {@code size} is negative
     */
    public Builder verifiedTokenCacheSize(int size) {
      if (size < 0) {
        throw new IllegalArgumentException("verifiedTokenCacheSize must be >= 0, but was " + size);
      }
      this.verifiedTokenCacheSize = size;
      return this;
    }

    /**
     * The current key: it signs every new token and is always accepted for verification. Required.
     * Calling it again replaces the previous signing key.
     *
     * @throws IllegalArgumentException if a verification key has the same key id but a different
     *     secret
     */
    public Builder signingKey(SigningKey key) {
      Objects.requireNonNull(key, "signingKey");
      requireNoConflict(key, verificationKeys.get(key.keyId()));
      this.signingKey = key;
      return this;
    }

    /**
     * Adds a key that is still accepted for verification but signs nothing, typically the previous
     * signing key during a rotation. Adding a key equal to one already present is a no-op.
     *
     * @throws IllegalArgumentException if the signing key or another verification key has the same
     *     key id but a different secret
     */
    public Builder verificationKey(SigningKey key) {
      Objects.requireNonNull(key, "verificationKey");
      checkVerificationKey(key, verificationKeys);
      verificationKeys.put(key.keyId(), key);
      return this;
    }

    /**
     * Adds every key of {@code keys} as by {@link #verificationKey(SigningKey)}. Either all are
     * added or, when one breaks a rule, none is.
     *
     * @throws IllegalArgumentException if two keys (among these, the signing key and the
     *     verification keys added before) share a key id but not a secret
     * @throws NullPointerException if {@code keys} or one of its elements is null
     */
    public Builder verificationKeys(Collection<SigningKey> keys) {
      Objects.requireNonNull(keys, "verificationKeys");
      Map<String, SigningKey> added = new LinkedHashMap<>(verificationKeys);
      for (SigningKey key : keys) {
        Objects.requireNonNull(key, "verificationKeys must not contain null");
        checkVerificationKey(key, added);
        added.put(key.keyId(), key);
      }
      verificationKeys.putAll(added);
      return this;
    }

    /**
     * How long a new access token is valid, unless its session ends sooner. Default 15 minutes.
     *
     * @throws IllegalArgumentException unless the lifetime is positive and whole seconds (JWT times
     *     have one-second precision)
     */
    public Builder accessTokenLifetime(Duration lifetime) {
      Objects.requireNonNull(lifetime, "accessTokenLifetime");
      if (lifetime.isNegative() || lifetime.isZero()) {
        throw new IllegalArgumentException("accessTokenLifetime must be > 0, but was " + lifetime);
      }
      if (lifetime.getNano() != 0) {
        throw new IllegalArgumentException(
            "accessTokenLifetime must be whole seconds (JWT times are), but was " + lifetime);
      }
      this.accessTokenLifetime = lifetime;
      return this;
    }

    /** Where the service reads the time, for issuing and for expiry checks. Default UTC. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How long after its {@code exp} a token is still accepted, to absorb clock differences between
     * the machines that issue and verify; also how far in the future a token's {@code iat} may be.
     * Default 30 seconds.
     *
     * @throws IllegalArgumentException unless the skew is whole seconds from 0 to 5 minutes
     */
    public Builder clockSkew(Duration skew) {
      Objects.requireNonNull(skew, "clockSkew");
      if (skew.isNegative()) {
        throw new IllegalArgumentException("clockSkew must be >= 0, but was " + skew);
      }
      if (skew.compareTo(MAX_CLOCK_SKEW) > 0) {
        throw new IllegalArgumentException(
            "clockSkew must be <= " + MAX_CLOCK_SKEW + ", but was " + skew);
      }
      if (skew.getNano() != 0) {
        throw new IllegalArgumentException(
            "clockSkew must be whole seconds (JWT times are), but was " + skew);
      }
      this.clockSkew = skew;
      return this;
    }

    /**
     * The issuer: written as {@code iss} into new tokens, and required (equal) in every token
     * verified. Optional; without it, {@code iss} is neither written nor checked.
     *
     * @throws IllegalArgumentException if {@code issuer} is blank
     */
    public Builder issuer(String issuer) {
      Objects.requireNonNull(issuer, "issuer");
      if (issuer.isBlank()) {
        throw new IllegalArgumentException("issuer must not be blank");
      }
      this.issuer = issuer;
      return this;
    }

    /**
     * The audience: written as {@code aud} into new tokens, and required in every token verified.
     * Optional; without it, {@code aud} is neither written nor checked.
     *
     * @throws IllegalArgumentException if {@code audience} is blank
     */
    public Builder audience(String audience) {
      Objects.requireNonNull(audience, "audience");
      if (audience.isBlank()) {
        throw new IllegalArgumentException("audience must not be blank");
      }
      this.audience = audience;
      return this;
    }

    /**
     * A new immutable, thread-safe service with this configuration.
     *
     * @throws IllegalStateException if no signing key was set
     */
    public JwtTokenService build() {
      if (signingKey == null) {
        throw new IllegalStateException(
            "signingKey must be set: it signs new tokens and is always accepted for verification");
      }
      return new JwtTokenService(this);
    }

    private void checkVerificationKey(SigningKey key, Map<String, SigningKey> others) {
      requireNoConflict(key, others.get(key.keyId()));
      if (signingKey != null && signingKey.keyId().equals(key.keyId())) {
        requireNoConflict(key, signingKey);
      }
    }

    // The key id is safe to show: SigningKey has checked it against its pattern.
    private static void requireNoConflict(SigningKey key, @Nullable SigningKey other) {
      if (other != null && !other.equals(key)) {
        throw new IllegalArgumentException(
            "keyId \""
                + key.keyId()
                + "\" must name one secret, but two different secrets were"
                + " given for it");
      }
    }
  }
}
