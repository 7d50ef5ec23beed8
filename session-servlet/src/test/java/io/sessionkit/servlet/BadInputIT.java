package io.sessionkit.servlet;

import static io.sessionkit.servlet.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.testing.CookieClient.Reply;
import io.sessionkit.testing.RawHttp;
import io.sessionkit.testing.RedisExtension;
import io.sessionkit.testing.RedisServer;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Malformed input of every kind: never a 500, never a way in. */
@ExtendWith(RedisExtension.class)
class BadInputIT {

  private static TestApp app;

  @BeforeAll
  static void start(RedisServer redis) throws Exception {
    app = TestApp.start(redis.uri());
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  private static void assertRequiresAuthentication(Reply response) {
    assertThat(response.status()).isEqualTo(401);
    assertThat(json(response).get("error").asText()).isEqualTo("unauthorized");
  }

  @Test
  void oversizedAccessCookieCountsAsNoToken() {
    Browser browser = new Browser(app);
    browser.setCookie("access_token", "a".repeat(10 * 1024));

    assertRequiresAuthentication(browser.get("/api/me"));
    assertThat(browser.get("/public/hello").status()).isEqualTo(200);
  }

  @Test
  void oversizedRefreshCookieCountsAsNoToken() {
    Browser browser = new Browser(app);
    browser.setCookie("refresh_token", "a".repeat(10 * 1024));

    Reply response = browser.post("/api/v1/auth/refresh", "");

    assertRequiresAuthentication(response);
    assertThat(json(response).get("message").asText()).isEqualTo("Refresh token required");
  }

  @Test
  void oversizedAuthorizationHeaderCountsAsNoToken() {
    assertRequiresAuthentication(
        new Browser(app).get("/api/me", "Authorization", "Bearer " + "a".repeat(10 * 1024)));
  }

  @Test
  void oversizedHeaderWithAValidCookieStillUsesTheCookie() {
    Browser browser = new Browser(app);
    browser.login("user-" + UUID.randomUUID());

    assertThat(browser.get("/api/me", "Authorization", "Bearer " + "a".repeat(10 * 1024)).status())
        .isEqualTo(200);
  }

  @Test
  void garbageAuthorizationHeadersCountAsNoToken() {
    for (String value :
        List.of(
            "Bearer",
            "Bearer ",
            "Bearer    ",
            "Basic dXNlcjpwYXNz",
            "Token abc",
            "Bearer a b c",
            "Bearer \"quoted\"",
            "Bearer ====",
            "Bearer " + "x.y.z",
            "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.",
            "Bearer eyJ%%%.%%%.%%%",
            ",,,,",
            "x")) {
      assertRequiresAuthentication(new Browser(app).get("/api/me", "Authorization", value));
    }
  }

  @Test
  void nonAsciiHeaderBytesNeverCauseA500() {
    byte[][] values = {
      {(byte) 0xff, (byte) 0xfe, (byte) 0x80},
      "é€😀".getBytes(StandardCharsets.UTF_8),
      {(byte) 0xc3, (byte) 0x28}
    };
    for (String header :
        List.of(
            "Authorization: Bearer ",
            "Cookie: access_token=",
            "Origin: http://",
            "X-Forwarded-For: ",
            "User-Agent: ")) {
      for (byte[] value : values) {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.writeBytes(
            ("GET /api/me HTTP/1.1\r\nHost: 127.0.0.1\r\n" + header)
                .getBytes(StandardCharsets.US_ASCII));
        head.writeBytes(value);
        head.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));

        RawHttp.Answer answer = RawHttp.send(app.port(), head.toByteArray());

        assertThat(answer.status()).as("%s with non-ASCII bytes", header).isIn(400, 401);
      }
    }
  }

  @Test
  void nonAsciiCookieWithAValidOneFindsTheValidOne() {
    Browser.LoginResult login = new Browser(app).login("user-" + UUID.randomUUID());
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    head.writeBytes(
        "GET /api/me HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: access_token="
            .getBytes(StandardCharsets.US_ASCII));
    head.writeBytes(new byte[] {(byte) 0xff, (byte) 0xfe});
    head.writeBytes(
        ("; access_token=" + login.accessToken() + "\r\n").getBytes(StandardCharsets.US_ASCII));

    assertThat(RawHttp.send(app.port(), head.toByteArray()).status()).isIn(200, 400);
  }

  @Test
  void garbageCookieHeadersCountAsNoToken() {
    for (String cookie :
        List.of(
            "",
            ";;;",
            "=",
            "access_token",
            "access_token=",
            "access_token=\"\"",
            "access_token=a b",
            "access_token=;refresh_token=")) {
      String head = "GET /api/me HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + cookie + "\r\n";
      assertThat(RawHttp.send(app.port(), head).status()).as(cookie).isIn(400, 401);
    }
  }

  @Test
  void garbageOriginAndHostOnCookieAuthenticatedPostAreRefusedNotFailed() {
    Browser.LoginResult login = new Browser(app).login("user-" + UUID.randomUUID());
    for (String origin :
        List.of(
            "garbage",
            "http://",
            "http://a:99999",
            "http://[zz]",
            "https://a/path",
            "*",
            "file://x",
            "http://a:80:80")) {
      String head =
          "POST /api/me HTTP/1.1\r\nHost: 127.0.0.1:"
              + app.port()
              + "\r\nOrigin: "
              + origin
              + "\r\nCookie: access_token="
              + login.accessToken()
              + "\r\nContent-Length: 0\r\n";
      assertThat(RawHttp.send(app.port(), head).status()).as(origin).isEqualTo(403);
    }
    String badHost =
        "POST /api/me HTTP/1.1\r\nHost: [::1\r\nOrigin: "
            + app.origin()
            + "\r\nCookie: access_token="
            + login.accessToken()
            + "\r\nContent-Length: 0\r\n";
    assertThat(RawHttp.send(app.port(), badHost).status()).isIn(400, 403);
  }

  @Test
  void pathTricksNeverReachAProtectedHandlerAnonymously() {
    for (String path :
        List.of(
            "/public/..%2Fapi/me",
            "/public/%2e%2e/api/me",
            "/public/..;/api/me",
            "/public/hello/../../api/me",
            "//api/me",
            "/api;x=y/me",
            "/public%2F../api/me",
            "/public/%2E%2E%2Fapi%2Fme",
            "/public/%c0%ae%c0%ae/api/me",
            "/public/%")) {
      String head = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
      RawHttp.Answer answer = RawHttp.send(app.port(), head);
      assertThat(answer.status()).as(path).isIn(400, 401, 404);
      assertThat(answer.body()).as(path).doesNotContain("\"anonymous\":true");
    }
  }

  @Test
  void encodedProtectedPathIsStillProtected() {
    assertRequiresAuthentication(new Browser(app).get("/%61pi/me"));
    assertRequiresAuthentication(new Browser(app).get("/api/%6De"));
  }

  @Test
  void largeBodyToAProtectedPathIsRefusedNotFailed() {
    Reply response =
        new Browser(app)
            .send("POST", "/api/me", HttpRequest.BodyPublishers.ofString("x".repeat(1024 * 1024)));

    assertRequiresAuthentication(response);
  }

  @Test
  void largeChunkedBodyToRefreshIsPayloadTooLarge() {
    byte[] chunk =
        "{\"refresh_token\":\"".concat("a".repeat(64 * 1024)).getBytes(StandardCharsets.US_ASCII);
    Reply response =
        new Browser(app)
            .send(
                "POST",
                "/api/v1/auth/refresh",
                // no length up front: the endpoint must stop reading at its limit by itself
                HttpRequest.BodyPublishers.ofInputStream(
                    () -> new java.io.ByteArrayInputStream(chunk)));

    assertThat(response.status()).isEqualTo(413);
    assertThat(json(response).get("error").asText()).isEqualTo("payload_too_large");
  }

  @Test
  void deeplyNestedJsonToRefreshIsABadRequest() {
    // within the size limit, beyond Jackson's nesting limit
    String body = "[".repeat(4000) + "]".repeat(4000);
    Reply response = new Browser(app).post("/api/v1/auth/refresh", body);

    assertThat(response.status()).isEqualTo(400);
  }

  @Test
  void nonUtf8BodyToRefreshIsABadRequest() {
    Reply response =
        new Browser(app)
            .send(
                "POST",
                "/api/v1/auth/refresh",
                HttpRequest.BodyPublishers.ofByteArray(
                    new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'}));

    assertThat(response.status()).isEqualTo(400);
  }

  @Test
  void refreshTokenOfTheWrongShapeInTheBodyIsUnauthorized() {
    for (String token :
        List.of("x", "a.b", "é", "a".repeat(5000), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.BBBB")) {
      Reply response =
          new Browser(app).post("/api/v1/auth/refresh", "{\"refresh_token\":\"" + token + "\"}");
      assertThat(response.status()).as(token).isEqualTo(401);
    }
  }
}
