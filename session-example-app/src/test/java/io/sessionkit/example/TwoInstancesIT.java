package io.sessionkit.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.api.sync.RedisCommands;
import io.sessionkit.testing.Await;
import io.sessionkit.testing.RedisExtension;
import io.sessionkit.testing.TcpProxy;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Two instances of the app on one Redis, over real HTTP, form one deployment: an account made on
 * one logs in on the other, a session made on one works on the other, and what one instance ends
 * the other refuses on its very next request. Two Spring contexts in this JVM, each with its own
 * web server, session store and account connection; only Redis is shared.
 */
class TwoInstancesIT {

  static final String ADMIN = "two-admin";
  static final String ADMIN_PASSWORD = "admin-password-2";
  static final String AUTH = ContractSupport.AUTH;
  static final String PASSWORD = ContractSupport.PASSWORD;

  @RegisterExtension static final RedisExtension REDIS = RedisExtension.privateServer();

  private static ConfigurableApplicationContext instanceA;
  private static ConfigurableApplicationContext instanceB;

  @BeforeAll
  static void startTwoInstances() {
    instanceA = start(ADMIN);
    instanceB = start(ADMIN);
  }

  @AfterAll
  static void stopInstances() {
    for (ConfigurableApplicationContext instance :
        new ConfigurableApplicationContext[] {instanceA, instanceB}) {
      if (instance != null) {
        instance.close();
      }
    }
    ContractSupport.closeOperatorConnection();
  }

  /** An instance on the class's Redis, configured to create the admin account {@code admin}. */
  static ConfigurableApplicationContext start(String admin) {
    return start(admin, REDIS.uri());
  }

  static ConfigurableApplicationContext start(String admin, String redisUri) {
    return new SpringApplicationBuilder(ExampleApplication.class)
        .run(
            "--server.port=0",
            "--sessionkit.redis.url=" + redisUri,
            "--sessionkit.jwt.secret=" + ContractSupport.SECRET,
            "--sessionkit.cookie.secure=false",
            "--example.admin.username=" + admin,
            "--example.admin.password=" + ADMIN_PASSWORD);
  }

  static ApiClient onA() {
    return ApiClient.on(port(instanceA));
  }

  static ApiClient onB() {
    return ApiClient.on(port(instanceB));
  }

  static int port(ConfigurableApplicationContext instance) {
    return ((WebServerApplicationContext) instance).getWebServer().getPort();
  }

  /** A client of the given instance that carries {@code client}'s access-token cookie. */
  static ApiClient sameCookie(ApiClient client, ApiClient target) {
    target.setCookie("access_token", ContractSupport.accessToken(client));
    return target;
  }

  @Test
  void anAccountRegisteredOnOneInstanceLogsInOnTheOther() {
    String username = ContractSupport.newUsername("a-to-b");
    ApiClient.Reply registered = onA().register(username, PASSWORD);
    assertThat(registered.status()).isEqualTo(201);
    String id = json(registered).get("user").get("id").asString();

    ApiClient onB = onB();
    JsonNode login = json(onB.loggedIn(username, PASSWORD));

    assertThat(login.get("user").get("id").asString()).isEqualTo(id);
    JsonNode me = json(onB.get(AUTH + "/me"));
    assertThat(me.get("user").get("username").asString()).isEqualTo(username);
    assertThat(me.get("user").get("id").asString()).isEqualTo(id);
    ContractSupport.assertError(
        onB().register(username.toUpperCase(Locale.ROOT), PASSWORD), 409, "conflict");
    ContractSupport.assertError(onB().login(username, "wrong-password"), 401, "unauthorized");
  }

  @Test
  void aSessionMadeOnOneInstanceAuthenticatesOnTheOther() {
    String username = ContractSupport.newUsername("session-a");
    ApiClient laptop = onA().userAgent("laptop");
    String sessionId =
        json(laptop.registerAndLogin(username, PASSWORD)).get("session_id").asString();

    ApiClient.Reply me = sameCookie(laptop, onB()).get(AUTH + "/me");

    assertThat(me.status()).as("%s", me).isEqualTo(200);
    assertThat(json(me).get("session_id").asString()).isEqualTo(sessionId);
    assertThat(json(me).get("user").get("username").asString()).isEqualTo(username);
  }

  @Test
  void aDeviceRevokedOnOneInstanceIsRefusedByTheOtherOnItsNextRequest() {
    String username = ContractSupport.newUsername("revoke-a");
    ApiClient laptop = onA().userAgent("laptop");
    laptop.registerAndLogin(username, PASSWORD);
    ApiClient phone = onA().userAgent("phone");
    String phoneSession = json(phone.loggedIn(username, PASSWORD)).get("session_id").asString();
    ApiClient phoneOnB = sameCookie(phone, onB());
    assertThat(phoneOnB.get(AUTH + "/me").status()).isEqualTo(200);

    assertThat(laptop.delete(AUTH + "/sessions/" + phoneSession).status()).isEqualTo(204);

    ContractSupport.assertError(phoneOnB.get(AUTH + "/me"), 401, "unauthorized");
    assertThat(sameCookie(laptop, onB()).get(AUTH + "/me").status()).isEqualTo(200);
  }

  @Test
  void logoutEverywhereOnOneInstanceEndsTheSessionsMadeOnTheOther() {
    String username = ContractSupport.newUsername("everywhere");
    ApiClient laptop = onA().userAgent("laptop");
    laptop.registerAndLogin(username, PASSWORD);
    ApiClient phone = onA().userAgent("phone");
    phone.loggedIn(username, PASSWORD);
    ApiClient tablet = onB().userAgent("tablet");
    tablet.loggedIn(username, PASSWORD);
    assertThat(laptop.get(AUTH + "/me").status()).isEqualTo(200);

    ApiClient.Reply all = tablet.post(AUTH + "/logout-all", null);

    assertThat(all.status()).isEqualTo(200);
    assertThat(json(all).get("sessions_deleted").asInt()).isEqualTo(3);
    ContractSupport.assertError(laptop.get(AUTH + "/me"), 401, "unauthorized");
    ContractSupport.assertError(phone.get(AUTH + "/me"), 401, "unauthorized");
  }

  @Test
  void bothInstancesListTheSameDevices() {
    String username = ContractSupport.newUsername("devices");
    ApiClient laptop = onA().userAgent("laptop");
    String laptopSession =
        json(laptop.registerAndLogin(username, PASSWORD)).get("session_id").asString();
    ApiClient phone = onB().userAgent("phone");
    String phoneSession = json(phone.loggedIn(username, PASSWORD)).get("session_id").asString();

    List<String> onA = devices(laptop.get(AUTH + "/sessions"));
    List<String> onB = devices(sameCookie(laptop, onB()).get(AUTH + "/sessions"));

    assertThat(onA)
        .containsExactly(
            phoneSession + " phone current=false", laptopSession + " laptop current=true");
    assertThat(onB).isEqualTo(onA);
    assertThat(devices(phone.get(AUTH + "/sessions")))
        .containsExactly(
            phoneSession + " phone current=true", laptopSession + " laptop current=false");
  }

  @Test
  void registeringOneUsernameOnBothInstancesAtOnceCreatesOneAccount() throws Exception {
    RedisCommands<String, String> redis = ContractSupport.cli(REDIS);
    ExecutorService both = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 20; round++) {
        String username = ContractSupport.newUsername("race");
        CyclicBarrier together = new CyclicBarrier(2);
        Future<ApiClient.Reply> onA =
            both.submit(() -> registerWhenBothAreReady(onA(), username, "password-of-a", together));
        Future<ApiClient.Reply> onB =
            both.submit(() -> registerWhenBothAreReady(onB(), username, "password-of-b", together));
        int a = onA.get(30, TimeUnit.SECONDS).status();
        int b = onB.get(30, TimeUnit.SECONDS).status();

        assertThat(List.of(a, b)).as("round %s", round).containsExactlyInAnyOrder(201, 409);
        String winner = a == 201 ? "password-of-a" : "password-of-b";
        String loser = a == 201 ? "password-of-b" : "password-of-a";
        assertThat(onA().login(username, winner).status()).isEqualTo(200);
        assertThat(onB().login(username, winner).status()).isEqualTo(200);
        assertThat(onA().login(username, loser).status()).isEqualTo(401);
        assertThat(onB().login(username, loser).status()).isEqualTo(401);
        String id = json(redis, RedisAccountStore.nameKey(username)).get("id").asString();
        assertThat(
                ContractIT.scan(redis, "account:id:*").stream()
                    .filter(key -> username.toLowerCase(Locale.ROOT).equals(redis.get(key))))
            .as("id keys of %s", username)
            .containsExactly(RedisAccountStore.idKey(id));
      }
    } finally {
      both.shutdownNow();
    }
  }

  @Test
  void theAdminAccountIsCreatedOnceWhicheverInstanceStartsFirst() {
    RedisCommands<String, String> redis = ContractSupport.cli(REDIS);
    String id = json(redis, RedisAccountStore.nameKey(ADMIN)).get("id").asString();
    assertThat(
            ContractIT.scan(redis, "account:id:*").stream()
                .filter(key -> ADMIN.equals(redis.get(key))))
        .containsExactly(RedisAccountStore.idKey(id));

    for (ApiClient admin : List.of(onA(), onB())) {
      admin.loggedIn(ADMIN, ADMIN_PASSWORD);
      JsonNode me = json(admin.get(AUTH + "/me")).get("user");
      assertThat(me.get("id").asString()).isEqualTo(id);
      assertThat(ContractIT.list(me.get("roles"))).extracting(JsonNode::asString).contains("ADMIN");
    }
  }

  @Test
  void anInstanceStartedWhileRedisIsUnreachableCreatesTheAdminOnceItAnswers() {
    RedisCommands<String, String> redis = ContractSupport.cli(REDIS);
    String lateAdmin = ContractSupport.newUsername("late-admin");
    try (TcpProxy proxy = TcpProxy.start(REDIS.server().port())) {
      proxy.drop();
      try (ConfigurableApplicationContext late = start(lateAdmin, proxy.uri())) {
        assertThat(redis.get(RedisAccountStore.nameKey(lateAdmin))).isNull();

        proxy.pass();

        Await.atMost(Duration.ofSeconds(10))
            .until(
                "the admin account in Redis",
                () -> redis.get(RedisAccountStore.nameKey(lateAdmin)) != null);
        ApiClient admin = ApiClient.on(port(late));
        admin.loggedIn(lateAdmin, ADMIN_PASSWORD);
        assertThat(admin.get("/api/v1/admin/users/" + lateAdmin + "/sessions").status())
            .isEqualTo(200);
      }
    }
  }

  @Test
  void anInstanceWhoseAdminUsernameBelongsToAnOrdinaryAccountDoesNotStart() {
    String taken = ContractSupport.newUsername("not-admin");
    assertThat(onA().register(taken, PASSWORD).status()).isEqualTo(201);

    assertThatThrownBy(() -> start(taken).close())
        .hasStackTraceContaining("belongs to an account without the ADMIN role");
  }

  @Test
  void anAccountIsStoredWithItsPasswordHashOnlyAndWithoutATtl() {
    RedisCommands<String, String> redis = ContractSupport.cli(REDIS);
    String username = ContractSupport.newUsername("Stored.User");
    String id = json(onB().register(username, PASSWORD)).get("user").get("id").asString();

    String nameKey = "account:name:" + username.toLowerCase(Locale.ROOT);
    JsonNode stored = json(redis, nameKey);
    assertThat(ContractSupport.fieldNames(stored))
        .containsExactlyInAnyOrder("id", "username", "password_hash", "roles");
    assertThat(stored.get("id").asString()).isEqualTo(id);
    assertThat(stored.get("username").asString()).isEqualTo(username);
    assertThat(stored.get("password_hash").asString()).startsWith("$2a$10$");
    assertThat(redis.get(nameKey)).doesNotContain(PASSWORD);
    assertThat(redis.get("account:id:" + id)).isEqualTo(username.toLowerCase(Locale.ROOT));
    assertThat(redis.pttl(nameKey)).as("TTL of %s", nameKey).isEqualTo(-1L);
    assertThat(redis.pttl("account:id:" + id)).isEqualTo(-1L);
  }

  private static ApiClient.Reply registerWhenBothAreReady(
      ApiClient client, String username, String password, CyclicBarrier together) throws Exception {
    together.await(30, TimeUnit.SECONDS);
    return client.register(username, password);
  }

  private static List<String> devices(ApiClient.Reply list) {
    assertThat(list.status()).as("%s", list).isEqualTo(200);
    return ContractIT.list(json(list).get("sessions")).stream()
        .map(
            s ->
                s.get("session_id").asString()
                    + " "
                    + s.get("user_agent").asString()
                    + " current="
                    + s.get("current").asBoolean())
        .toList();
  }

  private static JsonNode json(ApiClient.Reply reply) {
    return ContractSupport.json(reply);
  }

  private static JsonNode json(RedisCommands<String, String> redis, String key) {
    String value = redis.get(key);
    assertThat(value).as("value of %s", key).isNotNull();
    return ApiClient.JSON.readTree(value);
  }
}
