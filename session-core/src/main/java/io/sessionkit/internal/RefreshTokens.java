package io.sessionkit.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The refresh-token format and the cryptography around it.
 *
 * <p>A refresh token is {@code <session id>.<secret>}. The secret is 32 bytes in base64url (43
 * characters): the token's <em>generation</em> (4 bytes, big-endian; the first token of a session
 * is generation 0 and each rotation adds one), a 128-bit random <em>nonce</em>, and a 96-bit
 * <em>tag</em>: HMAC-SHA1 under the session's tag key of {@code "<session id>.<generation>"}, cut
 * to 12 bytes.
 *
 * <p>Stores keep, per session, only the generation and the {@link #hash(byte[]) hash} of the
 * current token's nonce, and the tag key. That is enough for every rule of {@link
 * io.sessionkit.RefreshRotation}: the current token is known by its nonce hash; a token of an
 * earlier generation is known to have been issued for this session by its tag, which only the
 * holder of the tag key can compute, so presenting one is reuse (theft) whatever its age, while a
 * made-up token with a real session id is merely invalid. The state stays the same size however
 * often a session is refreshed, and no token is kept in plaintext: the nonce never leaves the
 * application, only its hash does.
 *
 * <p>HMAC-SHA1 is used because Redis scripts can compute it ({@code redis.sha1hex}); HMAC's
 * security rests on the hash being a pseudorandom function, not on collision resistance, so SHA-1's
 * collision attacks do not apply (as for TOTP, RFC 6238).
 *
 * <p>For the reuse grace, a rotation also stores the new nonce {@link #seal sealed} with
 * AES-256-GCM under a key derived from the presented secret, so the holder of that token, and only
 * they, can get the same successor again.
 */
public final class RefreshTokens {

  /** Bytes of the tag key a session is created with. */
  public static final int TAG_KEY_BYTES = 12;

  private static final int GENERATION_BYTES = 4;
  private static final int NONCE_BYTES = 16;
  private static final int TAG_BYTES = 12;
  private static final int SECRET_BYTES = GENERATION_BYTES + NONCE_BYTES + TAG_BYTES;
  private static final int HASH_BYTES = 12;
  private static final int SEAL_NONCE_BYTES = 12;
  private static final int SEAL_TAG_BITS = 128;
  private static final byte[] SEAL_KEY_CONTEXT =
      "sessionkit refresh-token seal v2\0".getBytes(StandardCharsets.US_ASCII);
  private static final Pattern SECRET_FORMAT = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final HexFormat HEX = HexFormat.of();

  /**
   * A well-formed refresh token, taken apart. {@link #toString()} hides everything secret.
   *
   * @param sessionId the session it names
   * @param generation its generation
   * @param nonce its random part, the secret that only the client holds
   * @param tag its tag, proof that it was issued for this session and generation
   */
  public record Parts(String sessionId, int generation, byte[] nonce, byte[] tag) {

    public Parts {
      nonce = nonce.clone();
      tag = tag.clone();
      if (generation < 0 || nonce.length != NONCE_BYTES || tag.length != TAG_BYTES) {
        throw new IllegalArgumentException("not the parts of a refresh token");
      }
    }

    @Override
    public byte[] nonce() {
      return nonce.clone();
    }

    @Override
    public byte[] tag() {
      return tag.clone();
    }

    /** The token to hand to the client. */
    public String token() {
      return sessionId + "." + secret();
    }

    /** The part after the session id. */
    public String secret() {
      return ENCODER.encodeToString(
          ByteBuffer.allocate(SECRET_BYTES).putInt(generation).put(nonce).put(tag).array());
    }

    /** What stores keep to recognise this token as current. */
    public String nonceHash() {
      return hash(nonce);
    }

    /** The tag as lower-case hex, the form a store compares. */
    public String tagHex() {
      return HEX.formatHex(tag);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Parts p
          && p.sessionId.equals(sessionId)
          && p.generation == generation
          && Arrays.equals(p.nonce, nonce)
          && Arrays.equals(p.tag, tag);
    }

    @Override
    public int hashCode() {
      return sessionId.hashCode() * 31 + generation;
    }

    @Override
    public String toString() {
      return "Parts[sessionId=" + sessionId + ", generation=" + generation + ", secret=(hidden)]";
    }
  }

  private RefreshTokens() {}

  /** A new random tag key for a session, base64url. */
  public static String newTagKey(SecureRandom random) {
    byte[] bytes = new byte[TAG_KEY_BYTES];
    random.nextBytes(bytes);
    return ENCODER.encodeToString(bytes);
  }

  /** A new random nonce. */
  public static byte[] newNonce(SecureRandom random) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    return nonce;
  }

  /** The token of {@code generation} with {@code nonce}, tagged under {@code tagKey}. */
  public static Parts issue(String sessionId, int generation, byte[] nonce, String tagKey) {
    return new Parts(sessionId, generation, nonce, tag(tagKey, sessionId, generation));
  }

  /** The parts of a token, or empty when it does not have the refresh-token form. */
  public static Optional<Parts> parse(String token) {
    int dot = token.indexOf('.');
    if (dot < 0 || token.length() > 200) {
      return Optional.empty();
    }
    String sessionId = token.substring(0, dot);
    String secret = token.substring(dot + 1);
    if (!SessionIds.isWellFormed(sessionId) || !SECRET_FORMAT.matcher(secret).matches()) {
      return Optional.empty();
    }
    byte[] bytes;
    try {
      bytes = DECODER.decode(secret);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    int generation = buffer.getInt();
    if (generation < 0) {
      return Optional.empty();
    }
    byte[] nonce = new byte[NONCE_BYTES];
    byte[] tag = new byte[TAG_BYTES];
    buffer.get(nonce).get(tag);
    return Optional.of(new Parts(sessionId, generation, nonce, tag));
  }

  /**
   * Whether {@code tag} is the tag of {@code generation} of the session under {@code tagKey}, in
   * constant time. A store's script computes the same.
   */
  public static boolean tagMatches(String tagKey, String sessionId, int generation, byte[] tag) {
    return java.security.MessageDigest.isEqual(tag(tagKey, sessionId, generation), tag);
  }

  /**
   * What stores keep instead of the nonce: 96 bits of its SHA-256, base64url (16 characters).
   * Whoever reads the store would need 2^96 tries to find a nonce that matches; 96 bits also keep a
   * session's whole state short enough for Redis's compact encoding.
   */
  public static String hash(byte[] nonce) {
    return ENCODER.encodeToString(Arrays.copyOf(SessionIds.sha256(nonce), HASH_BYTES));
  }

  /** {@code nextNonce} encrypted under a key only the presented secret yields. */
  public static String seal(Parts presented, byte[] nextNonce, SecureRandom random) {
    byte[] iv = new byte[SEAL_NONCE_BYTES];
    random.nextBytes(iv);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, sealKey(presented), new GCMParameterSpec(SEAL_TAG_BITS, iv));
      byte[] sealed = cipher.doFinal(nextNonce);
      return ENCODER.encodeToString(
          ByteBuffer.allocate(SEAL_NONCE_BYTES + sealed.length).put(iv).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is on every Java platform", e);
    }
  }

  /** The nonce sealed by {@link #seal}, or empty when {@code presented} does not open it. */
  public static Optional<byte[]> unseal(Parts presented, String sealed) {
    try {
      byte[] bytes = DECODER.decode(sealed);
      if (bytes.length <= SEAL_NONCE_BYTES) {
        return Optional.empty();
      }
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          sealKey(presented),
          new GCMParameterSpec(SEAL_TAG_BITS, bytes, 0, SEAL_NONCE_BYTES));
      byte[] nonce = cipher.doFinal(bytes, SEAL_NONCE_BYTES, bytes.length - SEAL_NONCE_BYTES);
      return nonce.length == NONCE_BYTES ? Optional.of(nonce) : Optional.empty();
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return Optional.empty();
    }
  }

  private static byte[] tag(String tagKey, String sessionId, int generation) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(tagKey.getBytes(StandardCharsets.US_ASCII), "HmacSHA1"));
      byte[] full = mac.doFinal((sessionId + "." + generation).getBytes(StandardCharsets.US_ASCII));
      return Arrays.copyOf(full, TAG_BYTES);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA1 is on every Java platform", e);
    }
  }

  // The secret has 256 bits, 128 of them random: one SHA-256 over a fixed context is a sound key
  // derivation here; a password-style KDF would only add cost.
  private static SecretKeySpec sealKey(Parts presented) {
    byte[] secret = presented.secret().getBytes(StandardCharsets.US_ASCII);
    byte[] input =
        ByteBuffer.allocate(SEAL_KEY_CONTEXT.length + secret.length)
            .put(SEAL_KEY_CONTEXT)
            .put(secret)
            .array();
    return new SecretKeySpec(SessionIds.sha256(input), "AES");
  }
}
