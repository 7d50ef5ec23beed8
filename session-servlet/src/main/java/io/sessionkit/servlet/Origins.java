package io.sessionkit.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cross-site check for requests that a browser may send on its own with credentials:
 * cookie-authenticated unsafe requests and every refresh. A request passes only when the browser
 * says it comes from the request's own origin or an allowed one:
 *
 * <ul>
 *   <li>More than one {@code Origin} (or {@code Referer}) header is refused.
 *   <li>The request's source is its {@code Origin}; without one, the origin of its {@code Referer}
 *       (older browsers send no {@code Origin} on some same-origin requests). {@code Origin: null}
 *       (sandboxed frames, {@code data:} and {@code file:} pages, some redirects) and a source that
 *       is not an http(s) origin are refused.
 *   <li>{@code Sec-Fetch-Site: cross-site} is refused, even from an allowed origin: the allowed
 *       list is for front ends on the same site (another port or subdomain), which is also where
 *       the default {@code SameSite=Lax} cookies go. {@code same-site}: only a source in the
 *       allowed list passes; a sibling subdomain can plant cookies and is not trusted by default.
 *   <li>Otherwise: no source at all passes (curl, server-to-server clients and older browsers send
 *       neither header); a source passes when it is the request's own origin or an allowed one.
 * </ul>
 *
 * <p>Origins are compared in a canonical form, {@code scheme://host:port} with the scheme and host
 * in lower case and the port always written, so {@code https://Example.com} and {@code
 * https://example.com:443} are the same origin.
 */
final class Origins {

  private static final Pattern ORIGIN =
      Pattern.compile(
          "(?i)(?<scheme>https?)://"
              + "(?<host>\\[[0-9a-f:.]+\\]|[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*)"
              + "(:(?<port>[0-9]{1,5}))?");

  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

  private static final Origins OWN_ONLY = new Origins(Set.of());

  private final Set<String> allowed;

  private Origins(Set<String> allowed) {
    this.allowed = Set.copyOf(allowed);
  }

  /** Only the request's own origin is allowed. */
  static Origins ownOnly() {
    return OWN_ONLY;
  }

  /**
   * The request's own origin and these.
   *
   * @throws IllegalArgumentException naming the entry when one is not {@code scheme://host[:port]}
   */
  static Origins allowing(Collection<String> origins) {
    Objects.requireNonNull(origins, "allowedOrigins");
    Set<String> canonical = new LinkedHashSet<>();
    for (String origin : origins) {
      Objects.requireNonNull(origin, "allowedOrigins must not contain null");
      canonical.add(
          canonical(origin)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "allowed origin must be scheme://host[:port] with scheme http or https"
                              + " and no path, such as https://app.example.com, but was '"
                              + origin
                              + "'")));
    }
    return canonical.isEmpty() ? OWN_ONLY : new Origins(canonical);
  }

  /**
   * Whether the method may change state and so needs the check. Method names are case-sensitive.
   */
  static boolean isUnsafe(String method) {
    return !SAFE_METHODS.contains(method);
  }

  /** Whether the request may go on, by the rules in the class description. Never throws. */
  boolean allows(HttpServletRequest request) {
    List<String> origins = headers(request, "Origin");
    if (origins.size() > 1) {
      return false;
    }
    Optional<String> source;
    if (origins.size() == 1) {
      source = canonical(origins.get(0).strip());
      if (source.isEmpty()) {
        return false; // "null" and anything else that is not an origin
      }
    } else {
      List<String> referers = headers(request, "Referer");
      if (referers.size() > 1) {
        return false;
      }
      if (referers.size() == 1) {
        source = refererOrigin(referers.get(0).strip());
        if (source.isEmpty()) {
          return false;
        }
      } else {
        source = Optional.empty();
      }
    }
    String site = fetchSite(request);
    if (site.equals("cross-site")) {
      // whatever the source: a page on another site never acts with this site's credentials
      return false;
    }
    if (site.equals("same-site")) {
      return source.filter(allowed::contains).isPresent();
    }
    if (source.isEmpty()) {
      return true;
    }
    return allowed.contains(source.get()) || own(request).filter(source.get()::equals).isPresent();
  }

  /** {@code Sec-Fetch-Site} in lower case; empty when absent, {@code cross-site} when repeated. */
  private static String fetchSite(HttpServletRequest request) {
    List<String> values = headers(request, "Sec-Fetch-Site");
    if (values.size() > 1) {
      // a browser sends one; treat a confused request as cross-site
      return "cross-site";
    }
    return values.isEmpty() ? "" : values.get(0).strip().toLowerCase(Locale.ROOT);
  }

  private static List<String> headers(HttpServletRequest request, String name) {
    Enumeration<String> headers = request.getHeaders(name);
    return headers == null ? List.of() : Collections.list(headers);
  }

  /**
   * The origin of a {@code Referer} URL ({@code scheme://host[:port]} followed by a path, query,
   * fragment or nothing), or empty when it is not an absolute http(s) URL. A user-info part is not
   * an origin and makes the referer unreadable.
   */
  static Optional<String> refererOrigin(String referer) {
    if (referer.length() > 4096) {
      return Optional.empty();
    }
    int schemeEnd = referer.indexOf("://");
    if (schemeEnd < 0) {
      return Optional.empty();
    }
    int end = referer.length();
    for (int i = schemeEnd + 3; i < referer.length(); i++) {
      char c = referer.charAt(i);
      if (c == '/' || c == '?' || c == '#') {
        end = i;
        break;
      }
    }
    return canonical(referer.substring(0, end));
  }

  /** The canonical origins allowed besides the request's own. */
  List<String> allowed() {
    return List.copyOf(allowed);
  }

  /**
   * The origin the request was addressed to: its scheme with the host and port from {@code Host}
   * (as the container reports them through {@link HttpServletRequest#getServerName()} and {@link
   * HttpServletRequest#getServerPort()}). A browser sets {@code Host} itself, so a cross-site page
   * cannot make it match its own origin.
   */
  private static Optional<String> own(HttpServletRequest request) {
    String scheme = request.getScheme();
    String host = request.getServerName();
    int port = request.getServerPort();
    if (scheme == null || host == null || host.isEmpty() || port <= 0 || port > 65535) {
      return Optional.empty();
    }
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return canonical(scheme + "://" + host + ":" + port);
  }

  /** {@code scheme://host:port} in lower case with the port written, or empty if not an origin. */
  static Optional<String> canonical(String origin) {
    if (origin.length() > 300) {
      return Optional.empty();
    }
    Matcher m = ORIGIN.matcher(origin);
    if (!m.matches()) {
      return Optional.empty();
    }
    String scheme = m.group("scheme").toLowerCase(Locale.ROOT);
    String host = m.group("host").toLowerCase(Locale.ROOT);
    if (host.startsWith("[")) {
      Optional<byte[]> address = IpAddresses.parse(host.substring(1, host.length() - 1));
      if (address.isEmpty() || address.get().length != 16) {
        return Optional.empty();
      }
      host = "[" + IpAddresses.format(address.get()) + "]";
    }
    int port;
    if (m.group("port") == null) {
      port = scheme.equals("https") ? 443 : 80;
    } else {
      port = Integer.parseInt(m.group("port"));
      if (port < 1 || port > 65535) {
        return Optional.empty();
      }
    }
    return Optional.of(scheme + "://" + host + ":" + port);
  }

  @Override
  public String toString() {
    return "Origins[own" + (allowed.isEmpty() ? "" : ", " + allowed) + "]";
  }
}
