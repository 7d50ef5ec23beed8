package io.sessionkit.servlet;

import io.sessionkit.Login;
import io.sessionkit.LoginThrottle;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.jwt.JwtTokenService;
import io.sessionkit.jwt.SigningKey;
import io.sessionkit.redis.RedisActivityLog;
import io.sessionkit.redis.RedisLoginThrottle;
import io.sessionkit.redis.RedisSessionStore;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;

/**
 * The Java snippets of docs/servlet.md, as they appear there (with their imports), so that the
 * build breaks when the API they show changes. Compiled only, never run (it is no {@code *Test}):
 * the wiring needs a JWT_SECRET and a Redis. Keep the two in step.
 */
class ServletDocsSnippets {

  /** The host's own user store the snippets assume. */
  interface Users {
    Optional<User> check(String username, String password);
  }

  /** A user of the host's. */
  record User(String id, Set<String> roles) {}

  /** docs/servlet.md, "Wiring". */
  static ServletContextHandler wiring(Users users) {
    RedisSessionStore store = RedisSessionStore.builder().uri("redis://localhost:6379").build();
    JwtTokenService tokens =
        JwtTokenService.builder()
            .signingKey(SigningKey.hmacSha256("k1", System.getenv("JWT_SECRET")))
            .build();
    // the activity feed and the throttle share the store's Redis connection
    RedisActivityLog activity = RedisActivityLog.sharing(store, 100, Duration.ofDays(7));
    RedisLoginThrottle throttle =
        RedisLoginThrottle.sharing(store, LoginThrottle.Limits.of(5, Duration.ofMinutes(1)));
    SessionManager manager =
        SessionManager.builder()
            .store(store)
            .tokenService(tokens)
            .listener(activity) // login, logout, ... entries
            .build();

    SessionCookies cookies = SessionCookies.defaults(); // Secure, HttpOnly, SameSite=Lax
    ClientInfoResolver clientInfo = ClientInfoResolver.direct(); // or trusting(proxies), below
    SessionEndpoints endpoints =
        SessionEndpoints.builder(manager)
            .cookies(cookies)
            .clientInfo(clientInfo)
            .build(); // under /api/v1/auth
    SessionAuthenticationFilter filter =
        SessionAuthenticationFilter.builder(manager)
            .cookies(cookies)
            .clientInfo(clientInfo)
            .pathRules(
                PathRules.builder()
                    .protect("/api/**")
                    .permit(
                        "/api/v1/auth/login",
                        endpoints.refreshPath()) // an expired token must reach refresh
                    .build())
            .build();
    SessionLogin logins =
        SessionLogin.builder(manager)
            .cookies(cookies)
            .clientInfo(clientInfo)
            .throttle(throttle)
            .activityLog(activity)
            .build();

    // the filter first, then the endpoints, then your servlets (Jetty shown)
    ServletContextHandler context = new ServletContextHandler("/");
    context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addFilter(new FilterHolder(endpoints), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new LoginServlet(logins, users)), "/api/v1/auth/login");
    return context;
  }

  /** docs/servlet.md, "The login". */
  static final class LoginServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient SessionLogin logins;
    private final transient Users users; // yours: accounts and password hashes

    LoginServlet(SessionLogin logins, Users users) {
      this.logins = logins;
      this.users = users;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      String username = request.getParameter("username");
      String password = request.getParameter("password");
      LoginAttempt attempt =
          logins.login(
              request,
              response,
              username.toLowerCase(Locale.ROOT), // the throttle's key
              () ->
                  users
                      .check(username, password)
                      .map(user -> CredentialCheck.accepted(user.id(), user.roles()))
                      .orElseGet(CredentialCheck::rejected));
      switch (attempt.status()) {
        case LOGGED_IN -> {
          response.setContentType("application/json");
          response
              .getWriter()
              .write("{\"session_id\":\"" + attempt.login().orElseThrow().session().id() + "\"}");
        }
        // 401 {"error":"unauthorized",...}, or 429 {"error":"too_many_requests",...} +
        // Retry-After
        case REJECTED, THROTTLED -> attempt.sendRefusal(response);
      }
    }
  }

  /** docs/servlet.md, the two calls without SessionLogin. */
  static Login twoCalls(
      SessionManager manager,
      SessionCookies cookies,
      ClientInfoResolver clientInfo,
      User user,
      HttpServletRequest request,
      HttpServletResponse response) {
    Login login = manager.login(user.id(), user.roles(), clientInfo.resolve(request));
    cookies.write(response, login.accessToken(), login.refreshToken());
    return login;
  }

  /** docs/servlet.md, "503 in your own handlers". */
  static void storeUnavailable(
      SessionManager sessions,
      SessionCookies cookies,
      ClientInfoResolver clientInfo,
      User user,
      HttpServletRequest request,
      HttpServletResponse response)
      throws IOException {
    try {
      Login login = sessions.login(user.id(), user.roles(), clientInfo.resolve(request));
      cookies.write(response, login.accessToken(), login.refreshToken());
    } catch (SessionStoreUnavailableException e) {
      StoreUnavailableResponse.send(response);
    }
  }

  /** docs/servlet.md, the filter form of the above. */
  static Filter storeUnavailableAs503() {
    Filter storeUnavailableAs503 =
        (request, response, chain) -> {
          try {
            chain.doFilter(request, response);
          } catch (SessionStoreUnavailableException e) {
            StoreUnavailableResponse.send((HttpServletResponse) response);
          }
        };
    return storeUnavailableAs503;
  }
}
