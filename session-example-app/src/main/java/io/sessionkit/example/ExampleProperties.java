package io.sessionkit.example;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The example app's own settings ({@code example.*}); {@code application.properties} maps the
 * contract's environment variables onto them and onto the starter's {@code sessionkit.*}.
 *
 * @param admin the optional admin account
 */
@ConfigurationProperties("example")
public record ExampleProperties(@DefaultValue Admin admin) {

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
