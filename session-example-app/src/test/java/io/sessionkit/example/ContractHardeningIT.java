package io.sessionkit.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.testing.RawHttp;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The app's own hardening over real HTTP: the browser security headers on every answer, whoever
 * answers it, registrations limited per address, and the refresh endpoint closed to cross-site
 * forms. On the in-memory store, behind a trusted proxy on loopback, so that each test can speak
 * from an address of its own through {@code X-Forwarded-For}.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    classes = ExampleApplication.class,
    properties = {
      "sessionkit.redis.url=",
      "sessionkit.jwt.secret=" + ContractSupport.SECRET,
      "sessionkit.cookie.secure=false",
      "sessionkit.trusted-proxies=127.0.0.1",
      "example.registration.max-per-address=3"
    })
@DirtiesContext
class ContractHardeningIT extends ContractSupport {

  private static final String FORWARDED_FOR = "X-Forwarded-For";

  // --- security headers ---

  @Test
  void everyAnswerCarriesTheSecurityHeaders() {
    ApiClient user = client();
    String username = newUsername("headers");
    assertThat(register(username, "198.51.100.10").status()).isEqualTo(201);
    user.loggedIn(username, PASSWORD);

    Map<String, Function<String, Optional<String>>> answers = new LinkedHashMap<>();
    answers.put("the page", header(client().get("/")));
    answers.put("its script", header(client().get("/app.js")));
    answers.put("an API answer", header(user.get(AUTH + "/me")));
    answers.put("the filter's 401", header(client().get(AUTH + "/me")));
    answers.put("the cross-site 403", header(user.post(AUTH + "/logout", "", "Origin", "null")));
    answers.put("MVC's 404", header(user.get("/api/v1/no-such-endpoint")));
    answers.put(
        "the body limit's 413",
        header(client().post(AUTH + "/login", "x".repeat(BodyLimitFilter.MAX_BODY_BYTES + 1))));
    RawHttp.Answer containerError =
        RawHttp.send(port, "GET /api/%00 HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    assertThat(containerError.status()).isEqualTo(400);
    answers.put("Tomcat's own 400", containerError::header);

    answers.forEach(
        (what, headers) -> {
          assertThat(headers.apply("Content-Security-Policy"))
              .as(what)
              .hasValue(SecurityHeaders.CONTENT_SECURITY_POLICY);
          assertThat(headers.apply("X-Content-Type-Options")).as(what).hasValue("nosniff");
          assertThat(headers.apply("X-Frame-Options")).as(what).hasValue("DENY");
          assertThat(headers.apply("Referrer-Policy")).as(what).hasValue("same-origin");
        });
  }

  @Test
  void thePagePolicyAllowsOnlyItsOwnOriginAndNoFraming() {
    assertThat(SecurityHeaders.CONTENT_SECURITY_POLICY)
        .contains("default-src 'none'")
        .contains("script-src 'self'")
        .contains("frame-ancestors 'none'")
        .doesNotContain("unsafe-inline")
        .doesNotContain("unsafe-eval")
        .doesNotContain("*");
    // the page must not need more than the policy gives: no inline script or style in it
    String page = client().get("/").body();
    assertThat(page).doesNotContain("<script>").doesNotContain("style=").doesNotContain("<style");
  }

  // --- registration ---

  @Test
  void registrationsFromOneAddressAreLimitedAndAnsweredWith429() {
    String address = "203.0.113.70";
    String first = newUsername("limited");
    assertThat(register(first, address).status()).isEqualTo(201);
    assertThat(register(newUsername("limited"), address).status()).isEqualTo(201);
    // a refused registration counts too: probing which names are taken is limited alike
    assertError(register(first, address), 409, "conflict");

    ApiClient.Reply limited = register(newUsername("limited"), address);

    assertError(limited, 429, "too_many_requests");
    assertThat(limited.header("Retry-After")).get().asString().matches("[1-9][0-9]*");
    // another address may still register, and the limited address may still log in
    assertThat(register(newUsername("limited"), "203.0.113.71").status()).isEqualTo(201);
    assertThat(
            client()
                .post(
                    AUTH + "/login", ApiClient.credentials(first, PASSWORD), FORWARDED_FOR, address)
                .status())
        .isEqualTo(200);
  }

  // --- refresh ---

  @Test
  void crossSiteFormCannotRefreshIntoTheAttackersSession() {
    // issue 9, finding 3, against the app: a text/plain form on another site, carrying the
    // attacker's refresh token, got 200 and Set-Cookie of the attacker's session
    String attacker = newUsername("attacker");
    assertThat(register(attacker, "198.51.100.20").status()).isEqualTo(201);
    ApiClient attackerClient = client();
    attackerClient.loggedIn(attacker, PASSWORD);
    byte[] body =
        ("{\"refresh_token\":\"" + refreshToken(attackerClient) + "\"}")
            .getBytes(StandardCharsets.US_ASCII);

    RawHttp.Answer answer =
        RawHttp.send(
            port,
            RawHttp.head(
                "POST " + AUTH + "/refresh HTTP/1.1",
                port,
                RawHttp.header("Origin: https://evil.example"),
                RawHttp.header("Sec-Fetch-Site: cross-site"),
                RawHttp.header("Content-Type: text/plain"),
                RawHttp.header("Content-Length: " + body.length)),
            body);

    assertThat(answer.status()).isEqualTo(403);
    assertThat(answer.header("Set-Cookie")).isEmpty();
  }

  private ApiClient.Reply register(String username, String address) {
    return client()
        .post(
            AUTH + "/register", ApiClient.credentials(username, PASSWORD), FORWARDED_FOR, address);
  }

  private static Function<String, Optional<String>> header(ApiClient.Reply reply) {
    return reply::header;
  }
}
