package io.sessionkit.example;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * The example's users: registration and password checks (BCrypt), over an {@link AccountStore} (in
 * Redis when the app runs on Redis, so that all instances share the accounts; in memory otherwise).
 * It stands in for the host's own user database: sessionkit never sees a password, only the user id
 * and roles of a successful login. Thread-safe.
 */
@Component
class Users {

  static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_.-]{3,64}");
  static final int MIN_PASSWORD_LENGTH = 8;

  private final BCryptPasswordEncoder encoder = new BCryptPasswordEncoder();
  // compared against when the user does not exist, so both failures cost the same time
  private final String unknownUserHash = encoder.encode(UUID.randomUUID().toString());
  private final AccountStore accounts;

  Users(AccountStore accounts) {
    this.accounts = accounts;
  }

  /**
   * The new account, or empty when the username is taken (case-insensitively).
   *
   * @throws AccountsUnavailableException when the account store cannot be reached
   */
  Optional<User> register(String username, String password, Set<String> roles) {
    User user =
        new User(
            UUID.randomUUID().toString(),
            username,
            encoder.encode(prehash(password)),
            Set.copyOf(roles));
    return accounts.add(user) ? Optional.of(user) : Optional.empty();
  }

  /**
   * The account whose password matches, or empty; unknown user and wrong password look alike.
   *
   * @throws AccountsUnavailableException when the account store cannot be reached and the account
   *     is not known to this instance
   */
  Optional<User> authenticate(String username, String password) {
    Optional<User> user = byUsername(username);
    boolean matches =
        encoder.matches(prehash(password), user.map(User::passwordHash).orElse(unknownUserHash));
    return matches ? user : Optional.empty();
  }

  /**
   * See {@link AccountStore#byUsername}; a username outside the rule is never registered, so it is
   * not looked up.
   */
  Optional<User> byUsername(String username) {
    return USERNAME.matcher(username).matches() ? accounts.byUsername(username) : Optional.empty();
  }

  /** See {@link AccountStore#byId}. */
  Optional<User> byId(String id) {
    return accounts.byId(id);
  }

  /**
   * What BCrypt hashes: the password's SHA-256, base64-encoded (44 ASCII characters). BCrypt reads
   * at most 72 bytes and refuses longer input, so without this a long passphrase would be refused
   * or cut; this way every password counts in full, whatever its length (the request body limit
   * bounds it).
   */
  private static String prehash(String password) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
