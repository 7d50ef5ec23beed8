package io.sessionkit.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Session ids: an 8-character tag derived from the user id followed by 128 random bits, all
 * base64url (30 characters).
 *
 * <p>The tag lets a store find every key of a session from the session id alone while keeping all
 * keys of one user in one Redis Cluster hash slot, so multi-key scripts stay atomic on a cluster.
 * It is a hash, so an id reveals nothing about the user beyond "same user as another id with the
 * same tag".
 */
public final class SessionIds {

  /** Length of the user tag at the start of every session id. */
  public static final int TAG_LENGTH = 8;

  private static final int RANDOM_BYTES = 16;
  private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{30}");
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private SessionIds() {}

  /** A new session id for the user. */
  public static String newSessionId(String userId, SecureRandom random) {
    byte[] bytes = new byte[RANDOM_BYTES];
    random.nextBytes(bytes);
    return userTag(userId) + BASE64URL.encodeToString(bytes);
  }

  /** The tag that every session id of this user starts with. */
  public static String userTag(String userId) {
    return BASE64URL
        .encodeToString(sha256(userId.getBytes(StandardCharsets.UTF_8)))
        .substring(0, TAG_LENGTH);
  }

  /** Whether the string has the form of a session id (it may still name no session). */
  public static boolean isWellFormed(String sessionId) {
    return FORMAT.matcher(sessionId).matches();
  }

  /** The user tag of a well-formed session id. */
  public static Optional<String> tagOf(String sessionId) {
    return isWellFormed(sessionId)
        ? Optional.of(sessionId.substring(0, TAG_LENGTH))
        : Optional.empty();
  }

  static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
