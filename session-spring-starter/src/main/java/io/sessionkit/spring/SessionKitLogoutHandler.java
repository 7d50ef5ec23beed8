package io.sessionkit.spring;

import io.sessionkit.SessionManager;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.servlet.ClientInfoResolver;
import io.sessionkit.servlet.SessionAuthenticationFilter;
import io.sessionkit.servlet.SessionCookies;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.logout.LogoutHandler;

/**
 * Makes Spring Security's logout ({@code http.logout()}) end the caller's sessionkit session and
 * clear both cookies, as {@code POST {base}/logout} does. The starter adds it to every {@code
 * SecurityFilterChain} that has logout on; add it yourself with {@code
 * logout.addLogoutHandler(handler)} to a chain you build without the starter's customizer.
 *
 * <p>The session is the one sessionkit's filter authenticated the request with; a logout request
 * without one only has its cookies cleared. Thread-safe.
 */
public final class SessionKitLogoutHandler implements LogoutHandler {

  private final SessionManager manager;
  private final SessionCookies cookies;
  private final ClientInfoResolver clientInfo;

  /** A handler that ends sessions with {@code manager} and clears {@code cookies}. */
  public SessionKitLogoutHandler(
      SessionManager manager, SessionCookies cookies, ClientInfoResolver clientInfo) {
    this.manager = Objects.requireNonNull(manager, "manager");
    this.cookies = Objects.requireNonNull(cookies, "cookies");
    this.clientInfo = Objects.requireNonNull(clientInfo, "clientInfo");
  }

  /**
   * Ends the request's session and clears the cookies.
   *
   * @throws SessionStoreUnavailableException when the store is unreachable in deny mode; the
   *     cookies are left, so that the browser can log out again once the store is back
   */
  @Override
  public void logout(
      HttpServletRequest request,
      HttpServletResponse response,
      @Nullable Authentication authentication) {
    SessionAuthenticationFilter.authentication(request)
        .flatMap(a -> a.claims())
        .ifPresent(claims -> manager.logout(claims.sessionId(), clientInfo.resolve(request)));
    cookies.clear(response);
  }

  @Override
  public String toString() {
    return "SessionKitLogoutHandler";
  }
}
