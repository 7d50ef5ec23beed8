package io.sessionkit.servlet;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the host's check of a login's credentials found, for {@link SessionLogin}: the user to log
 * in, or a refusal. sessionkit never sees the credentials themselves.
 *
 * @param user the user whose credentials were right; empty when they were wrong
 * @param failedUserId for a refusal, the user whose account the attempt named, when there is one:
 *     the attempt then goes into that user's activity feed as {@code login_failed}. Empty for an
 *     unknown account (and always when {@code user} is present)
 */
public record CredentialCheck(Optional<LoginUser> user, Optional<String> failedUserId) {

  public CredentialCheck {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(failedUserId, "failedUserId");
    if (user.isPresent() && failedUserId.isPresent()) {
      throw new IllegalArgumentException("an accepted check has no failedUserId");
    }
  }

  /** The credentials were right: log in this user with these roles. */
  public static CredentialCheck accepted(String userId, Set<String> roles) {
    return accepted(userId, roles, Map.of());
  }

  /**
   * The credentials were right: log in this user with these roles, keeping {@code attributes} with
   * the session (see {@link io.sessionkit.SessionManager#login(String, Set,
   * io.sessionkit.ClientInfo, Map)}).
   */
  public static CredentialCheck accepted(
      String userId, Set<String> roles, Map<String, String> attributes) {
    return new CredentialCheck(
        Optional.of(new LoginUser(userId, roles, attributes)), Optional.empty());
  }

  /** The credentials were wrong, or named no account. */
  public static CredentialCheck rejected() {
    return new CredentialCheck(Optional.empty(), Optional.empty());
  }

  /** The credentials were wrong for the account of {@code userId}, whose feed records it. */
  public static CredentialCheck rejected(String userId) {
    return new CredentialCheck(Optional.empty(), Optional.of(userId));
  }

  /**
   * A user to log in.
   *
   * @param userId the user id, the access token's subject
   * @param roles the roles the access token carries
   * @param attributes kept with the session
   */
  public record LoginUser(String userId, Set<String> roles, Map<String, String> attributes) {

    public LoginUser {
      Objects.requireNonNull(userId, "userId");
      roles = Set.copyOf(roles);
      attributes = Map.copyOf(attributes);
    }
  }
}
