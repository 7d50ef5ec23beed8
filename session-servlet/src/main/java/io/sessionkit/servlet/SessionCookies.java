package io.sessionkit.servlet;

import io.sessionkit.AccessToken;
import io.sessionkit.RefreshToken;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The two cookies that carry a browser's tokens: the access token (a JWT, checked on every request)
 * and the refresh token (exchanged at the refresh endpoint).
 *
 * <p>Every cookie written is {@code HttpOnly} (scripts cannot read it), has the configured {@code
 * SameSite}, {@code Path} and optional {@code Domain}, is {@code Secure} unless configured
 * otherwise, and has a {@code Max-Age}: the access cookie lives until the access token expires, the
 * refresh cookie until the refresh token (that is, the session) expires, so a browser drops each
 * when it becomes useless. {@link #clear} writes both with {@code Max-Age=0}. The {@code
 * Set-Cookie} headers are written here rather than through {@link jakarta.servlet.http.Cookie}, so
 * that every container sends exactly the same attributes.
 *
 * <p>The refresh cookie can be scoped to the refresh endpoint ({@link
 * Builder#refreshTokenPath(String)}), so that the browser sends the long-lived token with no other
 * request and it never appears in other requests' logs or reaches other handlers. The names can
 * carry the {@code __Host-} and {@code __Secure-} prefixes ({@link Builder#prefixedNames(boolean)}
 * or a name given with its prefix), which the browser enforces: such a cookie is accepted only from
 * an HTTPS page with {@code Secure}, and a {@code __Host-} one only with {@code Path=/} and no
 * {@code Domain}, so that a sibling subdomain or a plain-HTTP page cannot plant or overwrite it.
 *
 * <p>Reading is tolerant: a cookie whose value is empty, longer than {@value #MAX_VALUE_LENGTH}
 * characters or not plain ASCII token characters counts as absent, and nothing about a malformed
 * {@code Cookie} header makes these methods throw.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class SessionCookies {

  /** Longest cookie value that is read; longer ones count as absent. */
  public static final int MAX_VALUE_LENGTH = 8192;

  private static final SessionCookies DEFAULTS = builder().build();

  private final String accessTokenName;
  private final String refreshTokenName;
  private final boolean secure;
  private final String sameSite;
  private final String path;
  private final String refreshTokenPath;
  private final @Nullable String domain;
  private final Clock clock;

  private SessionCookies(Builder b) {
    this.path = b.path;
    this.refreshTokenPath = b.refreshTokenPath == null ? b.path : b.refreshTokenPath;
    this.accessTokenName =
        b.prefixedNames ? prefix(b.path, b.domain) + b.accessTokenName : b.accessTokenName;
    this.refreshTokenName =
        b.prefixedNames
            ? prefix(refreshTokenPath, b.domain) + b.refreshTokenName
            : b.refreshTokenName;
    this.secure = b.secure;
    this.sameSite = b.sameSite;
    this.domain = b.domain;
    this.clock = b.clock;
  }

  /**
   * The strongest prefix a cookie with this path and domain may carry: {@code __Host-} when it is
   * host-only at {@code /}, else {@code __Secure-}.
   */
  private static String prefix(String path, @Nullable String domain) {
    return path.equals("/") && domain == null ? "__Host-" : "__Secure-";
  }

  /**
   * The defaults: {@code access_token} and {@code refresh_token}, {@code Secure}, {@code
   * SameSite=Lax}, {@code Path=/} for both, no {@code Domain} (host-only cookies).
   */
  public static SessionCookies defaults() {
    return DEFAULTS;
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Sets both cookies, typically after a login or a refresh. Also marks the response {@code
   * Cache-Control: no-store} unless it already has a {@code Cache-Control}, so that no shared cache
   * keeps a response that sets tokens.
   *
   * @throws IllegalArgumentException if a token is not a valid cookie value (tokens issued by
   *     sessionkit always are); the message does not contain the token
   */
  public void write(
      HttpServletResponse response, AccessToken accessToken, RefreshToken refreshToken) {
    Objects.requireNonNull(response, "response");
    Objects.requireNonNull(accessToken, "accessToken");
    Objects.requireNonNull(refreshToken, "refreshToken");
    Instant now = clock.instant();
    String access =
        header(
            accessTokenName,
            checkedValue(accessToken.value(), "access token"),
            secondsUntil(now, accessToken.expiresAt()),
            path);
    String refresh =
        header(
            refreshTokenName,
            checkedValue(refreshToken.value(), "refresh token"),
            secondsUntil(now, refreshToken.expiresAt()),
            refreshTokenPath);
    response.addHeader("Set-Cookie", access);
    response.addHeader("Set-Cookie", refresh);
    if (!response.containsHeader("Cache-Control")) {
      response.setHeader("Cache-Control", "no-store");
    }
  }

  /** Removes both cookies from the browser: each is written empty with {@code Max-Age=0}. */
  public void clear(HttpServletResponse response) {
    Objects.requireNonNull(response, "response");
    response.addHeader("Set-Cookie", header(accessTokenName, "", 0, path));
    response.addHeader("Set-Cookie", header(refreshTokenName, "", 0, refreshTokenPath));
  }

  /** The access token the request's cookie carries, if it carries a readable one. */
  public Optional<String> accessToken(HttpServletRequest request) {
    return read(request, accessTokenName);
  }

  /** The refresh token the request's cookie carries, if it carries a readable one. */
  public Optional<String> refreshToken(HttpServletRequest request) {
    return read(request, refreshTokenName);
  }

  /** The access-token cookie's name. */
  public String accessTokenName() {
    return accessTokenName;
  }

  /** The refresh-token cookie's name. */
  public String refreshTokenName() {
    return refreshTokenName;
  }

  /** Whether cookies are marked {@code Secure}. */
  public boolean secure() {
    return secure;
  }

  /** The {@code SameSite} attribute: {@code Strict}, {@code Lax} or {@code None}. */
  public String sameSite() {
    return sameSite;
  }

  /** The access cookie's {@code Path} attribute. */
  public String path() {
    return path;
  }

  /** The refresh cookie's {@code Path} attribute; the same as {@link #path()} unless scoped. */
  public String refreshTokenPath() {
    return refreshTokenPath;
  }

  /** The {@code Domain} attribute, if one is set; empty means host-only cookies. */
  public Optional<String> domain() {
    return Optional.ofNullable(domain);
  }

  @Override
  public String toString() {
    return "SessionCookies[accessTokenName="
        + accessTokenName
        + ", refreshTokenName="
        + refreshTokenName
        + ", secure="
        + secure
        + ", sameSite="
        + sameSite
        + ", path="
        + path
        + ", refreshTokenPath="
        + refreshTokenPath
        + ", domain="
        + domain
        + "]";
  }

  private String header(String name, String value, long maxAge, String cookiePath) {
    StringBuilder header = new StringBuilder(name.length() + value.length() + 96);
    header.append(name).append('=').append(value);
    header.append("; Max-Age=").append(maxAge);
    header.append("; Path=").append(cookiePath);
    if (domain != null) {
      header.append("; Domain=").append(domain);
    }
    if (secure) {
      header.append("; Secure");
    }
    header.append("; HttpOnly");
    header.append("; SameSite=").append(sameSite);
    return header.toString();
  }

  private static long secondsUntil(Instant now, Instant end) {
    return Math.max(0, Duration.between(now, end).getSeconds());
  }

  private static String checkedValue(String value, String what) {
    if (!isCookieValue(value)) {
      throw new IllegalArgumentException(
          what
              + " must be 1 to "
              + MAX_VALUE_LENGTH
              + " cookie-safe ASCII characters to be"
              + " stored in a cookie (value not shown)");
    }
    return value;
  }

  /**
   * The first readable value of the named cookie. The raw {@code Cookie} headers are parsed here
   * rather than through {@link HttpServletRequest#getCookies()}, whose tolerance of malformed
   * headers differs between containers.
   */
  private static Optional<String> read(HttpServletRequest request, String name) {
    Objects.requireNonNull(request, "request");
    Enumeration<String> headers = request.getHeaders("Cookie");
    if (headers == null) {
      return Optional.empty();
    }
    for (String header : Collections.list(headers)) {
      if (header == null) {
        continue;
      }
      for (String pair : header.split(";")) {
        int equals = pair.indexOf('=');
        if (equals < 0 || !pair.substring(0, equals).strip().equals(name)) {
          continue;
        }
        String value = pair.substring(equals + 1).strip();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        if (isCookieValue(value)) {
          return Optional.of(value);
        }
      }
    }
    return Optional.empty();
  }

  /** RFC 6265 cookie-octets, non-empty and not too long. */
  static boolean isCookieValue(String value) {
    if (value.isEmpty() || value.length() > MAX_VALUE_LENGTH) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '"' || c == ',' || c == ';' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  /** RFC 7230 token characters, as cookie names must be. */
  private static boolean isToken(String name) {
    if (name.isEmpty() || name.length() > 64) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * Builds {@link SessionCookies}, starting from the defaults. Every setter validates its argument
   * at once and throws {@link IllegalArgumentException} naming the value and the rule; {@link
   * #build()} checks the combination. Not thread-safe.
   */
  public static final class Builder {

    private String accessTokenName = "access_token";
    private String refreshTokenName = "refresh_token";
    private boolean secure = true;
    private String sameSite = "Lax";
    private String path = "/";
    private @Nullable String refreshTokenPath;
    private boolean prefixedNames;
    private @Nullable String domain;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The access-token cookie's name: 1 to 64 token characters. Default {@code access_token}. */
    public Builder accessTokenName(String name) {
      this.accessTokenName = name(name, "accessTokenName");
      return this;
    }

    /** The refresh-token cookie's name: 1 to 64 token characters. Default {@code refresh_token}. */
    public Builder refreshTokenName(String name) {
      this.refreshTokenName = name(name, "refreshTokenName");
      return this;
    }

    /**
     * Whether cookies are marked {@code Secure} (sent over HTTPS only). Default true; turn it off
     * only for plain-HTTP development.
     */
    public Builder secure(boolean secure) {
      this.secure = secure;
      return this;
    }

    /**
     * The {@code SameSite} attribute: {@code Strict}, {@code Lax} or {@code None}, in any case.
     * Default {@code Lax}. {@code None} requires {@link #secure(boolean) secure} cookies.
     */
    public Builder sameSite(String sameSite) {
      Objects.requireNonNull(sameSite, "sameSite");
      this.sameSite =
          switch (sameSite.toLowerCase(Locale.ROOT)) {
            case "strict" -> "Strict";
            case "lax" -> "Lax";
            case "none" -> "None";
            default ->
                throw new IllegalArgumentException(
                    "sameSite must be one of Strict, Lax or None, but was '" + sameSite + "'");
          };
      return this;
    }

    /**
     * The {@code Path} attribute: starts with {@code /}, printable ASCII without {@code ;} or
     * {@code ,}, at most 1024 characters. Default {@code /}.
     */
    public Builder path(String path) {
      this.path = cookiePath(path, "path");
      return this;
    }

    /**
     * The refresh cookie's own {@code Path}, to scope it to the refresh endpoint: the endpoint's
     * full path as the browser requests it, context path included, such as {@code
     * /api/v1/auth/refresh} (see {@link SessionEndpoints#refreshPath()}). The browser then sends
     * the refresh token only there. The same rules as {@link #path(String)}. Default: {@link
     * #path(String) path}, so both cookies go everywhere under it.
     */
    public Builder refreshTokenPath(String refreshTokenPath) {
      this.refreshTokenPath = cookiePath(refreshTokenPath, "refreshTokenPath");
      return this;
    }

    /**
     * Whether the names get the strongest prefix their attributes allow, which the browser
     * enforces: {@code __Host-} for a cookie at {@code Path=/} without {@code Domain}, else {@code
     * __Secure-}; with the defaults and a scoped refresh cookie, {@code __Host-access_token} and
     * {@code __Secure-refresh_token}. Requires {@link #secure(boolean) secure} cookies. Default
     * false, so that the names are exactly as configured.
     */
    public Builder prefixedNames(boolean prefixedNames) {
      this.prefixedNames = prefixedNames;
      return this;
    }

    private static String cookiePath(String path, String setting) {
      Objects.requireNonNull(path, setting);
      boolean ok = path.startsWith("/") && path.length() <= 1024;
      for (int i = 0; ok && i < path.length(); i++) {
        char c = path.charAt(i);
        ok = c > 0x20 && c < 0x7f && c != ';' && c != ',';
      }
      if (!ok) {
        throw new IllegalArgumentException(
            setting
                + " must start with '/' and be at most 1024 printable ASCII characters without"
                + " spaces, ';' or ',', but was '"
                + path
                + "'");
      }
      return path;
    }

    /**
     * The {@code Domain} attribute, such as {@code example.com} to share the cookies with its
     * subdomains: a host name of letters, digits, hyphens and dots, at most 253 characters. By
     * default none is set, which makes host-only cookies.
     */
    public Builder domain(String domain) {
      Objects.requireNonNull(domain, "domain");
      String host = domain.startsWith(".") ? domain.substring(1) : domain;
      if (host.isEmpty()
          || host.length() > 253
          || !host.matches(
              "(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")) {
        throw new IllegalArgumentException(
            "domain must be a host name such as example.com (letters, digits, '-' and '.'), but"
                + " was '"
                + domain
                + "'");
      }
      this.domain = host.toLowerCase(Locale.ROOT);
      return this;
    }

    /** The clock that {@code Max-Age} is computed with. Default {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The cookie settings.
     *
     * @throws IllegalStateException when {@code SameSite=None} is asked for without {@code Secure}
     *     (browsers reject such cookies), when both cookies have the same name, when a name's
     *     {@code __Host-} or {@code __Secure-} prefix asks for attributes that are not set, or when
     *     prefixed names are asked for without {@code Secure}
     */
    public SessionCookies build() {
      if (prefixedNames && !secure) {
        throw new IllegalStateException(
            "prefixedNames(true) requires secure(true): browsers accept __Host- and __Secure-"
                + " cookies only with Secure");
      }
      if (prefixedNames
          && (accessTokenName.startsWith("__Host-")
              || accessTokenName.startsWith("__Secure-")
              || refreshTokenName.startsWith("__Host-")
              || refreshTokenName.startsWith("__Secure-"))) {
        throw new IllegalStateException(
            "prefixedNames(true) adds the prefix itself: give the names without __Host- or"
                + " __Secure-, but they were '"
                + accessTokenName
                + "' and '"
                + refreshTokenName
                + "'");
      }
      if (sameSite.equals("None") && !secure) {
        throw new IllegalStateException(
            "sameSite None requires secure(true): browsers reject SameSite=None cookies without"
                + " Secure");
      }
      if (accessTokenName.equals(refreshTokenName)) {
        throw new IllegalStateException(
            "accessTokenName and refreshTokenName must differ, but both were '"
                + accessTokenName
                + "'");
      }
      String refreshPath = refreshTokenPath == null ? path : refreshTokenPath;
      checkPrefix(accessTokenName, path);
      checkPrefix(refreshTokenName, refreshPath);
      return new SessionCookies(this);
    }

    private void checkPrefix(String name, String cookiePath) {
      if ((name.startsWith("__Secure-") || name.startsWith("__Host-")) && !secure) {
        throw new IllegalStateException(
            "cookie name '" + name + "' has a prefix that requires secure(true)");
      }
      if (name.startsWith("__Host-") && (domain != null || !cookiePath.equals("/"))) {
        throw new IllegalStateException(
            "cookie name '"
                + name
                + "' has the __Host- prefix, which requires path \"/\" and"
                + " no domain, but its path is '"
                + cookiePath
                + "'");
      }
    }

    private static String name(String name, String setting) {
      Objects.requireNonNull(name, setting);
      if (!isToken(name)) {
        throw new IllegalArgumentException(
            setting
                + " must be 1 to 64 letters, digits or !#$%&'*+-.^_`|~, but was '"
                + name
                + "'");
      }
      return name;
    }
  }
}
