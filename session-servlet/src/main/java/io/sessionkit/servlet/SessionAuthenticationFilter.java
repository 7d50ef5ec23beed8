package io.sessionkit.servlet;

import io.sessionkit.AuthenticationResult;
import io.sessionkit.SessionManager;
import io.sessionkit.internal.SessionIds;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every request's access token against its session, so that a logout or revocation takes
 * effect on the very next request.
 *
 * <p>Per request:
 *
 * <ol>
 *   <li>The token is read from {@code Authorization: Bearer <jwt>}, else from the access cookie
 *       ({@link SessionCookies}). A header or cookie that is oversized (over 8 KB), not ASCII, an
 *       empty bearer or another scheme counts as no token; nothing about the input makes the filter
 *       throw.
 *   <li>{@link SessionManager#authenticate(String)} checks it. When it succeeds, the request
 *       continues wrapped: {@link HttpServletRequest#getUserPrincipal()} is a principal named by
 *       the user id, {@link HttpServletRequest#getRemoteUser()} is the user id, {@link
 *       HttpServletRequest#isUserInRole(String)} checks the token's roles, and {@link
 *       #authentication(HttpServletRequest)} returns the {@link AuthenticationResult}.
 *   <li>When it fails on a path that the {@link PathRules} protect, the answer is 401 {@code
 *       {"error":"unauthorized","message":...}} ("Authentication required", "Access token expired",
 *       "Invalid access token" or "Session has ended"; a token is never echoed), or 503 {@code
 *       service_unavailable} when the store is unreachable in {@link
 *       io.sessionkit.FallbackMode#DENY}. If the token came in the cookie and its session has
 *       ended, both cookies are cleared. On other paths the request continues anonymously.
 *   <li>A request authenticated by the cookie with an unsafe method (anything but GET, HEAD,
 *       OPTIONS and TRACE) that does not come from the request's own origin or an {@linkplain
 *       Builder#allowedOrigins allowed one} gets 403 {@code
 *       {"error":"forbidden","message":"Cross-site request refused"}}. The source is the {@code
 *       Origin} header, else the {@code Referer}'s origin; {@code Origin: null} is refused; {@code
 *       Sec-Fetch-Site: cross-site} or {@code same-site} is refused unless the source is an allowed
 *       origin; a request with none of these headers (curl, server-to-server) is allowed. Bearer
 *       requests are not checked: a browser never adds that header on its own.
 * </ol>
 *
 * <p>A CORS preflight ({@code OPTIONS} with {@code Origin} and {@code
 * Access-Control-Request-Method}, which browsers send without credentials) passes on untouched, to
 * the host's CORS handling; register that before or after this filter. Register this filter before
 * anything that needs the caller, and before {@link SessionEndpoints}. A request it has already
 * processed (a forward or include of the same request) passes straight on. Instances are immutable
 * and thread-safe.
 */
public final class SessionAuthenticationFilter implements Filter {

  /**
   * The request attribute holding the {@link AuthenticationResult} of an authenticated request.
   * Prefer {@link #authentication(HttpServletRequest)}, which is typed.
   */
  public static final String AUTHENTICATION_ATTRIBUTE = "io.sessionkit.servlet.authentication";

  private static final Logger log = LoggerFactory.getLogger(SessionAuthenticationFilter.class);

  private final SessionManager manager;
  private final SessionCookies cookies;
  private final PathRules pathRules;
  private final Origins origins;
  private final ClientInfoResolver clientInfo;

  private SessionAuthenticationFilter(Builder b) {
    this.manager = b.manager;
    this.cookies = b.cookies;
    this.pathRules = b.pathRules;
    this.origins = b.origins;
    this.clientInfo = b.clientInfo;
  }

  /** A builder for a filter that authenticates with {@code manager}. */
  public static Builder builder(SessionManager manager) {
    return new Builder(manager);
  }

  /**
   * The authentication this filter attached to the request, present only when the request carried a
   * valid token of a live session.
   */
  public static Optional<AuthenticationResult> authentication(HttpServletRequest request) {
    Objects.requireNonNull(request, "request");
    return request.getAttribute(AUTHENTICATION_ATTRIBUTE) instanceof AuthenticationResult a
            && a.isAuthenticated()
        ? Optional.of(a)
        : Optional.empty();
  }

  /** See the class description. */
  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request)
        || !(res instanceof HttpServletResponse response)
        || RequestCheck.of(req).isPresent()
        || Preflight.is(request)) {
      chain.doFilter(req, res);
      return;
    }
    Optional<Credential> credential = Credential.read(request, cookies);
    Optional<AuthenticationResult> authentication =
        credential.map(c -> manager.authenticate(c.token()));
    RequestCheck check =
        new RequestCheck(credential.map(Credential::transport), authentication, origins);
    request.setAttribute(RequestCheck.ATTRIBUTE, check);

    Optional<AuthenticationResult> authenticated = check.authenticated();
    if (authenticated.isPresent()) {
      if (credential.get().transport() == Credential.Transport.COOKIE
          && Origins.isUnsafe(request.getMethod())
          && !origins.allows(request)) {
        if (log.isDebugEnabled()) {
          log.debug(
              "Refused cross-site {} {} from {}",
              request.getMethod(),
              loggablePath(request),
              clientInfo.resolve(request).ip());
        }
        Responses.discardBody(request);
        Responses.crossSiteRefused(response);
        return;
      }
      request.setAttribute(AUTHENTICATION_ATTRIBUTE, authenticated.get());
      chain.doFilter(
          new AuthenticatedRequest(request, authenticated.get().claims().orElseThrow()), response);
      return;
    }
    if (!pathRules.isProtected(request)) {
      chain.doFilter(request, response);
      return;
    }
    if (log.isDebugEnabled()) {
      log.debug(
          "Refused {} {} from {}: {}",
          request.getMethod(),
          loggablePath(request),
          clientInfo.resolve(request).ip(),
          authentication.map(a -> a.status() + "/" + a.tokenStatus()).orElse("no token"));
    }
    Responses.discardBody(request);
    Responses.refuseUnauthenticated(response, check, cookies);
  }

  /**
   * The request's path for a log line, with a long last segment (such as the session id of {@code
   * DELETE .../sessions/{id}}) cut to the prefix the core's logs name sessions by.
   */
  static String loggablePath(HttpServletRequest request) {
    String uri = String.valueOf(request.getRequestURI());
    int slash = uri.lastIndexOf('/');
    String last = uri.substring(slash + 1);
    return uri.substring(0, slash + 1) + SessionIds.shortForm(last);
  }

  @Override
  public String toString() {
    return "SessionAuthenticationFilter[" + pathRules + ", " + cookies + ", " + origins + "]";
  }

  /**
   * Builds a {@link SessionAuthenticationFilter}. Every setter validates its argument at once and
   * throws {@link IllegalArgumentException} naming the value and the rule. Not thread-safe.
   */
  public static final class Builder {

    private final SessionManager manager;
    private SessionCookies cookies = SessionCookies.defaults();
    private PathRules pathRules = PathRules.protectAll();
    private Origins origins = Origins.ownOnly();
    private ClientInfoResolver clientInfo = ClientInfoResolver.direct();

    private Builder(SessionManager manager) {
      this.manager = Objects.requireNonNull(manager, "manager");
    }

    /** Where browsers keep their tokens. Default {@link SessionCookies#defaults()}. */
    public Builder cookies(SessionCookies cookies) {
      this.cookies = Objects.requireNonNull(cookies, "cookies");
      return this;
    }

    /** Which paths need a valid token. Default {@link PathRules#protectAll()}. */
    public Builder pathRules(PathRules pathRules) {
      this.pathRules = Objects.requireNonNull(pathRules, "pathRules");
      return this;
    }

    /**
     * Origins besides the request's own that may make cookie-authenticated unsafe requests and
     * refreshes, each {@code scheme://host[:port]} with scheme {@code http} or {@code https} and
     * nothing after the port, such as {@code https://app.example.com}. Only these pass when the
     * browser says {@code Sec-Fetch-Site: cross-site} or {@code same-site}: list an origin only if
     * it is trusted like the application's own pages. Replaces any earlier list. Default none.
     * Behind a TLS-terminating proxy the request's own origin is seen as {@code http://…}; list the
     * public origin here unless the container is told about the proxy.
     *
     * @throws IllegalArgumentException naming the entry that is not an origin
     */
    public Builder allowedOrigins(Collection<String> allowedOrigins) {
      this.origins = Origins.allowing(allowedOrigins);
      return this;
    }

    /**
     * How the client's address is found, to name the client in the filter's debug log of refused
     * requests. Authentication does not depend on it. Default {@link ClientInfoResolver#direct()}.
     */
    public Builder clientInfo(ClientInfoResolver clientInfo) {
      this.clientInfo = Objects.requireNonNull(clientInfo, "clientInfo");
      return this;
    }

    /** The filter. */
    public SessionAuthenticationFilter build() {
      return new SessionAuthenticationFilter(this);
    }
  }
}
