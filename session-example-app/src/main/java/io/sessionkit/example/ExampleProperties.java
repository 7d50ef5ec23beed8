package io.sessionkit.example;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The example app's own settings ({@code example.*}); {@code application.properties} maps the
 * contract's environment variables onto them.
 *
 * @param login login throttling
 * @param admin the optional admin account
 */
@ConfigurationProperties("example")
public record ExampleProperties(@DefaultValue Login login, @DefaultValue Admin admin) {

  /**
   * Failed logins allowed per username and client address within the window, before 429.
   *
   * @param maxAttempts failures allowed in a window
   * @param window how long a window lasts, from its first failure
   */
  public record Login(@DefaultValue("5") int maxAttempts, @DefaultValue("60s") Duration window) {}

  /**
   * An account with role ADMIN created at start when both are set.
   *
   * @param username its username, or empty
   * @param password its password, or empty
   */
  public record Admin(@DefaultValue("") String username, @DefaultValue("") String password) {
    @Override
    public String toString() {
      return "Admin[username=" + username + ", password=(hidden)]";
    }
  }
}
