package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.AuthenticationResult;
import io.sessionkit.ClientInfo;
import io.sessionkit.Login;
import io.sessionkit.Refresh;
import io.sessionkit.SessionEnd;
import io.sessionkit.SessionManager;
import io.sessionkit.jwt.JwtTokenService;
import io.sessionkit.jwt.SigningKey;
import io.sessionkit.testing.Await;
import io.sessionkit.testing.RedisServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two instances on one Redis: what one ends, the other refuses while Redis is unreachable, having
 * heard of it through the store's notices.
 */
class SessionEndsAcrossInstancesIT {

  private static final SigningKey KEY =
      SigningKey.hmacSha256("k1", "0123456789abcdef0123456789abcdef");
  private static final ClientInfo LAPTOP = new ClientInfo("198.51.100.1", "Firefox");
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private RedisServer redis;
  private RedisSessionStore storeA;
  private RedisSessionStore storeB;
  private SessionManager instanceA;
  private SessionManager instanceB;

  @BeforeEach
  void start() {
    redis = RedisServer.startLocal();
    storeA = store();
    storeB = store();
    instanceA = manager(storeA);
    instanceB = manager(storeB);
  }

  private RedisSessionStore store() {
    return RedisSessionStore.builder()
        .uri(redis.uri())
        .commandTimeout(Duration.ofMillis(250))
        .failureThreshold(1)
        .probeInterval(Duration.ofMillis(100))
        .build();
  }

  private static SessionManager manager(RedisSessionStore store) {
    return SessionManager.builder()
        .store(store)
        .tokenService(JwtTokenService.builder().signingKey(KEY).build())
        .build();
  }

  @AfterEach
  void stop() {
    instanceA.close();
    instanceB.close();
    storeA.close();
    storeB.close();
    redis.close();
  }

  @Test
  void theStoreTellsEveryInstanceOfEachKindOfEnd() throws Exception {
    List<SessionEnd> heard = new CopyOnWriteArrayList<>();
    try (AutoCloseable subscription = storeA.onEnds(heard::add)) {
      awaitSubscribed(storeA);
      Login loggedOut = instanceB.login("u1", Set.of(), LAPTOP);
      Login stolen = instanceB.login("u2", Set.of(), LAPTOP);
      instanceB.logout(loggedOut.session().id(), LAPTOP);
      Refresh rotated = instanceB.refresh(stolen.refreshToken().value(), LAPTOP);
      instanceB.refresh(rotated.refreshToken().orElseThrow().value(), LAPTOP);
      instanceB.refresh(stolen.refreshToken().value(), LAPTOP);
      Instant before = Instant.now().minusSeconds(1);
      instanceB.logoutAll("u3", LAPTOP);

      await(() -> heard.size() >= 3, "three notices heard, got " + heard);
      assertThat(heard)
          .contains(
              SessionEnd.ofSession(loggedOut.session().id()),
              SessionEnd.ofSession(stolen.session().id()));
      assertThat(heard)
          .anySatisfy(
              end -> {
                assertThat(end.userId()).contains("u3");
                assertThat(end.asOf().orElseThrow()).isAfter(before);
              });
    }
  }

  @Test
  void aLogoutOnAnotherInstanceIsRefusedHereWhileRedisIsUnreachable() throws Exception {
    Login login = instanceA.login("alice", Set.of(), LAPTOP);
    assertThat(instanceA.authenticate(login.accessToken().value()).isAuthenticated()).isTrue();
    Login kept = instanceA.login("alice", Set.of(), LAPTOP);

    instanceB.logout(login.session().id(), LAPTOP);

    // instance A never asks Redis about that session again before the outage
    awaitRefusedDuringAnOutage(login);
    redis.pause();
    try {
      assertThat(instanceA.refresh(login.refreshToken().value(), LAPTOP).status())
          .isEqualTo(Refresh.Status.SESSION_ENDED);
      AuthenticationResult stillLive = instanceA.authenticate(kept.accessToken().value());
      assertThat(stillLive.isAuthenticated()).isTrue();
      assertThat(stillLive.withoutStore()).isTrue();
    } finally {
      redis.resume();
    }
  }

  @Test
  void aLogoutEverywhereOnAnotherInstanceIsRefusedHereWhileRedisIsUnreachable() throws Exception {
    Login laptop = instanceA.login("bob", Set.of(), LAPTOP);
    Login other = instanceA.login("carol", Set.of(), LAPTOP);

    instanceB.logoutAll("bob", LAPTOP);

    awaitRefusedDuringAnOutage(laptop);
    redis.pause();
    try {
      assertThat(instanceA.refresh(laptop.refreshToken().value(), LAPTOP).status())
          .isEqualTo(Refresh.Status.SESSION_ENDED);
      assertThat(instanceA.authenticate(other.accessToken().value()).isAuthenticated()).isTrue();
    } finally {
      redis.resume();
    }
  }

  // The notice travels on its own connection: poll, each time with Redis paused, until instance A
  // answers from what it heard.
  private void awaitRefusedDuringAnOutage(Login login) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      redis.pause();
      AuthenticationResult answer;
      try {
        answer = instanceA.authenticate(login.accessToken().value());
      } finally {
        redis.resume();
      }
      if (answer.status() == AuthenticationResult.Status.SESSION_ENDED) {
        return;
      }
      assertThat(answer.withoutStore()).as("answered without Redis").isTrue();
      assertThat(System.nanoTime() - deadline).as("heard within %s", DEADLINE).isNegative();
      Thread.sleep(50);
    }
  }

  private static void awaitSubscribed(RedisSessionStore store) throws Exception {
    // a notice published before the subscription is active is lost: wait for it to be active
    await(
        () ->
            store
                    .backend()
                    .call(
                        c -> c.pubsubNumsub("sessionkit-ends").getOrDefault("sessionkit-ends", 0L))
                > 0,
        "subscribed");
  }

  private static void await(Supplier<Boolean> condition, String what) {
    Await.atMost(DEADLINE).until(what, condition::get);
  }

  @Test
  void noticesThatAreNotOursAreIgnored() {
    assertThat(RedisSessionStore.parseEnd("hello")).isEmpty();
    assertThat(RedisSessionStore.parseEnd("s not-an-id")).isEmpty();
    assertThat(RedisSessionStore.parseEnd("u x alice")).isEmpty();
    assertThat(RedisSessionStore.parseEnd("u 1700000000000 alice smith"))
        .contains(SessionEnd.ofUser("alice smith", Instant.ofEpochMilli(1_700_000_000_000L)));
    assertThat(RedisSessionStore.parseEnd("u 1700000000000")).isEqualTo(Optional.empty());
  }
}
