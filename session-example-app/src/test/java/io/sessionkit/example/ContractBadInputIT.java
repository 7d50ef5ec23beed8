package io.sessionkit.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.testing.RawHttp;
import io.sessionkit.testing.RedisExtension;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * No input, however malformed, gets a 500: broken and oddly typed JSON, oversized bodies, garbage
 * and forged tokens (as cookie and as bearer), oversized cookies and raw non-ASCII header bytes
 * each get the contract's 4xx with its error body. Runs on Redis, with a JWT secret the tests know
 * so that they can sign tokens the app did not issue.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    classes = ExampleApplication.class,
    properties = {
      "sessionkit.jwt.secret=" + ContractSupport.SECRET,
      "sessionkit.cookie.secure=false",
      "example.admin.username=bad-input-admin",
      "example.admin.password=admin-password-1"
    })
@DirtiesContext
class ContractBadInputIT extends ContractSupport {

  private static final List<String> BODY_ENDPOINTS = List.of(AUTH + "/register", AUTH + "/login");

  @RegisterExtension static final RedisExtension REDIS = RedisExtension.privateServer();

  @DynamicPropertySource
  static void redis(DynamicPropertyRegistry registry) {
    registry.add("sessionkit.redis.url", REDIS::uri);
  }

  // --- bodies ---

  @Test
  void malformedJsonIs400() {
    List<String> bodies =
        List.of(
            "{",
            "}",
            "{\"username\":",
            "{\"username\":\"a\",}",
            "not json",
            "{'username':'a'}",
            "{\"username\":\"abc\",\"password\":\"12345678\"} trailing",
            "\u0000",
            "{\"username\":\"\\ud800\"}",
            "{\"username\":\"" + "\\".repeat(3) + "\"}");
    for (String path : BODY_ENDPOINTS) {
      for (String body : bodies) {
        assertError(client().post(path, body), 400, "invalid_request");
      }
    }
    for (String body : bodies) {
      assertThat(client().post(AUTH + "/refresh", body).status())
          .as("refresh with %s", body)
          .isIn(400, 401);
    }
    assertError(client().post(AUTH + "/refresh", "{"), 400, "invalid_request");
  }

  @Test
  void wrongTypesAre400() {
    List<String> bodies =
        List.of(
            "{\"username\":1,\"password\":true}",
            "{\"username\":null,\"password\":\"12345678\"}",
            "{\"username\":\"someone\",\"password\":null}",
            "{\"username\":[\"someone\"],\"password\":\"12345678\"}",
            "{\"username\":{\"name\":\"someone\"},\"password\":\"12345678\"}",
            "{\"username\":\"someone\",\"password\":12345678}",
            "{\"username\":\"someone\"}",
            "{\"password\":\"12345678\"}",
            "{}");
    for (String path : BODY_ENDPOINTS) {
      for (String body : bodies) {
        assertError(client().post(path, body), 400, "invalid_request");
      }
    }
    assertError(client().post(AUTH + "/refresh", "{\"refresh_token\":42}"), 400, "invalid_request");
  }

  @Test
  void arraysAndScalarsAre400() {
    for (String path : BODY_ENDPOINTS) {
      for (String body :
          List.of(
              "[]",
              "[{\"username\":\"someone\",\"password\":\"12345678\"}]",
              "\"text\"",
              "42",
              "true",
              "null")) {
        assertError(client().post(path, body), 400, "invalid_request");
      }
    }
    assertError(client().post(AUTH + "/refresh", "[]"), 400, "invalid_request");
  }

  @Test
  void anEmptyBodyIs400() {
    for (String path : BODY_ENDPOINTS) {
      assertError(client().post(path, ""), 400, "invalid_request");
      assertError(client().post(path, "   "), 400, "invalid_request");
      assertError(client().post(path, null), 400, "invalid_request");
      assertError(
          client().post(path, null, "Content-Type", "application/json"), 400, "invalid_request");
      assertError(client().post(path, "{}", "Content-Type", "text/plain"), 400, "invalid_request");
    }
  }

  @Test
  void aOneMegabyteBodyIs413() {
    byte[] megabyte = new byte[1024 * 1024];
    Arrays.fill(megabyte, (byte) 'a');
    megabyte[0] = '{';
    ApiClient user = loggedInAs(newUsername("big-body"));
    for (String path :
        List.of(
            AUTH + "/register",
            AUTH + "/login",
            AUTH + "/refresh",
            AUTH + "/logout",
            AUTH + "/logout-all")) {
      ApiClient client = path.endsWith("/register") || path.endsWith("/login") ? client() : user;
      HttpRequest declared =
          client
              .request(path)
              .header("Content-Type", "application/json")
              .header(
                  "Cookie",
                  client.cookie("access_token").map(t -> "access_token=" + t).orElse("x=y"))
              .POST(HttpRequest.BodyPublishers.ofByteArray(megabyte))
              .build();
      assertError(client.exchange(declared), 413, "payload_too_large");
      HttpRequest chunked =
          client
              .request(path)
              .header("Content-Type", "application/json")
              .header(
                  "Cookie",
                  client.cookie("access_token").map(t -> "access_token=" + t).orElse("x=y"))
              .POST(
                  HttpRequest.BodyPublishers.ofInputStream(
                      () -> new ByteArrayInputStream(megabyte)))
              .build();
      assertError(client.exchange(chunked), 413, "payload_too_large");
    }
    assertThat(user.get(AUTH + "/me").status())
        .as("the refused requests changed nothing")
        .isEqualTo(200);
  }

  @Test
  void longPasswordsAreNeverA500() {
    String username = newUsername("long-password");
    client().register(username, PASSWORD);
    String kilobyte = "p".repeat(1024);

    assertError(client().login(username, kilobyte), 401, "unauthorized");
    assertError(client().login(username, PASSWORD + "x".repeat(100)), 401, "unauthorized");
    assertError(client().login(newUsername("nobody"), kilobyte), 401, "unauthorized");
    assertError(client().login("x".repeat(10_000), PASSWORD), 401, "unauthorized");
  }

  @Test
  void aLongPasswordIsAcceptedAndCheckedInFull() {
    String username = newUsername("passphrase");
    String passphrase = "correct horse battery staple, ".repeat(5) + "é";
    assertThat(passphrase.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(72);

    assertThat(client().register(username, passphrase).status()).isEqualTo(201);
    assertThat(client().login(username, passphrase).status()).isEqualTo(200);
    // no silent cut at BCrypt's 72 bytes: a different tail is a different password
    assertError(client().login(username, passphrase.substring(0, 80)), 401, "unauthorized");
  }

  @Test
  void aSmallChunkedBodyIsReadAsAnyOther() {
    String username = newUsername("chunked");
    ApiClient client = client();
    for (String path : List.of(AUTH + "/register", AUTH + "/login")) {
      byte[] body = ApiClient.credentials(username, PASSWORD).getBytes(StandardCharsets.UTF_8);
      HttpRequest chunked =
          client
              .request(path)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
              .build();
      assertThat(client.exchange(chunked).status()).as(path).isIn(200, 201);
    }
    assertThat(client.get(AUTH + "/me").status()).isEqualTo(200);
  }

  // --- tokens ---

  @Test
  void garbageTokensAre401AsCookieAndAsBearer() {
    List<String> garbage =
        List.of(
            "garbage",
            "a.b.c",
            "..",
            "...",
            "eyJhbGciOiJIUzI1NiJ9..",
            "eyJ.eyJ.sig",
            "Bearer",
            "null",
            "x".repeat(200),
            "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln",
            "%00",
            "=====");
    for (String token : garbage) {
      assertRefused(token);
    }
  }

  @Test
  void forgedTokensAre401AsCookieAndAsBearer() {
    ApiClient victim = loggedInAs(newUsername("forged"));
    String genuine = accessToken(victim);
    JsonNode header = Tokens.header(genuine);
    JsonNode claims = Tokens.payload(genuine);
    ApiClient other = loggedInAs(newUsername("other"));
    JsonNode otherClaims = Tokens.payload(accessToken(other));
    long now = Instant.now().getEpochSecond();

    Map<String, String> forged = new LinkedHashMap<>();
    forged.put("alg none", Tokens.unsecured(claims));
    forged.put(
        "alg none with the genuine signature", Tokens.unsecured(claims) + genuine.split("\\.")[2]);
    forged.put(
        "wrong key",
        Tokens.signed(header, claims, "an-entirely-different-secret-of-32-bytes-or-more"));
    forged.put(
        "expired",
        Tokens.signed(
            header, Tokens.copy(claims).put("iat", now - 3600).put("exp", now - 1800), SECRET));
    forged.put(
        "tampered: roles",
        Tokens.withPayload(
            genuine,
            Tokens.copy(claims)
                .set("roles", ApiClient.JSON.createArrayNode().add("ADMIN").add("USER"))));
    forged.put(
        "tampered: expiry",
        Tokens.withPayload(genuine, Tokens.copy(claims).put("exp", now + 86400 * 365)));
    forged.put(
        "tampered: user",
        Tokens.withPayload(
            genuine, Tokens.copy(claims).put("sub", otherClaims.get("sub").asString())));
    forged.put(
        "valid signature, unknown session",
        Tokens.signed(
            header, Tokens.copy(claims).put("sid", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), SECRET));
    forged.put(
        "valid signature, session of another user",
        Tokens.signed(
            header, Tokens.copy(claims).put("sid", otherClaims.get("sid").asString()), SECRET));
    forged.put(
        "valid signature, unknown key id",
        Tokens.signed(Tokens.copy(header).put("kid", "unknown"), claims, SECRET));
    forged.put(
        "HS512 header", Tokens.signed(Tokens.copy(header).put("alg", "HS512"), claims, SECRET));
    forged.put("signature stripped", genuine.substring(0, genuine.lastIndexOf('.') + 1));
    ObjectNode noSid = Tokens.copy(claims);
    noSid.remove("sid");
    forged.put("valid signature, no session id", Tokens.signed(header, noSid, SECRET));
    forged.put(
        "valid signature, numeric subject",
        Tokens.signed(header, Tokens.copy(claims).put("sub", 42), SECRET));

    forged.forEach(
        (what, token) -> {
          assertThat(token).as(what).isNotEqualTo(genuine);
          assertRefused(token);
          assertThat(
                  client()
                      .get(
                          "/api/v1/admin/users/" + "bad-input-admin" + "/sessions",
                          "Authorization",
                          bearer(token))
                      .status())
              .as("admin endpoint with %s", what)
              .isEqualTo(401);
        });
    assertThat(victim.get(AUTH + "/me").status())
        .as("the genuine token still works")
        .isEqualTo(200);
    assertThat(other.get(AUTH + "/me").status()).isEqualTo(200);
  }

  @Test
  void aTenKilobyteCookieOrHeaderIsRefusedWithA4xx() {
    String tenKilobytes = "a".repeat(10 * 1024);
    List<ApiClient.Reply> replies =
        List.of(
            client().get(AUTH + "/me", "Cookie", "access_token=" + tenKilobytes),
            client().post(AUTH + "/refresh", null, "Cookie", "refresh_token=" + tenKilobytes),
            client().get(AUTH + "/me", "Authorization", bearer(tenKilobytes)),
            client()
                .post(
                    AUTH + "/login",
                    ApiClient.credentials("someone", PASSWORD),
                    "Cookie",
                    "access_token=" + tenKilobytes));
    for (ApiClient.Reply reply : replies) {
      assertThat(reply.status()).as("%s", reply).isBetween(400, 499);
      assertErrorBody(
          json(reply),
          switch (reply.status()) {
            case 400, 431 -> "invalid_request";
            case 401 -> "unauthorized";
            default -> throw new AssertionError("unexpected " + reply);
          });
    }
    // a cookie just under the container's header limit is read and refused like any bad token
    assertError(
        client().get(AUTH + "/me", "Cookie", "access_token=" + "a".repeat(7000)),
        401,
        "unauthorized");
  }

  @Test
  void nonAsciiHeaderBytesGetA4xx() {
    ApiClient user = loggedInAs(newUsername("raw-bytes"));
    String cookie = "access_token=" + accessToken(user);

    RawHttp.Answer cookieBytes =
        RawHttp.send(
            port,
            RawHttp.head(
                "GET " + AUTH + "/me HTTP/1.1",
                port,
                RawHttp.header("Cookie: access_token=", 0xff, 0xfe, 0xc3, 0xa9)));
    RawHttp.Answer bearerBytes =
        RawHttp.send(
            port,
            RawHttp.head(
                "GET " + AUTH + "/me HTTP/1.1",
                port,
                RawHttp.header("Authorization: Bearer ", 0xc3, 0xa9, 0xc3, 0xa9, 0x80)));
    RawHttp.Answer originBytes =
        RawHttp.send(
            port,
            RawHttp.head(
                "POST " + AUTH + "/logout HTTP/1.1",
                port,
                RawHttp.header("Cookie: " + cookie),
                RawHttp.header("Content-Length: 0"),
                RawHttp.header("Origin: https://", 0xc3, 0xa9, 'v', 'i', 'l', '.', 'e', 'x')));
    String unknown = ApiClient.credentials("nobody-at-all", "12345678");
    RawHttp.Answer loginBytes =
        RawHttp.send(
            port,
            RawHttp.head(
                "POST " + AUTH + "/login HTTP/1.1",
                port,
                RawHttp.header("Content-Type: application/json"),
                RawHttp.header("Content-Length: " + unknown.length()),
                RawHttp.header("X-Note: ", 0xff, 'a', 0xfe)),
            unknown.getBytes(StandardCharsets.US_ASCII));

    assertRawError(cookieBytes, 401, "unauthorized");
    assertRawError(bearerBytes, 401, "unauthorized");
    assertRawError(originBytes, 403, "forbidden");
    assertRawError(loginBytes, 401, "unauthorized");
    assertThat(user.get(AUTH + "/me").status())
        .as("the refused logout changed nothing")
        .isEqualTo(200);
  }

  @Test
  void nonAsciiUserAgentBytesAreStoredAndShownWithoutHarm() {
    String username = newUsername("raw-agent");
    client().register(username, PASSWORD);
    String body = ApiClient.credentials(username, PASSWORD);
    RawHttp.Answer login =
        RawHttp.send(
            port,
            RawHttp.head(
                "POST " + AUTH + "/login HTTP/1.1",
                port,
                RawHttp.header("Content-Type: application/json"),
                RawHttp.header("Content-Length: " + body.length()),
                RawHttp.header("User-Agent: agent-", 0xc3, 0xa9, 0xff)),
            body.getBytes(StandardCharsets.US_ASCII));

    assertThat(login.status()).as(login.text()).isEqualTo(200);
    ApiClient other = client();
    other.loggedIn(username, PASSWORD);
    assertThat(other.get(AUTH + "/sessions").status()).isEqualTo(200);
    assertThat(other.get(AUTH + "/activity").status()).isEqualTo(200);
  }

  @Test
  void malformedRequestLinesAndHeaderNamesGetA4xx() {
    List<byte[]> heads =
        List.of(
            RawHttp.head(
                RawHttp.header(
                    "GET " + AUTH + "/me", 0xc3, 0xa9, ' ', 'H', 'T', 'T', 'P', '/', '1', '.', '1'),
                port),
            RawHttp.head("GET " + AUTH + "/sessions/a%00b HTTP/1.1", port),
            RawHttp.head(
                "GET " + AUTH + "/me HTTP/1.1", port, RawHttp.header("X-", 0xff, ':', ' ', 'v')),
            RawHttp.head("GET " + AUTH + "/me HTTP/1.1", port, RawHttp.header("Bad Header: v")),
            RawHttp.head(
                "GET " + AUTH + "/me HTTP/1.1",
                port,
                RawHttp.header("Cookie: access_token=a", 0x00, 'b')));
    for (byte[] head : heads) {
      RawHttp.Answer answer = RawHttp.send(port, head);
      assertThat(answer.status()).as(answer.text()).isBetween(400, 499);
      assertThat(answer.header("Content-Type"))
          .as(answer.text())
          .get()
          .asString()
          .startsWith("application/json");
      assertErrorBody(
          ApiClient.JSON.readTree(answer.body()),
          answer.status() == 401 ? "unauthorized" : "invalid_request");
    }
    // headers over the container's limit
    RawHttp.Answer huge =
        RawHttp.send(
            port,
            RawHttp.head(
                "GET " + AUTH + "/me HTTP/1.1",
                port,
                RawHttp.header("Cookie: access_token=" + "a".repeat(64 * 1024))));
    assertThat(huge.status()).as(huge.text()).isBetween(400, 499);
    assertErrorBody(ApiClient.JSON.readTree(huge.body()), "invalid_request");
  }

  private static void assertRawError(RawHttp.Answer answer, int status, String code) {
    assertThat(answer.status()).as(answer.text()).isEqualTo(status);
    assertThat(answer.header("Content-Type")).get().asString().startsWith("application/json");
    assertErrorBody(ApiClient.JSON.readTree(answer.body()), code);
  }

  /** The token is refused with 401 as a bearer token and as the cookie, on several endpoints. */
  private void assertRefused(String token) {
    ApiClient client = client();
    assertError(client.get(AUTH + "/me", "Authorization", "Bearer " + token), 401, "unauthorized");
    assertError(client.get(AUTH + "/me", "Cookie", "access_token=" + token), 401, "unauthorized");
    assertError(
        client.get(AUTH + "/sessions", "Authorization", "Bearer " + token), 401, "unauthorized");
    assertError(
        client.post(AUTH + "/logout-all", null, "Cookie", "access_token=" + token),
        401,
        "unauthorized");
    assertError(
        client.post(AUTH + "/refresh", null, "Cookie", "refresh_token=" + token),
        401,
        "unauthorized");
    assertError(
        client.post(
            AUTH + "/refresh",
            "{\"refresh_token\":" + ApiClient.JSON.writeValueAsString(token) + "}"),
        401,
        "unauthorized");
  }
}
