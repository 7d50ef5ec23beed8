package io.sessionkit.servlet;

import static io.sessionkit.servlet.TestJson.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionkit.testing.CookieClient;

/** A browser of {@link TestApp}: a cookie-keeping client that can also log in. */
final class Browser extends CookieClient {

  Browser(TestApp app) {
    super(app.port());
    // as the page's scripts send their bodies; a test sends another type by naming it
    bodyType("application/json");
  }

  /** The answer to a login: the session id and both tokens. */
  record LoginResult(String sessionId, String accessToken, String refreshToken, Reply response) {}

  /** Logs in as the host's login servlet does, keeping the cookies it sets. */
  LoginResult login(String user, String... roles) {
    Reply r = post("/api/v1/auth/login?user=" + user + "&roles=" + String.join(",", roles), "");
    if (r.status() != 200) {
      throw new AssertionError("login failed: " + r.status() + " " + r.body());
    }
    JsonNode body = json(r);
    return new LoginResult(
        body.get("session_id").asText(),
        body.get("access_token").asText(),
        body.get("refresh_token").asText(),
        r);
  }
}
