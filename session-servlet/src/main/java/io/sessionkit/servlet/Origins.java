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
 * The cross-site check for cookie-authenticated unsafe requests: the browser's {@code Origin} must
 * be the request's own origin or one of the allowed ones.
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

  /**
   * Whether the request may go on: it has no {@code Origin} header (non-browser clients and older
   * browsers send none), or exactly one naming the request's own origin or an allowed one. {@code
   * Origin: null} (sent from sandboxed and privacy-sensitive contexts) is refused.
   */
  boolean allows(HttpServletRequest request) {
    Enumeration<String> headers = request.getHeaders("Origin");
    List<String> values = headers == null ? List.of() : Collections.list(headers);
    if (values.isEmpty()) {
      return true;
    }
    if (values.size() > 1) {
      return false;
    }
    Optional<String> origin = canonical(values.get(0).strip());
    if (origin.isEmpty()) {
      return false;
    }
    return allowed.contains(origin.get()) || own(request).filter(origin.get()::equals).isPresent();
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
