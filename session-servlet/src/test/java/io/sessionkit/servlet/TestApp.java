package io.sessionkit.servlet;

import io.sessionkit.FallbackMode;
import io.sessionkit.Login;
import io.sessionkit.SessionManager;
import io.sessionkit.jwt.JwtTokenService;
import io.sessionkit.jwt.SigningKey;
import io.sessionkit.redis.RedisSessionStore;
import io.sessionkit.testing.MutableClock;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A plain servlet application wired the way docs/servlet.md says: a Redis store, a JWT service, a
 * manager, the two filters in order, and a host servlet with the two-line login. Runs in embedded
 * Jetty 12 (ee11) on a free loopback port.
 *
 * <p>The host servlet answers {@code POST /api/v1/auth/login?user=..&roles=A,B} (the login; it
 * returns the session id and both tokens so tests can also act as non-browser clients), {@code
 * /api/me} (protected; echoes what the filter exposed) and {@code /public/hello} (public).
 */
final class TestApp implements AutoCloseable {

  static final String SECRET = "a test signing secret of at least 32 bytes!";

  /** What a test may change before the app starts. */
  static final class Options {
    FallbackMode fallbackMode = FallbackMode.JWT_ONLY;
    PathRules pathRules =
        PathRules.builder()
            .protect("/api/**")
            .permit("/api/v1/auth/login", "/api/v1/auth/refresh")
            .build();
    List<String> allowedOrigins = List.of();
    ClientInfoResolver clientInfo = ClientInfoResolver.direct();
    boolean secureCookies = true;
    Duration commandTimeout = Duration.ofMillis(500);

    /** False to leave out the authentication filter, as a misconfigured host would. */
    boolean withFilter = true;
  }

  final MutableClock clock;
  final RedisSessionStore store;
  final SessionManager manager;
  final SessionCookies cookies;
  final SessionEndpoints endpoints;
  private final Server server;
  private final int port;

  private TestApp(String redisUri, Options options) throws Exception {
    // whole seconds, so cookie Max-Age values are exact
    clock = MutableClock.at(Instant.ofEpochSecond(Instant.now().getEpochSecond()));
    store =
        RedisSessionStore.builder()
            .uri(redisUri)
            .clock(clock)
            .commandTimeout(options.commandTimeout)
            .connectTimeout(Duration.ofMillis(500))
            .build();
    JwtTokenService tokens =
        JwtTokenService.builder()
            .signingKey(SigningKey.hmacSha256("k1", SECRET.getBytes(StandardCharsets.UTF_8)))
            .clock(clock)
            .build();
    manager =
        SessionManager.builder()
            .store(store)
            .tokenService(tokens)
            .clock(clock)
            .fallbackMode(options.fallbackMode)
            .build();
    cookies = SessionCookies.builder().secure(options.secureCookies).clock(clock).build();
    SessionAuthenticationFilter filter =
        SessionAuthenticationFilter.builder(manager)
            .cookies(cookies)
            .pathRules(options.pathRules)
            .allowedOrigins(options.allowedOrigins)
            .clientInfo(options.clientInfo)
            .build();
    endpoints =
        SessionEndpoints.builder(manager).cookies(cookies).clientInfo(options.clientInfo).build();

    server = new Server();
    HttpConfiguration http = new HttpConfiguration();
    // large enough for the oversized-header tests to reach the filter instead of Jetty's 431
    http.setRequestHeaderSize(64 * 1024);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    if (options.withFilter) {
      context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
    }
    context.addFilter(new FilterHolder(endpoints), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(
        new ServletHolder(new HostServlet(manager, cookies, options.clientInfo)), "/*");
    server.setHandler(context);
    server.start();
    port = connector.getLocalPort();
  }

  static TestApp start(String redisUri) throws Exception {
    return start(redisUri, options -> {});
  }

  static TestApp start(String redisUri, Consumer<Options> configure) throws Exception {
    Options options = new Options();
    configure.accept(options);
    return new TestApp(redisUri, options);
  }

  int port() {
    return port;
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** The origin a browser on this app sends. */
  String origin() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Jetty did not stop", e);
    } finally {
      manager.close();
      store.close();
    }
  }

  /** The host application's own handlers, behind both filters. */
  static final class HostServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient SessionManager manager;
    private final transient SessionCookies cookies;
    private final transient ClientInfoResolver clientInfo;

    HostServlet(SessionManager manager, SessionCookies cookies, ClientInfoResolver clientInfo) {
      this.manager = manager;
      this.cookies = cookies;
      this.clientInfo = clientInfo;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      String path = request.getRequestURI();
      Map<String, Object> body = new LinkedHashMap<>();
      switch (path) {
        case "/api/v1/auth/login" -> {
          if (!request.getMethod().equals("POST")) {
            response.sendError(405);
            return;
          }
          // a real host checks the password first
          String userId = request.getParameter("user");
          String roles = request.getParameter("roles");
          Set<String> roleSet =
              roles == null || roles.isEmpty()
                  ? Set.of()
                  : Arrays.stream(roles.split(",")).collect(Collectors.toSet());
          // the documented two-line login
          Login login = manager.login(userId, roleSet, clientInfo.resolve(request));
          cookies.write(response, login.accessToken(), login.refreshToken());
          body.put("session_id", login.session().id());
          body.put("access_token", login.accessToken().value());
          body.put("refresh_token", login.refreshToken().value());
        }
        case "/api/me", "/public/hello", "/api/v1/auth/me" -> {
          body.put("anonymous", request.getUserPrincipal() == null);
          body.put(
              "user",
              request.getUserPrincipal() == null ? null : request.getUserPrincipal().getName());
          body.put("remote_user", request.getRemoteUser());
          body.put("admin", request.isUserInRole("ADMIN"));
          body.put(
              "session_id",
              SessionAuthenticationFilter.authentication(request)
                  .flatMap(a -> a.claims())
                  .map(c -> c.sessionId())
                  .orElse(null));
          body.put("method", request.getMethod());
        }
        default -> {
          response.sendError(404);
          return;
        }
      }
      response.setContentType("application/json");
      response.getOutputStream().write(TestJson.write(body));
    }
  }
}
