package io.sessionkit.spring.test;

import io.sessionkit.ClientInfo;
import io.sessionkit.Login;
import io.sessionkit.SessionManager;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/**
 * MockMvc requests as a logged-in user, for testing an application's own controllers behind
 * sessionkit: the user is logged in for real (a session in the application's {@link
 * SessionManager}, its store and its keys), and the request carries that session's access token as
 * {@code Authorization: Bearer}. sessionkit's filter then checks it as in production, so a
 * controller sees a {@code SessionKitPrincipal} (with Spring Security) or the user in {@code
 * request.getUserPrincipal()}, and a test can revoke the session and see the next request refused.
 * A {@code @WithMockUser} principal, by contrast, is not a {@code SessionKitPrincipal}, and skips
 * the session check.
 *
 * <pre>{@code
 * mockMvc.perform(get("/api/orders").with(SessionKitMockMvc.loggedIn(sessions, "user-1", "USER")))
 *     .andExpect(status().isOk());
 * }</pre>
 *
 * <p>MockMvc must run the servlet filters (Boot's {@code @AutoConfigureMockMvc} adds them by
 * default). Thread-safe.
 */
public final class SessionKitMockMvc {

  /** What the test sessions record as their client. */
  public static final ClientInfo TEST_CLIENT = new ClientInfo("127.0.0.1", "SessionKitMockMvc");

  private SessionKitMockMvc() {}

  /**
   * Logs {@code userId} in with {@code roles} (a new session each call) and sends its access token.
   */
  public static RequestPostProcessor loggedIn(
      SessionManager sessions, String userId, String... roles) {
    Objects.requireNonNull(sessions, "sessions");
    Login login = sessions.login(userId, Set.of(roles), TEST_CLIENT, Map.of());
    return bearer(login);
  }

  /** Sends the access token of a login the test made itself (to revoke it later, say). */
  public static RequestPostProcessor bearer(Login login) {
    Objects.requireNonNull(login, "login");
    String header = "Bearer " + login.accessToken().value();
    return request -> {
      request.addHeader("Authorization", header);
      return request;
    };
  }
}
