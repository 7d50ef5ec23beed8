package io.sessionkit.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a user id becomes the 16-character tag that starts each of the user's session ids (see {@link
 * SessionIds}): 96 bits of its SHA-256, or, keyed, of its HMAC-SHA256 under a secret every instance
 * shares. An unkeyed tag links the sessions of one user and lets whoever guesses a user id confirm
 * the guess against a session id offline; a keyed one does neither without the secret. Immutable
 * and thread-safe.
 */
public final class UserTags {

  /** The least length of a tag secret, in bytes. */
  public static final int MIN_SECRET_BYTES = 32;

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final UserTags UNKEYED = new UserTags(Optional.empty());

  private final Optional<SecretKeySpec> key;

  private UserTags(Optional<SecretKeySpec> key) {
    this.key = key;
  }

  /** Tags from the user id's SHA-256. */
  public static UserTags unkeyed() {
    return UNKEYED;
  }

  /**
   * Tags from the user id's HMAC-SHA256 under {@code secret}, which must be the same on every
   * instance and never change while sessions live (changing it orphans every session).
   *
   * @throws IllegalArgumentException if the secret is shorter than {@value #MIN_SECRET_BYTES} bytes
   */
  public static UserTags keyed(byte[] secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "the user tag secret must be at least "
              + MIN_SECRET_BYTES
              + " bytes, but was "
              + secret.length
              + " bytes");
    }
    return new UserTags(Optional.of(new SecretKeySpec(secret.clone(), "HmacSHA256")));
  }

  /** The user's tag. */
  public String of(String userId) {
    byte[] input = userId.getBytes(StandardCharsets.UTF_8);
    byte[] digest;
    if (key.isEmpty()) {
      digest = SessionIds.sha256(input);
    } else {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(key.get());
        digest = mac.doFinal(input);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is on every Java platform", e);
      }
    }
    return BASE64URL.encodeToString(digest).substring(0, SessionIds.TAG_LENGTH);
  }

  /** Whether the session id was made for this user. */
  public boolean owns(String userId, String sessionId) {
    return SessionIds.tagOf(sessionId).equals(Optional.of(of(userId)));
  }

  @Override
  public String toString() {
    return key.isPresent() ? "UserTags[keyed]" : "UserTags[unkeyed]";
  }
}
