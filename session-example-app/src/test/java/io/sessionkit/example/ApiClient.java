package io.sessionkit.example;

import io.sessionkit.testing.CookieClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * One client of the example app over real HTTP, with a cookie jar of its own (see {@link
 * CookieClient}), the user agent {@code contract-test}, JSON request bodies, and the app's own
 * register and login requests. Not thread-safe; one per simulated browser or device.
 */
final class ApiClient extends CookieClient {

  static final JsonMapper JSON = JsonMapper.builder().build();

  private ApiClient(int port) {
    super(port);
    userAgent("contract-test");
    bodyType("application/json");
  }

  /** A client with an empty jar. */
  public static ApiClient on(int port) {
    return new ApiClient(port);
  }

  @Override
  public ApiClient userAgent(String userAgent) {
    super.userAgent(userAgent);
    return this;
  }

  /** A POST of {@code {"username","password"}} to register. */
  Reply register(String username, String password) {
    return post("/api/v1/auth/register", credentials(username, password));
  }

  /** A POST of {@code {"username","password"}} to log in; the jar takes the cookies. */
  Reply login(String username, String password) {
    return post("/api/v1/auth/login", credentials(username, password));
  }

  /** Registers (201 expected) and logs in (200 expected). */
  Reply registerAndLogin(String username, String password) {
    Reply registered = register(username, password);
    if (registered.status() != 201) {
      throw new AssertionError("register " + username + ": " + registered);
    }
    return loggedIn(username, password);
  }

  /** Logs in, expecting 200. */
  Reply loggedIn(String username, String password) {
    Reply login = login(username, password);
    if (login.status() != 200) {
      throw new AssertionError("login " + username + ": " + login);
    }
    return login;
  }

  static String credentials(String username, String password) {
    return JSON.createObjectNode().put("username", username).put("password", password).toString();
  }
}
