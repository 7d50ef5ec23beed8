package io.sessionkit.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Session ids: a 16-character tag derived from the user id (96 bits of its SHA-256) followed by 128
 * random bits, all base64url (38 characters).
 *
 * <p>The tag lets a store keep all of a user's data under keys it can name from the session id
 * alone, in one Redis Cluster hash slot, so multi-key scripts stay atomic on a cluster. 96 bits
 * make two users sharing a tag as unlikely as guessing a random 96-bit value. See {@link UserTags}
 * for what an unkeyed tag reveals, and the keyed kind.
 */
public final class SessionIds {

  /** Length of the user tag at the start of every session id. */
  public static final int TAG_LENGTH = 16;

  private static final int RANDOM_BYTES = 16;
  private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{38}");
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private SessionIds() {}

  /** A new session id for the user, whose tag {@code tags} makes. */
  public static String newSessionId(String userId, UserTags tags, SecureRandom random) {
    byte[] bytes = new byte[RANDOM_BYTES];
    random.nextBytes(bytes);
    return tags.of(userId) + BASE64URL.encodeToString(bytes);
  }

  /** A new session id for the user, with an unkeyed tag. */
  public static String newSessionId(String userId, SecureRandom random) {
    return newSessionId(userId, UserTags.unkeyed(), random);
  }

  /** The unkeyed tag that every session id of this user starts with (see {@link UserTags}). */
  public static String userTag(String userId) {
    return UserTags.unkeyed().of(userId);
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

  /**
   * How logs name a session: the first 24 characters and an ellipsis, enough to follow one session
   * through the log, not enough to use the id.
   */
  public static String shortForm(String sessionId) {
    return sessionId.length() <= 24 ? sessionId : sessionId.substring(0, 24) + "\u2026";
  }

  /** The part of a well-formed session id after its tag. */
  public static String randomPart(String sessionId) {
    return sessionId.substring(TAG_LENGTH);
  }

  /**
   * What tells one device from another for new-device detection: 64 bits of the SHA-256 of its user
   * agent, base64url (11 characters).
   */
  public static String deviceTag(String userAgent) {
    return BASE64URL
        .encodeToString(sha256(userAgent.getBytes(StandardCharsets.UTF_8)))
        .substring(0, 11);
  }

  static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
