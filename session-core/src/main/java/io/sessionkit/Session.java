package io.sessionkit;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One login on one device: the server-side record that every access token of that login is checked
 * against.
 *
 * <p>A session is live until its absolute expiry ({@link #expiresAt()}), until it has been idle for
 * longer than its {@link #idleTimeout()} (when that is not zero), or until it is revoked, evicted
 * or logged out, whichever comes first. Instances are immutable and thread-safe.
 *
 * @param id the session id: random (at least 128 bits) and URL-safe
 * @param userId the user the session belongs to
 * @param roles the user's roles at login, carried into every access token
 * @param createdAt when the login happened
 * @param lastActiveAt the last recorded activity; written at most once per touch interval
 * @param expiresAt the absolute end of the session (login time plus the refresh lifetime)
 * @param idleTimeout how long the session may go without activity, or {@link Duration#ZERO} when it
 *     has no idle timeout
 * @param clientIp the client address seen at login, or an empty string when unknown
 * @param userAgent the client's user agent at login, or an empty string when unknown
 * @param attributes small application-defined string attributes
 */
public record Session(
    String id,
    String userId,
    Set<String> roles,
    Instant createdAt,
    Instant lastActiveAt,
    Instant expiresAt,
    Duration idleTimeout,
    String clientIp,
    String userAgent,
    Map<String, String> attributes) {

  public Session {
    requireText(id, "id");
    requireText(userId, "userId");
    roles = Set.copyOf(Objects.requireNonNull(roles, "roles"));
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(lastActiveAt, "lastActiveAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (idleTimeout.isNegative()) {
      throw new IllegalArgumentException("idleTimeout must be >= 0, but was " + idleTimeout);
    }
    if (expiresAt.isBefore(createdAt)) {
      throw new IllegalArgumentException(
          "expiresAt must not be before createdAt, but was " + expiresAt + " < " + createdAt);
    }
    Objects.requireNonNull(clientIp, "clientIp");
    Objects.requireNonNull(userAgent, "userAgent");
    attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes"));
  }

  /**
   * The moment this session ends if nothing else happens to it: its absolute expiry, or the end of
   * its idle timeout counted from {@link #lastActiveAt()}, whichever is earlier.
   */
  public Instant endsAt() {
    if (idleTimeout.isZero()) {
      return expiresAt;
    }
    Instant idleEnd = lastActiveAt.plus(idleTimeout);
    return idleEnd.isBefore(expiresAt) ? idleEnd : expiresAt;
  }

  /** Whether this session is still live at {@code now}, ignoring revocation. */
  public boolean isLiveAt(Instant now) {
    return now.isBefore(endsAt());
  }

  /** This session with its last activity recorded at {@code at}. */
  public Session withLastActiveAt(Instant at) {
    return new Session(
        id, userId, roles, createdAt, at, expiresAt, idleTimeout, clientIp, userAgent, attributes);
  }

  private static void requireText(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }
}
