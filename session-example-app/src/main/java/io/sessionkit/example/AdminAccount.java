package io.sessionkit.example;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The admin account from {@code ADMIN_USERNAME} / {@code ADMIN_PASSWORD}, created once: by this
 * instance at start, or found made by an earlier start or by another instance on the same Redis,
 * and then left as it is. When the account store cannot be reached at start, the instance starts
 * all the same and tries again every second in the background until it can.
 */
@Component
class AdminAccount {

  private static final Logger log = LoggerFactory.getLogger(AdminAccount.class);

  private final Users users;
  private final ExampleProperties properties;
  private ScheduledExecutorService retry;

  AdminAccount(Users users, ExampleProperties properties) {
    this.users = users;
    this.properties = properties;
  }

  /**
   * Creates or finds the admin account.
   *
   * @throws IllegalStateException when the settings break the account rules, or the username
   *     belongs to an account without the ADMIN role: the instance does not start
   */
  @PostConstruct
  void create() {
    String username = properties.admin().username();
    String password = properties.admin().password();
    if (username.isEmpty() || password.isEmpty()) {
      return;
    }
    if (!Users.USERNAME.matcher(username).matches()
        || password.length() < Users.MIN_PASSWORD_LENGTH) {
      throw new IllegalStateException(
          "ADMIN_USERNAME must be 3-64 of [A-Za-z0-9_.-] and ADMIN_PASSWORD at least "
              + Users.MIN_PASSWORD_LENGTH
              + " characters");
    }
    try {
      ensure(username, password);
    } catch (AccountsUnavailableException e) {
      log.warn(
          "Admin account {} not created yet ({}); trying again every second",
          username,
          e.getMessage());
      retry =
          Executors.newSingleThreadScheduledExecutor(
              task -> {
                Thread thread = new Thread(task, "example-admin-account");
                thread.setDaemon(true);
                return thread;
              });
      retry.scheduleWithFixedDelay(() -> retry(username, password), 1, 1, TimeUnit.SECONDS);
    }
  }

  @PreDestroy
  void stop() {
    if (retry != null) {
      retry.shutdownNow();
    }
  }

  private void retry(String username, String password) {
    try {
      ensure(username, password);
      retry.shutdown();
    } catch (AccountsUnavailableException stillDown) {
      // the next attempt in a second
    } catch (RuntimeException e) {
      log.error("Admin account {} cannot be created: {}", username, e.getMessage());
      retry.shutdown();
    }
  }

  private void ensure(String username, String password) {
    if (users.register(username, password, Set.of("USER", "ADMIN")).isPresent()) {
      log.info("Admin account {} created", username);
      return;
    }
    User existing =
        users
            .byUsername(username)
            .orElseThrow(() -> new IllegalStateException("ADMIN_USERNAME is taken but not found"));
    if (!existing.roles().contains("ADMIN")) {
      throw new IllegalStateException(
          "ADMIN_USERNAME "
              + username
              + " belongs to an account without the ADMIN role: choose another ADMIN_USERNAME");
    }
    if (users.authenticate(username, password).isEmpty()) {
      log.warn(
          "Admin account {} exists with another password than ADMIN_PASSWORD; the existing one"
              + " stays",
          username);
      return;
    }
    log.info("Admin account {} exists already", username);
  }
}
