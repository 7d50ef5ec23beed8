package io.sessionkit.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.sessionkit.testing.RedisExtension;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * What the contract test classes share: the app's port, clients, fresh usernames and the checks
 * that every answer of a kind must pass. Each subclass is one configuration of the app, with its
 * own Spring context.
 */
abstract class ContractSupport {

  /** An HS256 secret of more than 32 bytes, known to the tests so that they can forge tokens. */
  static final String SECRET = "contract-tests-hs256-secret-0123456789abcdef";

  static final String PASSWORD = "correct-horse-battery";

  static final String AUTH = "/api/v1/auth";

  private static final AtomicInteger USERS = new AtomicInteger();

  private static RedisClient operatorClient;
  private static StatefulRedisConnection<String, String> operator;

  @LocalServerPort int port;

  /** A new client with an empty cookie jar. */
  ApiClient client() {
    return ApiClient.on(port);
  }

  /**
   * What {@code redis-cli} would do against the class's Redis: synchronous commands on a connection
   * of the test's own, closed after the class.
   */
  static synchronized RedisCommands<String, String> cli(RedisExtension redis) {
    if (operator == null) {
      operatorClient = RedisClient.create(redis.uri());
      operator = operatorClient.connect();
    }
    return operator.sync();
  }

  // After-all methods run before the class's private Redis stops.
  @AfterAll
  static synchronized void closeOperatorConnection() {
    if (operator != null) {
      operator.close();
      operatorClient.shutdown();
      operator = null;
      operatorClient = null;
    }
  }

  /** The body as JSON; fails the test when it is not JSON. */
  static JsonNode json(ApiClient.Reply reply) {
    try {
      return ApiClient.JSON.readTree(reply.body());
    } catch (RuntimeException e) {
      throw new AssertionError("not JSON (status " + reply.status() + "): " + reply.body(), e);
    }
  }

  /** A username no other test uses, valid by the contract's rule. */
  static String newUsername(String hint) {
    return hint
        + "-"
        + USERS.incrementAndGet()
        + "_"
        + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36);
  }

  /** A client logged in as a newly registered user. */
  ApiClient loggedInAs(String username) {
    ApiClient client = client();
    client.registerAndLogin(username, PASSWORD);
    return client;
  }

  /**
   * Checks the contract's error answer: this status, a JSON body of exactly {@code error} (this
   * code) and a non-empty {@code message}.
   */
  static JsonNode assertError(ApiClient.Reply reply, int status, String code) {
    assertThat(reply.status()).as("status of %s", reply).isEqualTo(status);
    assertErrorBody(json(reply), code);
    assertThat(reply.header("Content-Type")).get().asString().startsWith("application/json");
    return json(reply);
  }

  static void assertErrorBody(JsonNode body, String code) {
    assertThat(fieldNames(body))
        .as("error body %s", body)
        .containsExactlyInAnyOrder("error", "message");
    assertThat(body.get("error").asString()).as("error code in %s", body).isEqualTo(code);
    assertThat(body.get("message").isString()).isTrue();
    assertThat(body.get("message").asString()).isNotBlank();
  }

  static Set<String> fieldNames(JsonNode node) {
    return Set.copyOf(node.propertyNames());
  }

  /** The access token the client holds in its cookie jar. */
  static String accessToken(ApiClient client) {
    return client
        .cookie("access_token")
        .orElseThrow(() -> new AssertionError("no access_token cookie"));
  }

  static String refreshToken(ApiClient client) {
    return client
        .cookie("refresh_token")
        .orElseThrow(() -> new AssertionError("no refresh_token cookie"));
  }

  /**
   * The {@code Path} a cookie is written and cleared with: the refresh cookie is scoped to the
   * refresh endpoint, so the browser sends the long-lived token nowhere else.
   */
  static String cookiePath(String cookieName) {
    return cookieName.equals("refresh_token") ? AUTH + "/refresh" : "/";
  }

  static String bearer(String token) {
    return "Bearer " + token;
  }
}
