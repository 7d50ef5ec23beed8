package io.sessionkit.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The refresh-token format and the cryptography around it.
 *
 * <p>A refresh token is {@code <session id>.<secret>}, the secret being 256 random bits in
 * base64url. Stores keep {@link #hash(String) the secret's SHA-256} only. A plain hash is enough
 * because the secret has full entropy: there is nothing to brute-force.
 *
 * <p>For the grace window, a rotation also stores the new secret {@link #seal sealed} with
 * AES-256-GCM under a key derived from the old secret, so the holder of the old token, and only
 * they, can recover the same successor again without the server keeping any token in plaintext.
 */
public final class RefreshTokens {

  private static final int SECRET_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final byte[] SEAL_KEY_CONTEXT =
      "sessionkit refresh-token seal v1\0".getBytes(StandardCharsets.US_ASCII);
  private static final Pattern SECRET_FORMAT = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  /** The two parts of a well-formed refresh token. {@link #toString()} hides the secret. */
  public record Parts(String sessionId, String secret) {
    public String token() {
      return sessionId + "." + secret;
    }

    @Override
    public String toString() {
      return "Parts[sessionId=" + sessionId + ", secret=(hidden)]";
    }
  }

  private RefreshTokens() {}

  /** A new random secret. */
  public static String newSecret(SecureRandom random) {
    byte[] bytes = new byte[SECRET_BYTES];
    random.nextBytes(bytes);
    return ENCODER.encodeToString(bytes);
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
    return Optional.of(new Parts(sessionId, secret));
  }

  /** What stores keep instead of the secret. */
  public static String hash(String secret) {
    return ENCODER.encodeToString(SessionIds.sha256(secret.getBytes(StandardCharsets.US_ASCII)));
  }

  /** {@code nextSecret} encrypted under a key only {@code previousSecret} yields. */
  public static String seal(String previousSecret, String nextSecret, SecureRandom random) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE, sealKey(previousSecret), new GCMParameterSpec(TAG_BITS, nonce));
      byte[] sealed = cipher.doFinal(nextSecret.getBytes(StandardCharsets.US_ASCII));
      return ENCODER.encodeToString(
          ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is on every Java platform", e);
    }
  }

  /** The secret sealed by {@link #seal}, or empty when {@code previousSecret} does not open it. */
  public static Optional<String> unseal(String previousSecret, String sealed) {
    try {
      byte[] bytes = DECODER.decode(sealed);
      if (bytes.length <= NONCE_BYTES) {
        return Optional.empty();
      }
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          sealKey(previousSecret),
          new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
      byte[] plain = cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
      return Optional.of(new String(plain, StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return Optional.empty();
    }
  }

  // The secret has 256 bits of entropy, so one SHA-256 over a fixed context is a sound key
  // derivation here; a password-style KDF would only add cost.
  private static SecretKeySpec sealKey(String secret) {
    byte[] input =
        ByteBuffer.allocate(SEAL_KEY_CONTEXT.length + secret.length())
            .put(SEAL_KEY_CONTEXT)
            .put(secret.getBytes(StandardCharsets.US_ASCII))
            .array();
    return new SecretKeySpec(SessionIds.sha256(input), "AES");
  }
}
