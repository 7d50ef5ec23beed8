package io.sessionkit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP client of a test server with a cookie jar of its own, as a browser or a device: what a
 * {@code Set-Cookie} sets is sent back on later requests, and what it clears (an empty value or
 * {@code Max-Age=0}) is dropped. Cookies are kept by name, whatever their {@code Secure}, {@code
 * Path} or {@code Domain}: the tests speak plain HTTP to one host. The {@code Set-Cookie} headers
 * are parsed here rather than by {@link java.net.CookieManager}, so that tests can assert every
 * attribute.
 *
 * <p>Requests go to {@code http://127.0.0.1:port} over HTTP/1.1 and never follow redirects. Extra
 * headers are given as name, value pairs; one named like a default header or {@code Cookie}
 * replaces it for that request. Applications' own requests (a login, say) belong in a subclass. Not
 * thread-safe: one per simulated browser or device.
 */
public class CookieClient {

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  private final String base;
  private final Map<String, String> jar = new LinkedHashMap<>();
  private final Map<String, String> defaultHeaders = new LinkedHashMap<>();
  private @Nullable String bodyType;

  /** A client of {@code http://127.0.0.1:port} with an empty jar. */
  protected CookieClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /** A client of {@code http://127.0.0.1:port} with an empty jar. */
  public static CookieClient on(int port) {
    return new CookieClient(port);
  }

  /** The server's origin, as a browser on it sends in {@code Origin}. */
  public String origin() {
    return base;
  }

  /** The absolute URI of {@code path}. */
  public URI uri(String path) {
    return URI.create(base + path);
  }

  /** Sends {@code User-Agent: userAgent} with every request. */
  public CookieClient userAgent(String userAgent) {
    defaultHeaders.put("User-Agent", userAgent);
    return this;
  }

  /** The {@code Content-Type} of every request body that does not name its own. Default: none. */
  public CookieClient bodyType(String contentType) {
    this.bodyType = contentType;
    return this;
  }

  /** The cookie of that name in the jar. */
  public Optional<String> cookie(String name) {
    return Optional.ofNullable(jar.get(name));
  }

  /** Puts a cookie into the jar, as a stolen or forged one would be. */
  public void setCookie(String name, String value) {
    jar.put(name, value);
  }

  /** Empties the jar. */
  public void clearCookies() {
    jar.clear();
  }

  /** A GET. */
  public Reply get(String path, String... headers) {
    return send("GET", path, null, headers);
  }

  /**
   * A POST of {@code body} (none when null), typed by {@link #bodyType(String)} unless a header
   * names a type.
   */
  public Reply post(String path, @Nullable String body, String... headers) {
    return send(
        "POST", path, body == null ? null : HttpRequest.BodyPublishers.ofString(body), headers);
  }

  /** A DELETE. */
  public Reply delete(String path, String... headers) {
    return send("DELETE", path, null, headers);
  }

  /**
   * Sends a request with the jar's cookies and the default headers; a null body is an empty one.
   *
   * @throws UncheckedIOException when the server cannot be reached or does not answer
   */
  public Reply send(
      String method, String path, HttpRequest.@Nullable BodyPublisher body, String... headers) {
    if (headers.length % 2 != 0) {
      throw new IllegalArgumentException("headers must be name, value pairs");
    }
    Map<String, String> all = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    all.putAll(defaultHeaders);
    if (body != null && bodyType != null) {
      all.put("Content-Type", bodyType);
    }
    if (!jar.isEmpty()) {
      all.put("Cookie", cookieHeader());
    }
    for (int i = 0; i < headers.length; i += 2) {
      all.put(headers[i], headers[i + 1]);
    }
    HttpRequest.Builder request = request(path);
    all.forEach(request::header);
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body);
    return exchange(request.build());
  }

  /** A request builder for {@code path}, with the client's timeout and nothing else. */
  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT);
  }

  /**
   * Sends a prepared request as it is, without the jar or the default headers; the jar still takes
   * the answer's cookies.
   *
   * @throws UncheckedIOException when the server cannot be reached or does not answer
   */
  public Reply exchange(HttpRequest request) {
    HttpResponse<String> response;
    try {
      response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + request.method() + " " + request.uri(), e);
    }
    List<SetCookie> cookies = new ArrayList<>();
    for (String header : response.headers().allValues("Set-Cookie")) {
      SetCookie cookie = SetCookie.parse(header);
      cookies.add(cookie);
      if (cookie.clears()) {
        jar.remove(cookie.name());
      } else {
        jar.put(cookie.name(), cookie.value());
      }
    }
    return new Reply(response.statusCode(), response.headers(), response.body(), cookies);
  }

  private String cookieHeader() {
    StringBuilder header = new StringBuilder();
    jar.forEach(
        (name, value) ->
            header.append(header.length() == 0 ? "" : "; ").append(name).append('=').append(value));
    return header.toString();
  }

  /** An answer: status, headers, body and the cookies it set. */
  public record Reply(int status, HttpHeaders headers, String body, List<SetCookie> setCookies) {

    /** The first header of that name, case-insensitively. */
    public Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    /**
     * The {@code Set-Cookie} of that name.
     *
     * @throws AssertionError when the answer set no such cookie
     */
    public SetCookie setCookie(String name) {
      return setCookies.stream()
          .filter(c -> c.name().equals(name))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no Set-Cookie " + name + " in " + this));
    }

    /** The status, the body and the names of the cookies set; never a cookie's value. */
    @Override
    public String toString() {
      return "Reply["
          + status
          + " "
          + body
          + " cookies="
          + setCookies.stream().map(SetCookie::name).toList()
          + "]";
    }
  }

  /**
   * One {@code Set-Cookie} header, parsed: the name, the value, the attributes (names in lower
   * case; a flag such as {@code HttpOnly} has an empty value) and the header as it came.
   */
  public record SetCookie(
      String name, String value, Map<String, String> attributes, String header) {

    /**
     * Parses a {@code Set-Cookie} header value.
     *
     * @throws AssertionError when it has no {@code name=} or an attribute twice
     */
    public static SetCookie parse(String header) {
      Objects.requireNonNull(header, "header");
      String[] parts = header.split(";");
      int equals = parts[0].indexOf('=');
      if (equals <= 0) {
        throw new AssertionError("malformed Set-Cookie: " + header);
      }
      String name = parts[0].substring(0, equals).strip();
      Map<String, String> attributes = new LinkedHashMap<>();
      for (int i = 1; i < parts.length; i++) {
        String part = parts[i].strip();
        int eq = part.indexOf('=');
        String key = (eq < 0 ? part : part.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
        String value = eq < 0 ? "" : part.substring(eq + 1).strip();
        if (attributes.put(key, value) != null) {
          throw new AssertionError("attribute " + key + " twice in Set-Cookie " + name);
        }
      }
      return new SetCookie(name, parts[0].substring(equals + 1).strip(), attributes, header);
    }

    /** Whether the attribute is present, case-insensitively. */
    public boolean has(String attribute) {
      return attributes.containsKey(attribute.toLowerCase(Locale.ROOT));
    }

    /** The attribute's value; empty for a flag. */
    public Optional<String> attribute(String attribute) {
      return Optional.ofNullable(attributes.get(attribute.toLowerCase(Locale.ROOT)));
    }

    /** {@code Max-Age}, when present. */
    public Optional<Long> maxAge() {
      return attribute("Max-Age").map(Long::parseLong);
    }

    /** Whether a browser drops the cookie on this header: an empty value or {@code Max-Age<=0}. */
    public boolean clears() {
      return value.isEmpty() || maxAge().filter(age -> age <= 0).isPresent();
    }

    /** The name and the attributes; never the value, which is a token. */
    @Override
    public String toString() {
      return "SetCookie[" + name + ", " + attributes + "]";
    }
  }
}
