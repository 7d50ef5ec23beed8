package io.sessionkit.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.SessionStore;
import io.sessionkit.memory.InMemorySessionStore;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;

/**
 * The main flows once more without {@code REDIS_URL}, on the embedded in-memory store: the app must
 * be fully usable there too.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    classes = ExampleApplication.class,
    properties = {
      "sessionkit.redis.url=",
      "sessionkit.jwt.secret=" + ContractSupport.SECRET,
      "sessionkit.cookie.secure=false"
    })
@DirtiesContext
class ContractInMemoryIT extends ContractSupport {

  @Autowired SessionStore store;

  @Test
  void theAppRunsOnTheInMemoryStoreWithoutRedis() {
    assertThat(store).isInstanceOf(InMemorySessionStore.class);
  }

  @Test
  void registerLoginMeListRefreshLogoutAndLogoutAllWork() {
    String username = newUsername("memory");
    ApiClient laptop = client().userAgent("laptop");

    ApiClient.Reply registered = laptop.register(username, PASSWORD);
    assertThat(registered.status()).isEqualTo(201);
    assertThat(json(registered).get("user").get("username").asString()).isEqualTo(username);
    assertError(client().register(username.toUpperCase(Locale.ROOT), PASSWORD), 409, "conflict");

    ApiClient.Reply login = laptop.login(username, PASSWORD);
    assertThat(login.status()).isEqualTo(200);
    String laptopSession = json(login).get("session_id").asString();
    assertThat(login.setCookie("access_token").has("HttpOnly")).isTrue();
    assertThat(login.setCookie("refresh_token").has("Secure")).isFalse();
    assertError(client().login(username, "wrong-password"), 401, "unauthorized");

    JsonNode me = json(laptop.get(AUTH + "/me"));
    assertThat(me.get("session_id").asString()).isEqualTo(laptopSession);
    assertThat(me.get("user").get("username").asString()).isEqualTo(username);

    ApiClient phone = client().userAgent("phone");
    phone.loggedIn(username, PASSWORD);
    ApiClient tablet = client().userAgent("tablet");
    tablet.loggedIn(username, PASSWORD);
    JsonNode list = json(laptop.get(AUTH + "/sessions"));
    assertThat(list.get("active_sessions").asInt()).isEqualTo(3);
    // the sessions are not in Redis: the contract says false, and the store field says where
    assertThat(list.get("redis_available").asBoolean()).isFalse();
    assertThat(list.get("store").asString()).isEqualTo("memory");
    List<JsonNode> sessions = ContractIT.list(list.get("sessions"));
    assertThat(sessions)
        .extracting(s -> s.get("user_agent").asString())
        .containsExactly("tablet", "phone", "laptop");
    assertThat(sessions)
        .filteredOn(s -> s.get("current").asBoolean())
        .singleElement()
        .satisfies(s -> assertThat(s.get("session_id").asString()).isEqualTo(laptopSession));

    String before = accessToken(laptop);
    String previousRefresh = refreshToken(laptop);
    ApiClient.Reply refreshed = laptop.post(AUTH + "/refresh", null);
    assertThat(refreshed.status()).isEqualTo(200);
    assertThat(Tokens.payload(accessToken(laptop)).get("jti").asString())
        .isNotEqualTo(Tokens.payload(before).get("jti").asString());
    assertThat(Tokens.payload(accessToken(laptop)).get("sid").asString()).isEqualTo(laptopSession);
    assertThat(refreshToken(laptop)).isNotEqualTo(previousRefresh);
    ApiClient.Reply retry =
        client().post(AUTH + "/refresh", null, "Cookie", "refresh_token=" + previousRefresh);
    assertThat(retry.status()).isEqualTo(200);
    assertThat(retry.setCookie("refresh_token").value()).isEqualTo(refreshToken(laptop));
    assertThat(laptop.get(AUTH + "/me").status()).isEqualTo(200);

    String phoneToken = accessToken(phone);
    ApiClient.Reply logout = phone.post(AUTH + "/logout", null);
    assertThat(logout.status()).isEqualTo(200);
    assertThat(logout.setCookie("access_token").maxAge()).hasValue(0L);
    assertThat(logout.setCookie("refresh_token").maxAge()).hasValue(0L);
    assertError(
        client().get(AUTH + "/me", "Authorization", bearer(phoneToken)), 401, "unauthorized");
    assertThat(json(laptop.get(AUTH + "/sessions")).get("active_sessions").asInt()).isEqualTo(2);

    String tabletToken = accessToken(tablet);
    ApiClient.Reply all = laptop.post(AUTH + "/logout-all", null);
    assertThat(all.status()).isEqualTo(200);
    assertThat(json(all).get("message").asString())
        .isEqualTo("Successfully logged out from all sessions");
    assertThat(json(all).get("sessions_deleted").asInt()).isEqualTo(2);
    assertError(laptop.get(AUTH + "/me"), 401, "unauthorized");
    assertError(
        client().get(AUTH + "/me", "Authorization", bearer(tabletToken)), 401, "unauthorized");
  }

  @Test
  void sessionRevocationActivityAndTheftDetectionWork() {
    String username = newUsername("memory-activity");
    ApiClient laptop = client().userAgent("laptop");
    laptop.registerAndLogin(username, PASSWORD);
    client().login(username, "wrong-password");
    ApiClient phone = client().userAgent("phone");
    String phoneSession = json(phone.loggedIn(username, PASSWORD)).get("session_id").asString();
    assertThat(laptop.delete(AUTH + "/sessions/" + phoneSession).status()).isEqualTo(204);
    assertError(phone.get(AUTH + "/me"), 401, "unauthorized");
    String stolen = refreshToken(laptop);
    laptop.post(AUTH + "/refresh", null);
    laptop.post(AUTH + "/refresh", null);
    assertError(
        client().post(AUTH + "/refresh", null, "Cookie", "refresh_token=" + stolen),
        401,
        "unauthorized");
    assertError(laptop.get(AUTH + "/me"), 401, "unauthorized");
    ApiClient reader = client().userAgent("reader");
    reader.loggedIn(username, PASSWORD);
    reader.post(AUTH + "/logout", null);
    reader.loggedIn(username, PASSWORD);

    List<JsonNode> events = ContractIT.list(json(reader.get(AUTH + "/activity")).get("events"));

    assertThat(events)
        .extracting(e -> e.get("type").asString())
        .contains(
            "login",
            "login_failed",
            "logout",
            "session_revoked",
            "new_device_login",
            "refresh_reuse_detected");
    assertThat(events)
        .extracting(e -> e.get("at").asString())
        .isSortedAccordingTo(
            (a, b) -> java.time.Instant.parse(b).compareTo(java.time.Instant.parse(a)));
  }
}
