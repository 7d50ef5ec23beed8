package io.sessionkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.ActivityEntry;
import io.sessionkit.LoginThrottle;
import io.sessionkit.SessionManager;
import io.sessionkit.jwt.JwtTokenService;
import io.sessionkit.jwt.SigningKey;
import io.sessionkit.memory.InMemoryActivityLog;
import io.sessionkit.memory.InMemoryLoginThrottle;
import io.sessionkit.memory.InMemorySessionStore;
import io.sessionkit.testing.CookieClient;
import io.sessionkit.testing.CookieClient.Reply;
import io.sessionkit.testing.MutableClock;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one-call login in a plain servlet host (Jetty): throttle, credential check, session, cookies
 * and the failed-login feed entry, over HTTP.
 */
class SessionLoginIT {

  private static final String PASSWORD = "correct-horse";

  private MutableClock clock;
  private InMemorySessionStore store;
  private SessionManager manager;
  private InMemoryActivityLog activity;
  private Server server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    clock = MutableClock.atNow();
    store = InMemorySessionStore.create(clock);
    activity = InMemoryActivityLog.create(clock, 50, Duration.ofDays(7));
    manager =
        SessionManager.builder()
            .store(store)
            .tokenService(
                JwtTokenService.builder()
                    .signingKey(
                        SigningKey.hmacSha256(
                            "k1", TestApp.SECRET.getBytes(StandardCharsets.UTF_8)))
                    .clock(clock)
                    .build())
            .clock(clock)
            .listener(activity)
            .build();
    SessionCookies cookies = SessionCookies.builder().secure(false).clock(clock).build();
    SessionLogin logins =
        SessionLogin.builder(manager)
            .cookies(cookies)
            .throttle(
                InMemoryLoginThrottle.create(
                    clock, LoginThrottle.Limits.of(2, Duration.ofMinutes(1))))
            .activityLog(activity)
            .build();
    SessionAuthenticationFilter filter =
        SessionAuthenticationFilter.builder(manager)
            .cookies(cookies)
            .pathRules(PathRules.builder().protect("/api/**").permit("/api/login").build())
            .build();
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new LoginServlet(logins)), "/*");
    server.setHandler(context);
    server.start();
    port = connector.getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
    manager.close();
    store.close();
  }

  @Test
  void rightPasswordCreatesASessionAndWritesBothCookies() {
    CookieClient browser = CookieClient.on(port);

    Reply login = browser.post("/api/login?user=alice&password=" + PASSWORD, null);

    assertThat(login.status()).isEqualTo(200);
    assertThat(login.setCookie("access_token").value()).isNotEmpty();
    assertThat(login.setCookie("refresh_token").value()).isNotEmpty();
    assertThat(browser.get("/api/me").body()).isEqualTo("alice");
    assertThat(manager.sessions("id-alice").liveCount()).isEqualTo(1);
    assertThat(activity.recent("id-alice", 10))
        .extracting(ActivityEntry::type)
        .contains(ActivityEntry.Type.LOGIN)
        .doesNotContain(ActivityEntry.Type.LOGIN_FAILED);
  }

  @Test
  void wrongPasswordIs401AndGoesIntoTheKnownUsersFeedStampedByTheManagersClock() {
    clock.advance(Duration.ofHours(5));

    Reply login = CookieClient.on(port).post("/api/login?user=bob&password=wrong", null);

    assertThat(login.status()).isEqualTo(401);
    assertThat(login.body()).contains("\"error\":\"unauthorized\"");
    assertThat(login.setCookies()).isEmpty();
    assertThat(activity.recent("id-bob", 10))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo(ActivityEntry.Type.LOGIN_FAILED);
              assertThat(e.at()).isEqualTo(clock.instant());
              assertThat(e.ip()).isEqualTo("127.0.0.1");
            });
    assertThat(manager.sessions("id-bob").liveCount()).isZero();
  }

  @Test
  void beyondTheThrottleTheAnswerIs429WithRetryAfterAndThePasswordIsNotChecked() {
    CookieClient attacker = CookieClient.on(port);
    attacker.post("/api/login?user=carol&password=wrong1", null);
    attacker.post("/api/login?user=carol&password=wrong2", null);

    Reply third = attacker.post("/api/login?user=carol&password=" + PASSWORD, null);

    assertThat(third.status()).isEqualTo(429);
    assertThat(third.body()).contains("\"error\":\"too_many_requests\"");
    long retryAfter = Long.parseLong(third.header("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 60L);
    assertThat(manager.sessions("id-carol").liveCount()).isZero();
  }

  @Test
  void aSuccessTakesTheAttemptBack() {
    CookieClient user = CookieClient.on(port);
    user.post("/api/login?user=dave&password=wrong", null);
    assertThat(user.post("/api/login?user=dave&password=" + PASSWORD, null).status())
        .isEqualTo(200);

    // the failure is forgotten: two more wrong ones before the limit
    assertThat(user.post("/api/login?user=dave&password=wrong", null).status()).isEqualTo(401);
    assertThat(user.post("/api/login?user=dave&password=wrong", null).status()).isEqualTo(401);
    assertThat(user.post("/api/login?user=dave&password=wrong", null).status()).isEqualTo(429);
  }

  /** A host's login servlet: its own user check, then the one call. */
  static final class LoginServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient SessionLogin logins;

    LoginServlet(SessionLogin logins) {
      this.logins = logins;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      if (request.getRequestURI().equals("/api/me")) {
        response.getWriter().write(request.getRemoteUser().substring("id-".length()));
        return;
      }
      String username = request.getParameter("user");
      String password = request.getParameter("password");
      LoginAttempt attempt =
          logins.login(
              request,
              response,
              username,
              () ->
                  PASSWORD.equals(password)
                      ? CredentialCheck.accepted("id-" + username, Set.of("USER"))
                      : CredentialCheck.rejected("id-" + username));
      switch (attempt.status()) {
        case LOGGED_IN -> {
          response.setContentType("application/json");
          response
              .getWriter()
              .write("{\"session_id\":\"" + attempt.login().orElseThrow().session().id() + "\"}");
        }
        case REJECTED, THROTTLED -> attempt.sendRefusal(response);
      }
    }
  }
}
