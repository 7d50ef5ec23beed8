package io.sessionkit.redis;

import io.sessionkit.internal.SessionIds;
import io.sessionkit.internal.UserTags;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The names of every key sessionkit writes (see {@code docs/redis-layout.md}), under an optional
 * namespace. All keys of one user carry the user's tag in braces, so they share a Redis Cluster
 * hash slot. Only the session records start with {@code session:}. Immutable.
 */
final class RedisKeys {

  private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private final String prefix;
  private final UserTags tags;

  private RedisKeys(String prefix, UserTags tags) {
    this.prefix = prefix;
    this.tags = tags;
  }

  static RedisKeys of(Optional<String> namespace, UserTags tags) {
    return new RedisKeys(namespace.map(n -> n + ":").orElse(""), tags);
  }

  /** {@code namespace}, when it may prefix key names. */
  static String requireValidNamespace(String namespace) {
    if (!NAMESPACE.matcher(namespace).matches()) {
      throw new IllegalArgumentException(
          "namespace must be 1 to 64 of [A-Za-z0-9_.-], but was \"" + namespace + "\"");
    }
    return namespace;
  }

  /** The session's immutable JSON record. */
  String session(String sessionId) {
    return prefix + "session:{" + tagOf(sessionId) + "}:" + sessionId;
  }

  /** The session's reuse grace: the previous nonce hash and the sealed successor. */
  String grace(String sessionId) {
    return prefix + "session-grace:{" + tagOf(sessionId) + "}:" + sessionId;
  }

  /** The marker an ended session leaves. */
  String endMarker(String sessionId) {
    return prefix + "session-ended:{" + tagOf(sessionId) + "}:" + sessionId;
  }

  /** The user's live sessions by end time. */
  /** What every user's index key starts with. */
  String indexPrefix() {
    return prefix + "user-sessions:";
  }

  String index(String tag) {
    return prefix + "user-sessions:{" + tag + "}";
  }

  /** The user's sessions' activity and refresh state. */
  String states(String tag) {
    return prefix + "user-session-states:{" + tag + "}";
  }

  /** When the user last logged out everywhere. */
  String loggedOutEverywhere(String tag) {
    return prefix + "user-logged-out:{" + tag + "}";
  }

  /** The user's evicted sessions whose keys are still to be removed. */
  String evicted(String tag) {
    return prefix + "user-sessions-evicted:{" + tag + "}";
  }

  /** The user's sessions ended by revoke-all whose keys are still to be removed. */
  String revoked(String tag) {
    return prefix + "user-sessions-revoked:{" + tag + "}";
  }

  /** The pub/sub channel on which scripts tell every instance of the sessions they end. */
  String endsChannel() {
    return prefix + "sessionkit-ends";
  }

  /** The user agents the user logged in from lately. */
  String devices(String tag) {
    return prefix + "user-devices:{" + tag + "}";
  }

  /** The user's activity feed. */
  String activity(String userId) {
    return prefix + "activity:{" + tags.of(userId) + "}:" + userId;
  }

  /** Login attempts at an account from one address, by digests of both. */
  String loginAttempts(String accountDigest, String addressDigest) {
    return prefix + "login-attempts:{" + accountDigest + "}:" + addressDigest;
  }

  /** Login attempts at an account from any address, by a digest of the account. */
  String loginAttempts(String accountDigest) {
    return prefix + "login-attempts:{" + accountDigest + "}";
  }

  /** Login attempts from an address at any account, by a digest of the address. */
  String loginAttemptsFrom(String addressDigest) {
    return prefix + "login-attempts-from:{" + addressDigest + "}";
  }

  private static String tagOf(String sessionId) {
    return SessionIds.tagOf(sessionId)
        .orElseThrow(() -> new IllegalArgumentException("not a session id"));
  }
}
