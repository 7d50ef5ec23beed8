package io.sessionkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An HTTP client for one test app that keeps cookies like a browser would (by name, ignoring {@code
 * Secure} since the tests speak plain HTTP, dropping a cookie set with {@code Max-Age=0}). Extra
 * headers are given as name, value pairs.
 */
final class Browser {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final TestApp app;
  private final Map<String, String> jar = new LinkedHashMap<>();

  Browser(TestApp app) {
    this.app = app;
  }

  /** The answer to a login: the session id and both tokens. */
  record LoginResult(
      String sessionId, String accessToken, String refreshToken, Response response) {}

  /** A response, with its body as text. */
  record Response(int status, String body, HttpHeaders headers) {
    JsonNode json() {
      return TestJson.read(body);
    }

    List<String> setCookies() {
      return headers.allValues("Set-Cookie");
    }

    /** The Set-Cookie header for the named cookie. */
    Optional<String> setCookie(String name) {
      return setCookies().stream().filter(h -> h.startsWith(name + "=")).findFirst();
    }

    Optional<String> header(String name) {
      return headers.firstValue(name);
    }
  }

  /** Logs in as the host's login servlet does, keeping the cookies it sets. */
  LoginResult login(String user, String... roles) {
    Response r = post("/api/v1/auth/login?user=" + user + "&roles=" + String.join(",", roles), "");
    if (r.status() != 200) {
      throw new AssertionError("login failed: " + r.status() + " " + r.body());
    }
    JsonNode json = r.json();
    return new LoginResult(
        json.get("session_id").asText(),
        json.get("access_token").asText(),
        json.get("refresh_token").asText(),
        r);
  }

  Response get(String path, String... headers) {
    return send("GET", path, HttpRequest.BodyPublishers.noBody(), headers);
  }

  Response post(String path, String body, String... headers) {
    return send("POST", path, HttpRequest.BodyPublishers.ofString(body), headers);
  }

  Response delete(String path, String... headers) {
    return send("DELETE", path, HttpRequest.BodyPublishers.noBody(), headers);
  }

  Response send(String method, String path, HttpRequest.BodyPublisher body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(app.uri(path)).timeout(Duration.ofSeconds(10)).method(method, body);
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    if (!jar.isEmpty()) {
      request.header(
          "Cookie",
          jar.entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue())
              .collect(Collectors.joining("; ")));
    }
    try {
      HttpResponse<String> response =
          CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      for (String setCookie : response.headers().allValues("Set-Cookie")) {
        keep(setCookie);
      }
      return new Response(response.statusCode(), response.body(), response.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void keep(String setCookie) {
    String pair = setCookie.split(";", 2)[0];
    int equals = pair.indexOf('=');
    String name = pair.substring(0, equals).strip();
    String value = pair.substring(equals + 1).strip();
    if (setCookie.contains("Max-Age=0") || value.isEmpty()) {
      jar.remove(name);
    } else {
      jar.put(name, value);
    }
  }

  Optional<String> cookie(String name) {
    return Optional.ofNullable(jar.get(name));
  }

  void setCookie(String name, String value) {
    jar.put(name, value);
  }

  void forgetCookies() {
    jar.clear();
  }
}
