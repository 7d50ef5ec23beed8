package io.sessionkit.jwt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * An HMAC-SHA256 secret together with the key id ({@code kid}) that names it in the header of every
 * token it signs, so that a verifier holding several keys (during a rotation) knows which one to
 * check a token against.
 *
 * <p>Instances are immutable and thread-safe. The secret is copied in and never handed out, and
 * {@link #toString()} shows the key id only. Two keys are {@linkplain #equals(Object) equal} when
 * both their key ids and their secrets are equal; the secrets are compared in constant time.
 */
public final class SigningKey {

  /** The smallest secret HS256 accepts (RFC 7518 §3.2: a key at least as long as the hash). */
  public static final int MIN_SECRET_BYTES = 32;

  /** The largest key id accepted. */
  public static final int MAX_KEY_ID_LENGTH = 64;

  private static final String KEY_ID_RULE = "[A-Za-z0-9._-]{1," + MAX_KEY_ID_LENGTH + "}";

  private final String keyId;
  private final byte[] secret;
  private final SecretKey secretKey;

  private SigningKey(String keyId, byte[] secret) {
    this.keyId = keyId;
    this.secret = secret;
    this.secretKey = new SecretKeySpec(secret, "HmacSHA256");
  }

  /**
   * An HS256 key from raw secret bytes.
   *
   * @param keyId the key id written into each token's {@code kid} header: 1 to 64 characters from
   *     {@code [A-Za-z0-9._-]}
   * @param secret at least {@value #MIN_SECRET_BYTES} bytes, ideally from a secure random source;
   *     copied, so later changes to the array do not affect the key
   * @throws IllegalArgumentException if the key id or the secret breaks its rule; the message never
   *     contains the secret
   * @throws NullPointerException if an argument is null
   */
  public static SigningKey hmacSha256(String keyId, byte[] secret) {
    validateKeyId(keyId);
    Objects.requireNonNull(secret, "secret");
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "secret must be at least "
              + MIN_SECRET_BYTES
              + " bytes for HS256, but was "
              + secret.length
              + " bytes");
    }
    return new SigningKey(keyId, secret.clone());
  }

  /**
   * An HS256 key from a text secret, taken as its UTF-8 bytes.
   *
   * <p>The secret must be at least {@value #MIN_SECRET_BYTES} bytes in UTF-8. A human-chosen
   * password is not a good secret even when it is long enough; prefer 32 or more random bytes, for
   * example base64-encoded and decoded before calling {@link #hmacSha256(String, byte[])}.
   *
   * @throws IllegalArgumentException if the key id or the secret breaks its rule; the message never
   *     contains the secret
   * @throws NullPointerException if an argument is null
   */
  public static SigningKey hmacSha256(String keyId, String secret) {
    validateKeyId(keyId);
    Objects.requireNonNull(secret, "secret");
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "secret must be at least "
              + MIN_SECRET_BYTES
              + " bytes in UTF-8 for HS256, but was "
              + bytes.length
              + " bytes");
    }
    return new SigningKey(keyId, bytes);
  }

  /** The key id ({@code kid}) that names this key in token headers. */
  public String keyId() {
    return keyId;
  }

  /** The key for jjwt. {@link SecretKeySpec} hands out copies of its bytes only. */
  SecretKey secretKey() {
    return secretKey;
  }

  /** Whether this key and {@code other} share a key id and a secret (compared in constant time). */
  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof SigningKey that
        && keyId.equals(that.keyId)
        && MessageDigest.isEqual(secret, that.secret);
  }

  /** Derived from the key id only, so the hash leaks nothing about the secret. */
  @Override
  public int hashCode() {
    return keyId.hashCode();
  }

  /** The key id and algorithm; never the secret. */
  @Override
  public String toString() {
    return "SigningKey[keyId=" + keyId + ", algorithm=HS256, secret=(hidden)]";
  }

  // A swapped call, hmacSha256(secret, keyId), would put the secret here, so the messages give
  // the length and the position of the first bad character, never the value itself.
  private static void validateKeyId(String keyId) {
    Objects.requireNonNull(keyId, "keyId");
    if (keyId.isBlank()) {
      throw new IllegalArgumentException("keyId must not be blank");
    }
    if (keyId.length() > MAX_KEY_ID_LENGTH) {
      throw new IllegalArgumentException(
          "keyId must match " + KEY_ID_RULE + ", but was " + keyId.length() + " characters long");
    }
    for (int i = 0; i < keyId.length(); i++) {
      if (!isKeyIdChar(keyId.charAt(i))) {
        throw new IllegalArgumentException(
            "keyId must match "
                + KEY_ID_RULE
                + ", but has a character outside that set at index "
                + i);
      }
    }
  }

  private static boolean isKeyIdChar(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '-';
  }
}
