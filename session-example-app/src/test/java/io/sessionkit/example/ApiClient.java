package io.sessionkit.example;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One client of the app over real HTTP, with a cookie jar of its own: the {@code Set-Cookie}
 * headers are parsed here rather than by {@link java.net.CookieManager}, so that tests can assert
 * every attribute, and cookies are sent back whatever their {@code Secure} flag (the app runs on
 * plain HTTP in tests). Not thread-safe; one per simulated browser or device.
 */
final class ApiClient {

  static final JsonMapper JSON = JsonMapper.builder().build();

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  private final String base;
  private final Map<String, String> jar = new LinkedHashMap<>();
  private final Map<String, String> defaultHeaders = new LinkedHashMap<>();

  private ApiClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /** A client with an empty jar and the user agent {@code contract-test}. */
  static ApiClient on(int port) {
    return new ApiClient(port).userAgent("contract-test");
  }

  /** The app's own origin, as a browser on this client's base URL would send it. */
  String origin() {
    return base;
  }

  ApiClient userAgent(String userAgent) {
    defaultHeaders.put("User-Agent", userAgent);
    return this;
  }

  /** The cookie of that name in the jar. */
  Optional<String> cookie(String name) {
    return Optional.ofNullable(jar.get(name));
  }

  void setCookie(String name, String value) {
    jar.put(name, value);
  }

  void clearCookies() {
    jar.clear();
  }

  Reply get(String path, String... headers) {
    return send("GET", path, null, headers);
  }

  Reply post(String path, String json, String... headers) {
    return send("POST", path, json, headers);
  }

  Reply delete(String path, String... headers) {
    return send("DELETE", path, null, headers);
  }

  /** A POST of {@code {"username","password"}} to register. */
  Reply register(String username, String password) {
    return post("/api/v1/auth/register", credentials(username, password));
  }

  /** A POST of {@code {"username","password"}} to log in; the jar takes the cookies. */
  Reply login(String username, String password) {
    return post("/api/v1/auth/login", credentials(username, password));
  }

  /** Registers (201 expected) and logs in (200 expected). */
  Reply registerAndLogin(String username, String password) {
    Reply registered = register(username, password);
    if (registered.status() != 201) {
      throw new AssertionError("register " + username + ": " + registered);
    }
    return loggedIn(username, password);
  }

  /** Logs in, expecting 200. */
  Reply loggedIn(String username, String password) {
    Reply login = login(username, password);
    if (login.status() != 200) {
      throw new AssertionError("login " + username + ": " + login);
    }
    return login;
  }

  static String credentials(String username, String password) {
    return JSON.createObjectNode().put("username", username).put("password", password).toString();
  }

  /**
   * Sends a request. {@code headers} are name/value pairs; a {@code Cookie} among them replaces the
   * jar's for this request, and a request with {@code Authorization} still sends the jar unless it
   * is empty.
   */
  Reply send(String method, String path, String body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
    Map<String, String> all = new LinkedHashMap<>(defaultHeaders);
    if (body != null) {
      all.put("Content-Type", "application/json");
    }
    if (!jar.isEmpty()) {
      all.put("Cookie", cookieHeader());
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      all.put(headers[i], headers[i + 1]);
    }
    all.forEach(request::header);
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return exchange(request.build());
  }

  /** Sends a prepared request as is, without the jar; the jar still takes the answer's cookies. */
  Reply exchange(HttpRequest request) {
    HttpResponse<String> response;
    try {
      response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    List<SetCookie> cookies = new ArrayList<>();
    for (String header : response.headers().allValues("Set-Cookie")) {
      SetCookie cookie = SetCookie.parse(header);
      cookies.add(cookie);
      if (cookie.maxAge().filter(age -> age <= 0).isPresent() || cookie.value().isEmpty()) {
        jar.remove(cookie.name());
      } else {
        jar.put(cookie.name(), cookie.value());
      }
    }
    return new Reply(response.statusCode(), response.headers().map(), response.body(), cookies);
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
  }

  private String cookieHeader() {
    StringBuilder header = new StringBuilder();
    jar.forEach(
        (name, value) ->
            header.append(header.length() == 0 ? "" : "; ").append(name).append('=').append(value));
    return header.toString();
  }

  /** An answer: status, headers, body and the cookies it set. */
  record Reply(
      int status, Map<String, List<String>> headers, String body, List<SetCookie> setCookies) {

    /** The body as JSON; fails the test when it is not JSON. */
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (RuntimeException e) {
        throw new AssertionError("not JSON (status " + status + "): " + body, e);
      }
    }

    Optional<String> header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream())
          .findFirst();
    }

    /** The {@code Set-Cookie} of that name; fails when there is none. */
    SetCookie setCookie(String name) {
      return setCookies.stream()
          .filter(c -> c.name().equals(name))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no Set-Cookie " + name + " in " + this));
    }

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
   * One {@code Set-Cookie} header, parsed: the name, the value and the attributes (names in lower
   * case; a flag such as {@code HttpOnly} has an empty value).
   */
  record SetCookie(String name, String value, Map<String, String> attributes) {

    static SetCookie parse(String header) {
      String[] parts = header.split(";");
      int equals = parts[0].indexOf('=');
      if (equals <= 0) {
        throw new AssertionError("malformed Set-Cookie: " + header);
      }
      Map<String, String> attributes = new LinkedHashMap<>();
      for (int i = 1; i < parts.length; i++) {
        String part = parts[i].strip();
        int eq = part.indexOf('=');
        String key = (eq < 0 ? part : part.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
        String value = eq < 0 ? "" : part.substring(eq + 1).strip();
        if (attributes.put(key, value) != null) {
          throw new AssertionError("attribute " + key + " twice in Set-Cookie " + name(header));
        }
      }
      return new SetCookie(
          parts[0].substring(0, equals).strip(),
          parts[0].substring(equals + 1).strip(),
          attributes);
    }

    private static String name(String header) {
      int equals = header.indexOf('=');
      return equals < 0 ? header : header.substring(0, equals);
    }

    boolean has(String attribute) {
      return attributes.containsKey(attribute.toLowerCase(Locale.ROOT));
    }

    Optional<String> attribute(String attribute) {
      return Optional.ofNullable(attributes.get(attribute.toLowerCase(Locale.ROOT)));
    }

    Optional<Long> maxAge() {
      return attribute("Max-Age").map(Long::parseLong);
    }

    @Override
    public String toString() {
      // never the value: it is a token
      return "SetCookie[" + name + ", " + attributes + "]";
    }
  }
}
