package io.sessionkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionkit.AccessToken;
import io.sessionkit.AuthenticationResult;
import io.sessionkit.FallbackMode;
import io.sessionkit.Refresh;
import io.sessionkit.RefreshToken;
import io.sessionkit.Session;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionPage;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.TokenClaims;
import io.sessionkit.internal.AggregatedWarning;
import io.sessionkit.memory.InMemorySessionStore;
import io.sessionkit.redis.RedisSessionStore;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session endpoints, as a filter that answers these requests below its base path ({@code
 * /api/v1/auth} by default) and passes every other request down the chain, so that the host's own
 * login, registration or profile handlers can live under the same base path:
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><th>request</th><th>needs</th><th>success</th></tr>
 *   <tr><td>{@code POST {base}/refresh}</td><td>refresh cookie, or body {@code
 *       {"refresh_token": "..."}} sent as {@code application/json}</td><td>200 {@code
 *       {"message","session_id","access_token_expires_at"}}: by cookie, both cookies rewritten; by
 *       body, the tokens in the body and no cookie touched</td></tr>
 *   <tr><td>{@code POST {base}/logout}</td><td>authenticated</td><td>200 {@code {"message"}},
 *       cookies cleared</td></tr>
 *   <tr><td>{@code POST {base}/logout-all}</td><td>authenticated</td><td>200 {@code
 *       {"message","sessions_deleted"}}, cookies cleared</td></tr>
 *   <tr><td>{@code GET {base}/sessions}</td><td>authenticated</td><td>200 {@code
 *       {"active_sessions","redis_available","store","sessions":[...]}}</td></tr>
 *   <tr><td>{@code DELETE {base}/sessions/{id}}</td><td>authenticated</td><td>204 for one of the
 *       caller's sessions, 404 for any other id</td></tr>
 * </table>
 *
 * <p>It must run after {@link SessionAuthenticationFilter}, whose verdict it uses: an endpoint that
 * needs authentication refuses an unauthenticated request itself (401, or 503 when the store is
 * unreachable in deny mode), even when the filter's path rules let it through as public. Since an
 * expired access token must still reach {@code /refresh}, permit that path in the filter's {@link
 * PathRules} (see {@link #refreshPath()}).
 *
 * <p>Every refresh, however its token comes, passes the filter's cross-site check with the filter's
 * allowed origins ({@code Origin}, else {@code Referer}, and {@code Sec-Fetch-Site}), or gets 403:
 * otherwise a page on another site could post a form carrying the attacker's refresh token and log
 * the victim's browser into the attacker's session (login CSRF). A refresh whose token came in the
 * body (a non-browser client) must be sent as {@code application/json} (else 415), gets the new
 * tokens in the body ({@code access_token}, {@code refresh_token} and {@code
 * refresh_token_expires_at}), and neither sets nor clears a cookie. A refused refresh (reuse of a
 * rotated token, an unknown token, an ended session) is 401; a token that names no live session and
 * a wrong secret for a live one get the same message, so the answer does not tell which session ids
 * exist. Only a refused refresh by cookie clears both cookies. While the store is unreachable, a
 * refresh this instance cannot check is 503. A wrong method on one of these paths is 405 with an
 * {@code Allow} header; a request body over {@value #MAX_BODY_BYTES} bytes is 413; a body that is
 * not a JSON object is 400. Nothing a client sends makes these endpoints answer 500.
 *
 * <p><b>CORS.</b> A preflight ({@code OPTIONS} with {@code Origin} and {@code
 * Access-Control-Request-Method}) to one of these paths passes down the chain untouched, and the
 * answers carry whatever CORS headers were set before this filter ran. So for a front end on
 * another origin, register a CORS filter before sessionkit's filters, such as Tomcat's {@code
 * org.apache.catalina.filters.CorsFilter} or Jetty's {@code CrossOriginHandler}, allowing the
 * methods {@code GET, POST, DELETE}, the header {@code Content-Type} (and {@code Authorization} for
 * bearer clients) and credentials. The Spring Boot starter does this with the application's {@code
 * corsConfigurationSource} bean.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class SessionEndpoints implements Filter {

  /** Largest refresh request body read. */
  public static final int MAX_BODY_BYTES = 8192;

  private static final Logger log = LoggerFactory.getLogger(SessionEndpoints.class);

  private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
  private static final Pattern PAGE_CURSOR = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private final SessionManager manager;
  private final String basePath;
  private final SessionCookies cookies;
  private final ClientInfoResolver clientInfo;
  private final AtomicBoolean warnedAboutMissingFilter = new AtomicBoolean();

  // one line per period, not per request, and no path: a DELETE's path holds a whole session id
  private final AggregatedWarning storeUnreachable =
      new AggregatedWarning(
          log,
          Duration.ofSeconds(10),
          "Session store unreachable: {} session endpoint requests answered 503 since the last"
              + " report");

  private SessionEndpoints(Builder b) {
    this.manager = b.manager;
    this.basePath = b.basePath;
    this.cookies = b.cookies;
    this.clientInfo = b.clientInfo;
  }

  /** A builder for endpoints backed by {@code manager}. */
  public static Builder builder(SessionManager manager) {
    return new Builder(manager);
  }

  /** The base path, such as {@code /api/v1/auth}. */
  public String basePath() {
    return basePath;
  }

  /** The refresh endpoint's path, to {@link PathRules.Builder#permit(String...) permit} it. */
  public String refreshPath() {
    return basePath + "/refresh";
  }

  /** Answers the endpoint requests described in the class description; passes on the rest. */
  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request)
        || !(res instanceof HttpServletResponse response)) {
      chain.doFilter(req, res);
      return;
    }
    Optional<Endpoint> endpoint = RequestPaths.of(request).flatMap(this::endpoint);
    // a CORS preflight is the host's CORS handling's to answer (see the class description)
    if (endpoint.isEmpty() || Preflight.is(request)) {
      chain.doFilter(request, response);
      return;
    }
    Endpoint e = endpoint.get();
    boolean readsBody = e.kind == Kind.REFRESH && e.kind.method.equals(request.getMethod());
    if (!readsBody) {
      // no body is expected here; read what came so the connection can carry the answer
      Responses.discardBody(request);
    }
    if (!e.kind.method.equals(request.getMethod())) {
      Responses.methodNotAllowed(response, e.kind.method);
      return;
    }
    try {
      if (e.kind == Kind.REFRESH) {
        refresh(request, response);
        return;
      }
      Optional<AuthenticationResult> caller = authenticated(request, response);
      if (caller.isEmpty()) {
        return;
      }
      AuthenticationResult authenticated = caller.get();
      Answer answer =
          switch (e.kind) {
            case LOGOUT -> () -> logout(request, response, authenticated);
            case LOGOUT_ALL -> () -> logoutAll(request, response, authenticated);
            case SESSIONS -> () -> sessions(request, response, authenticated);
            case SESSION ->
                () -> revoke(request, response, authenticated, Objects.requireNonNull(e.sessionId));
            case REFRESH -> throw new IllegalStateException("refresh is answered above");
          };
      answer.send();
    } catch (SessionStoreUnavailableException ex) {
      storeUnreachable.record();
      Responses.serviceUnavailable(response);
    }
  }

  private Optional<Endpoint> endpoint(String path) {
    if (!path.startsWith(basePath + "/")) {
      return Optional.empty();
    }
    String rest = path.substring(basePath.length() + 1);
    switch (rest) {
      case "refresh":
        return Optional.of(new Endpoint(Kind.REFRESH, null));
      case "logout":
        return Optional.of(new Endpoint(Kind.LOGOUT, null));
      case "logout-all":
        return Optional.of(new Endpoint(Kind.LOGOUT_ALL, null));
      case "sessions":
        return Optional.of(new Endpoint(Kind.SESSIONS, null));
      default:
        if (rest.startsWith("sessions/") && rest.length() > 9 && rest.indexOf('/', 9) < 0) {
          return Optional.of(new Endpoint(Kind.SESSION, rest.substring(9)));
        }
        return Optional.empty();
    }
  }

  /**
   * The caller's authentication, or empty after answering 401 (or 503) as the filter would have on
   * a protected path.
   */
  private Optional<AuthenticationResult> authenticated(
      HttpServletRequest request, HttpServletResponse response) throws IOException {
    Optional<RequestCheck> check = RequestCheck.of(request);
    if (check.isEmpty()) {
      if (warnedAboutMissingFilter.compareAndSet(false, true)) {
        log.warn(
            "{} reached SessionEndpoints without passing SessionAuthenticationFilter; register"
                + " the filter before the endpoints. Refusing as unauthenticated.",
            request.getRequestURI());
      }
      Responses.unauthorized(response, "Authentication required");
      return Optional.empty();
    }
    Optional<AuthenticationResult> authenticated = check.get().authenticated();
    if (authenticated.isEmpty()) {
      Responses.refuseUnauthenticated(response, check.get(), cookies);
    }
    return authenticated;
  }

  /**
   * A refresh, by cookie or by body. Every refresh passes the cross-site check first, however its
   * token comes: a page on another site must neither refresh the victim's session nor log the
   * victim into the attacker's session (login CSRF) with a form whose body carries the attacker's
   * token. Only a refresh by cookie writes or clears cookies; a refresh by body answers the tokens
   * in the body and leaves the browser's cookies alone, so a refused one cannot log anyone out.
   */
  private void refresh(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Origins origins = RequestCheck.of(request).map(RequestCheck::origins).orElse(Origins.ownOnly());
    if (!origins.allows(request)) {
      Responses.discardBody(request);
      Responses.crossSiteRefused(response);
      return;
    }
    Optional<String> fromCookie = cookies.refreshToken(request);
    String token;
    if (fromCookie.isPresent()) {
      Responses.discardBody(request);
      token = fromCookie.get();
    } else {
      Optional<String> fromBody = refreshTokenFromBody(request, response);
      if (fromBody.isEmpty()) {
        return;
      }
      token = fromBody.get();
    }
    boolean byCookie = fromCookie.isPresent();
    Refresh refresh = manager.refresh(token, clientInfo.resolve(request));
    if (!refresh.isRefreshed()) {
      if (byCookie) {
        cookies.clear(response);
      }
      Responses.refreshRefused(response, refresh.status());
      return;
    }
    AccessToken access = refresh.accessToken().orElseThrow();
    RefreshToken rotated = refresh.refreshToken().orElseThrow();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("message", "Token refreshed");
    body.put("session_id", refresh.session().orElseThrow().id());
    body.put("access_token_expires_at", access.expiresAt().toString());
    if (byCookie) {
      cookies.write(response, access, rotated);
    } else {
      // a client that sent the token in the body keeps its tokens itself
      body.put("access_token", access.value());
      body.put("refresh_token", rotated.value());
      body.put("refresh_token_expires_at", rotated.expiresAt().toString());
    }
    Responses.ok(response, body);
  }

  /**
   * The refresh token from a JSON body, or empty after answering 400, 401, 413 or 415. A body must
   * be sent as {@code application/json}: a cross-site HTML form can only send {@code text/plain},
   * {@code multipart/form-data} or {@code application/x-www-form-urlencoded}, and a script on
   * another origin needs a CORS preflight to send JSON.
   */
  private static Optional<String> refreshTokenFromBody(
      HttpServletRequest request, HttpServletResponse response) throws IOException {
    if (request.getContentLengthLong() > MAX_BODY_BYTES) {
      Responses.discardBody(request);
      Responses.payloadTooLarge(response, MAX_BODY_BYTES);
      return Optional.empty();
    }
    byte[] body;
    try {
      // not closed: the stream is the container's, and the rest may still be discarded
      body = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
    } catch (IOException | RuntimeException e) {
      // a broken or malformed upload (containers report some as unchecked exceptions)
      Responses.badRequest(response, "Request body could not be read");
      return Optional.empty();
    }
    if (body.length > MAX_BODY_BYTES) {
      Responses.discardBody(request);
      Responses.payloadTooLarge(response, MAX_BODY_BYTES);
      return Optional.empty();
    }
    if (isBlank(body)) {
      Responses.unauthorized(response, "Refresh token required");
      return Optional.empty();
    }
    if (!isJson(request.getContentType())) {
      Responses.unsupportedMediaType(response, "application/json");
      return Optional.empty();
    }
    Optional<JsonNode> json = Json.readObject(body);
    if (json.isEmpty()) {
      Responses.badRequest(
          response, "Request body must be a JSON object such as {\"refresh_token\": \"...\"}");
      return Optional.empty();
    }
    JsonNode token = json.get().get("refresh_token");
    if (token == null || token.isNull()) {
      Responses.unauthorized(response, "Refresh token required");
      return Optional.empty();
    }
    if (!token.isTextual() || token.textValue().isEmpty()) {
      Responses.badRequest(response, "refresh_token must be a non-empty string");
      return Optional.empty();
    }
    return Optional.of(token.textValue());
  }

  /** Whether the media type is {@code application/json}, with or without parameters. */
  static boolean isJson(@Nullable String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return type.strip().equalsIgnoreCase("application/json");
  }

  private static boolean isBlank(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return false;
      }
    }
    return true;
  }

  private void logout(
      HttpServletRequest request, HttpServletResponse response, AuthenticationResult caller)
      throws IOException {
    TokenClaims claims = caller.claims().orElseThrow();
    manager.logout(claims.sessionId(), clientInfo.resolve(request));
    cookies.clear(response);
    Responses.ok(response, Map.of("message", "Successfully logged out"));
  }

  private void logoutAll(
      HttpServletRequest request, HttpServletResponse response, AuthenticationResult caller)
      throws IOException {
    TokenClaims claims = caller.claims().orElseThrow();
    int ended = manager.logoutAll(claims.userId(), clientInfo.resolve(request));
    cookies.clear(response);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("message", "Successfully logged out from all sessions");
    body.put("sessions_deleted", ended);
    Responses.ok(response, body);
  }

  /**
   * A page of the caller's sessions, newest first; {@code ?after=<next>} asks for the page after
   * one whose answer had {@code "next"}. While the store is unreachable in JWT-only mode, the
   * answer says {@code "redis_available": false} and lists only the caller's session, with only
   * {@code session_id} and {@code current} known and the other fields null.
   */
  private void sessions(
      HttpServletRequest request, HttpServletResponse response, AuthenticationResult caller)
      throws IOException {
    TokenClaims claims = caller.claims().orElseThrow();
    Optional<String> after = Optional.ofNullable(request.getParameter("after"));
    if (after.isPresent() && !PAGE_CURSOR.matcher(after.get()).matches()) {
      Responses.badRequest(response, "after must be the \"next\" of an earlier answer");
      return;
    }
    Map<String, Object> body;
    try {
      body =
          sessionList(
              manager,
              manager.sessions(claims.userId(), after, SessionPage.MAX_PAGE_SIZE),
              Optional.of(claims.sessionId()),
              true);
    } catch (SessionStoreUnavailableException e) {
      if (manager.fallbackMode() == FallbackMode.DENY) {
        throw e;
      }
      body = listBody(List.of(fromClaims(claims)), 1, false, storeName(manager), Optional.empty());
    }
    Responses.ok(response, body);
  }

  /**
   * The body that {@code GET {base}/sessions} answers, for a page of sessions: for hosts that show
   * the same shape elsewhere, such as an operator's view of another user's sessions ({@code
   * currentSessionId} empty). {@code active_sessions} is the user's number of live sessions, {@code
   * redis_available} whether the sessions are in a Redis that answered (false for the in-memory
   * store and while Redis is unreachable), {@code store} the kind of store ({@code redis}, {@code
   * memory}, or {@code other} for a store of the host's own), {@code sessions} the page's sessions
   * in its order, each with {@code session_id}, {@code created_at}, {@code last_active_at}, {@code
   * expires_at} (ISO-8601 UTC), {@code ip}, {@code user_agent} and {@code current}; {@code next},
   * present when there are more, is the cursor for the next page.
   *
   * @param manager the manager the page came from, whose store it describes
   * @param page the sessions, from {@link SessionManager#sessions(String, Optional, int)}
   * @param currentSessionId the id to mark {@code "current": true}; empty (an operator's view) or
   *     an id that none of them has marks none
   * @param storeAnswered whether the page came from the store; false for a stand-in such as {@link
   *     SessionPage#empty()} while it is unreachable
   * @return an unmodifiable map, in field order, holding only strings, numbers, booleans, lists and
   *     maps, ready for any JSON mapper
   */
  public static Map<String, Object> sessionList(
      SessionManager manager,
      SessionPage page,
      Optional<String> currentSessionId,
      boolean storeAnswered) {
    Objects.requireNonNull(manager, "manager");
    Objects.requireNonNull(page, "page");
    Objects.requireNonNull(currentSessionId, "currentSessionId");
    List<Map<String, @Nullable Object>> items = new ArrayList<>(page.sessions().size());
    for (Session session : page.sessions()) {
      items.add(describe(session, currentSessionId));
    }
    String store = storeName(manager);
    return listBody(
        items, page.liveCount(), storeAnswered && store.equals(REDIS), store, page.next());
  }

  private static final String REDIS = "redis";

  private static String storeName(SessionManager manager) {
    SessionStore store = manager.store();
    if (store instanceof RedisSessionStore) {
      return REDIS;
    }
    return store instanceof InMemorySessionStore ? "memory" : "other";
  }

  private static Map<String, Object> listBody(
      List<Map<String, @Nullable Object>> items,
      int liveCount,
      boolean redisAvailable,
      String store,
      Optional<String> next) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("active_sessions", liveCount);
    body.put("redis_available", redisAvailable);
    body.put("store", store);
    body.put("sessions", List.copyOf(items));
    next.ifPresent(cursor -> body.put("next", cursor));
    return Collections.unmodifiableMap(body);
  }

  private static Map<String, @Nullable Object> describe(
      Session session, Optional<String> currentSessionId) {
    // LinkedHashMap: the fields keep the documented order, and fromClaims needs null values
    Map<String, @Nullable Object> item = new LinkedHashMap<>();
    item.put("session_id", session.id());
    item.put("created_at", iso(session.createdAt()));
    item.put("last_active_at", iso(session.lastActiveAt()));
    item.put("expires_at", iso(session.expiresAt()));
    item.put("ip", session.clientIp());
    item.put("user_agent", session.userAgent());
    item.put("current", currentSessionId.filter(session.id()::equals).isPresent());
    return Collections.unmodifiableMap(item);
  }

  private static Map<String, @Nullable Object> fromClaims(TokenClaims claims) {
    Map<String, @Nullable Object> item = new LinkedHashMap<>();
    item.put("session_id", claims.sessionId());
    item.put("created_at", null);
    item.put("last_active_at", null);
    item.put("expires_at", null);
    item.put("ip", null);
    item.put("user_agent", null);
    item.put("current", true);
    return Collections.unmodifiableMap(item);
  }

  private static String iso(Instant instant) {
    return instant.toString();
  }

  private void revoke(
      HttpServletRequest request,
      HttpServletResponse response,
      AuthenticationResult caller,
      String sessionId)
      throws IOException {
    TokenClaims claims = caller.claims().orElseThrow();
    if (!SESSION_ID.matcher(sessionId).matches()
        || !manager.revoke(claims.userId(), sessionId, clientInfo.resolve(request))) {
      Responses.notFound(response, "No such session");
      return;
    }
    if (sessionId.equals(claims.sessionId())) {
      cookies.clear(response);
    }
    Responses.noContent(response);
  }

  @Override
  public String toString() {
    return "SessionEndpoints[basePath=" + basePath + ", " + cookies + "]";
  }

  private enum Kind {
    REFRESH("POST"),
    LOGOUT("POST"),
    LOGOUT_ALL("POST"),
    SESSIONS("GET"),
    SESSION("DELETE");

    final String method;

    Kind(String method) {
      this.method = method;
    }
  }

  private record Endpoint(Kind kind, @Nullable String sessionId) {}

  /** The answer to one endpoint request, chosen by a switch expression over {@link Kind}. */
  @FunctionalInterface
  private interface Answer {
    void send() throws IOException;
  }

  /**
   * Builds {@link SessionEndpoints}. Every setter validates its argument at once and throws {@link
   * IllegalArgumentException} naming the value and the rule. Not thread-safe.
   */
  public static final class Builder {

    private static final Pattern BASE_PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)+");

    private final SessionManager manager;
    private String basePath = "/api/v1/auth";
    private SessionCookies cookies = SessionCookies.defaults();
    private ClientInfoResolver clientInfo = ClientInfoResolver.direct();

    private Builder(SessionManager manager) {
      this.manager = Objects.requireNonNull(manager, "manager");
    }

    /**
     * The path the endpoints live under, within the context: segments of letters, digits and {@code
     * -._~}, starting with {@code /} and not ending with one. Default {@code /api/v1/auth}.
     */
    public Builder basePath(String basePath) {
      Objects.requireNonNull(basePath, "basePath");
      if (basePath.length() > 256
          || !BASE_PATH.matcher(basePath).matches()
          || RequestPaths.normalize(basePath).filter(basePath::equals).isEmpty()) {
        throw new IllegalArgumentException(
            "basePath must be like /api/v1/auth: '/'-separated segments of letters, digits and"
                + " -._~, no '.' or '..' segment, no trailing '/', at most 256 characters, but was '"
                + basePath
                + "'");
      }
      this.basePath = basePath;
      return this;
    }

    /**
     * The cookies to rewrite and clear; use the filter's. Default {@link
     * SessionCookies#defaults()}.
     */
    public Builder cookies(SessionCookies cookies) {
      this.cookies = Objects.requireNonNull(cookies, "cookies");
      return this;
    }

    /**
     * How the client's address and user agent are found for refresh, logout and revocation events.
     * Default {@link ClientInfoResolver#direct()}.
     */
    public Builder clientInfo(ClientInfoResolver clientInfo) {
      this.clientInfo = Objects.requireNonNull(clientInfo, "clientInfo");
      return this;
    }

    /** The endpoints. */
    public SessionEndpoints build() {
      return new SessionEndpoints(this);
    }
  }
}
