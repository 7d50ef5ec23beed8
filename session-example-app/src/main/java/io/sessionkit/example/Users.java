package io.sessionkit.example;

import jakarta.annotation.PostConstruct;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * The example's user store: accounts in memory, passwords hashed with BCrypt. It stands in for the
 * host's own user database: sessionkit never sees a password, only the user id and roles of a
 * successful login. Thread-safe.
 */
@Component
class Users {

  static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_.-]{3,64}");
  static final int MIN_PASSWORD_LENGTH = 8;

  private static final Logger log = LoggerFactory.getLogger(Users.class);

  private final BCryptPasswordEncoder encoder = new BCryptPasswordEncoder();
  // compared against when the user does not exist, so both failures cost the same time
  private final String unknownUserHash = encoder.encode(UUID.randomUUID().toString());
  private final Map<String, User> byUsername = new ConcurrentHashMap<>();
  private final Map<String, User> byId = new ConcurrentHashMap<>();
  private final ExampleProperties properties;

  Users(ExampleProperties properties) {
    this.properties = properties;
  }

  @PostConstruct
  void createAdmin() {
    String username = properties.admin().username();
    String password = properties.admin().password();
    if (username.isEmpty() || password.isEmpty()) {
      return;
    }
    if (!USERNAME.matcher(username).matches() || password.length() < MIN_PASSWORD_LENGTH) {
      throw new IllegalStateException(
          "ADMIN_USERNAME must be 3-64 of [A-Za-z0-9_.-] and ADMIN_PASSWORD at least "
              + MIN_PASSWORD_LENGTH
              + " characters");
    }
    register(username, password, Set.of("USER", "ADMIN"));
    log.info("Admin account {} created", username);
  }

  /** The new account, or empty when the username is taken (case-insensitively). */
  Optional<User> register(String username, String password, Set<String> roles) {
    User user =
        new User(
            UUID.randomUUID().toString(),
            username,
            encoder.encode(prehash(password)),
            Set.copyOf(roles));
    User existing = byUsername.putIfAbsent(key(username), user);
    if (existing != null) {
      return Optional.empty();
    }
    byId.put(user.id(), user);
    return Optional.of(user);
  }

  /** The account whose password matches, or empty; unknown user and wrong password look alike. */
  Optional<User> authenticate(String username, String password) {
    User user = byUsername.get(key(username));
    boolean matches =
        encoder.matches(prehash(password), user == null ? unknownUserHash : user.passwordHash());
    return matches && user != null ? Optional.of(user) : Optional.empty();
  }

  Optional<User> byUsername(String username) {
    return Optional.ofNullable(byUsername.get(key(username)));
  }

  Optional<User> byId(String id) {
    return Optional.ofNullable(byId.get(id));
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

  private static String key(String username) {
    return username.toLowerCase(Locale.ROOT);
  }
}
