package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.sessionkit.AuthenticationResult;
import io.sessionkit.ClientInfo;
import io.sessionkit.FallbackMode;
import io.sessionkit.Login;
import io.sessionkit.Refresh;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.jwt.JwtTokenService;
import io.sessionkit.jwt.SigningKey;
import io.sessionkit.testing.MutableClock;
import io.sessionkit.testing.RedisServer;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the outage record of the JWT-only fallback promises ("an outage neither undoes a logout nor
 * forgets a login"; "until the record is written, this instance keeps honouring it: [...] an ended
 * one stays ended"), under real Redis faults that {@link RedisOutageIT} does not time: a write of
 * the record whose answer is lost, and requests between Redis coming back and the record being
 * written.
 *
 * <p>The manager's own writer is set to a reconcile interval of an hour, so that the test decides
 * when the record is written ({@link SessionManager#writeOutageRecord()}).
 */
class RedisOutageRecordIT {

  private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(300);
  private static final Duration DEADLINE = Duration.ofSeconds(5);
  private static final SigningKey KEY =
      SigningKey.hmacSha256("k1", "outage-test-key-0123456789abcdef0123456789");
  private static final ClientInfo LAPTOP = new ClientInfo("198.51.100.1", "Firefox on Linux");
  private static final ClientInfo PHONE = new ClientInfo("198.51.100.2", "Safari on iOS");

  private final String user = "user-" + Long.toString(System.nanoTime(), 36);
  // Real time passes as well (Redis and the breaker run on it); this clock only lets a test step
  // past a whole second, the resolution of a token's issue time, without sleeping.
  private final MutableClock clock = MutableClock.atNow();
  private RedisServer redis;
  private RedisSessionStore store;
  private SessionManager manager;
  private SessionManager otherInstance;
  private RedisClient inspector;
  private StatefulRedisConnection<String, String> inspection;

  @BeforeEach
  void start() {
    redis = RedisServer.startLocal();
    JwtTokenService tokens = JwtTokenService.builder().signingKey(KEY).clock(clock).build();
    store =
        RedisSessionStore.builder()
            .uri(redis.uri())
            .clock(clock)
            .commandTimeout(COMMAND_TIMEOUT)
            .failureThreshold(2)
            .probeInterval(Duration.ofMillis(100))
            .build();
    manager =
        SessionManager.builder()
            .store(store)
            .tokenService(tokens)
            .clock(clock)
            .fallbackMode(FallbackMode.JWT_ONLY)
            .reconcileInterval(Duration.ofHours(1))
            .build();
    // another instance of the service, on the same Redis: it saw nothing of the outage
    otherInstance = SessionManager.builder().store(store).tokenService(tokens).clock(clock).build();
    RedisURI uri = RedisURI.create(redis.uri());
    uri.setTimeout(Duration.ofSeconds(2));
    inspector = RedisClient.create(uri);
    inspection = inspector.connect();
  }

  @AfterEach
  void closeEverything() {
    inspection.close();
    inspector.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    otherInstance.close();
    manager.close();
    store.close();
    redis.close();
  }

  /**
   * A write of a session created during the outage can time out after Redis applied it (here Redis
   * holds writes back for longer than the command timeout, as a failover's {@code CLIENT PAUSE
   * WRITE} does). The session is then in Redis although the record still counts it as "never
   * reached the store", so a logout before the next write only forgets it locally.
   */
  @Test
  void aSessionLoggedOutAfterItsWriteToRedisTimedOutStaysLoggedOutEverywhere() {
    Login earlier = manager.login(user, Set.of("USER"), LAPTOP);
    redis.pause();
    tripTheBreaker(earlier);
    Login during = manager.login(user, Set.of("USER"), PHONE);
    redis.resume();
    awaitRedisAnswers();

    pauseWrites();
    assertThat(manager.writeOutageRecord()).as("the write of the session timed out").isFalse();
    assertThat(manager.logout(during.session().id(), PHONE)).isTrue();
    unpauseWrites();
    assertThat(manager.writeOutageRecord()).isTrue();
    assertThat(manager.hasUnwrittenChanges()).isFalse();

    // Commands on one connection run in order: when this answers, Redis has run the held write.
    SoftAssertions.assertSoftly(
        softly -> {
          softly
              .assertThat(store.find(during.session().id()))
              .as("the logged-out session in Redis")
              .isEmpty();
          softly
              .assertThat(otherInstance.authenticate(during.accessToken().value()).status())
              .as("its access token on another instance")
              .isEqualTo(AuthenticationResult.Status.SESSION_ENDED);
          softly
              .assertThat(manager.refresh(during.refreshToken().value(), PHONE).status())
              .as("a refresh with its refresh token")
              .isEqualTo(Refresh.Status.SESSION_ENDED);
        });
  }

  /**
   * A logout-all during the outage refuses the user's tokens, but a refresh token of the user's
   * earlier sessions is still exchanged for new tokens (the instance remembers those sessions for
   * refreshing), and an access token issued a second or more after the logout-all is not refused:
   * whoever holds the refresh token (the reason to log out everywhere) keeps access for as long as
   * the outage lasts.
   */
  @Test
  void aRefreshTokenOfAUserLoggedOutEverywhereDuringAnOutageGetsNoNewTokens() {
    Login stolen = manager.login(user, Set.of("USER"), LAPTOP);
    redis.pause();
    tripTheBreaker(stolen);

    assertThat(manager.logoutAll(user, PHONE)).isZero();
    assertThat(manager.authenticate(stolen.accessToken().value()).status())
        .isEqualTo(AuthenticationResult.Status.SESSION_ENDED);
    clock.advance(Duration.ofSeconds(2));
    Optional<Refresh> refreshed = refreshUnlessUnavailable(stolen);

    SoftAssertions.assertSoftly(
        softly -> {
          softly
              .assertThat(refreshed.map(Refresh::status))
              .as("a refresh with the refresh token of a session ended by the logout-all")
              .isNotEqualTo(Optional.of(Refresh.Status.REFRESHED));
          refreshed
              .flatMap(Refresh::accessToken)
              .ifPresent(
                  token ->
                      softly
                          .assertThat(manager.authenticate(token.value()).status())
                          .as("the access token that refresh issued")
                          .isEqualTo(AuthenticationResult.Status.SESSION_ENDED));
        });
  }

  /**
   * Between Redis coming back and the record being written (up to a reconcile interval, or longer
   * while writes fail), a session logged out during the outage is still live in Redis; a refresh
   * asks Redis without consulting the record, and gets new tokens.
   */
  @Test
  void aSessionLoggedOutDuringAnOutageCannotBeRefreshedBeforeTheRecordIsWritten() {
    Login loggedOut = manager.login(user, Set.of("USER"), LAPTOP);
    redis.pause();
    tripTheBreaker(loggedOut);
    assertThat(manager.logout(loggedOut.session().id(), LAPTOP)).isTrue();
    redis.resume();
    awaitRedisAnswers();
    assertThat(manager.hasUnwrittenChanges()).isTrue();

    Optional<Refresh> refreshed = refreshUnlessUnavailable(loggedOut);

    SoftAssertions.assertSoftly(
        softly -> {
          softly
              .assertThat(refreshed.map(Refresh::status))
              .as("a refresh of the logged-out session before the record is written")
              .isNotEqualTo(Optional.of(Refresh.Status.REFRESHED));
          refreshed
              .flatMap(Refresh::accessToken)
              .ifPresent(
                  token ->
                      softly
                          .assertThat(otherInstance.authenticate(token.value()).status())
                          .as("the access token that refresh issued, on another instance")
                          .isEqualTo(AuthenticationResult.Status.SESSION_ENDED));
        });
  }

  /** Empty when the manager answers that the store is unavailable, which gives out no tokens. */
  private Optional<Refresh> refreshUnlessUnavailable(Login login) {
    try {
      return Optional.of(manager.refresh(login.refreshToken().value(), LAPTOP));
    } catch (SessionStoreUnavailableException e) {
      return Optional.empty();
    }
  }

  /** Authenticates until two answers came without Redis: then the breaker is open. */
  private void tripTheBreaker(Login login) {
    int withoutRedis = 0;
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (withoutRedis < 2) {
      assertThat(System.nanoTime() - deadline).as("the outage was noticed in time").isNegative();
      AuthenticationResult answer = manager.authenticate(login.accessToken().value());
      if (answer.isAuthenticated() && answer.withoutStore()) {
        withoutRedis++;
      }
    }
  }

  private void awaitRedisAnswers() {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!store.ping()) {
      assertThat(System.nanoTime() - deadline)
          .as("Redis answers the store again in time")
          .isNegative();
      sleep(Duration.ofMillis(20));
    }
  }

  /** Holds back every write (scripts included) but answers reads and PING, as in a failover. */
  private void pauseWrites() {
    clientCommand("PAUSE", "10000", "WRITE");
  }

  private void unpauseWrites() {
    clientCommand("UNPAUSE");
  }

  private void clientCommand(String... args) {
    CommandArgs<String, String> arguments = new CommandArgs<>(StringCodec.UTF8);
    for (String arg : args) {
      arguments.add(arg);
    }
    String reply =
        inspection
            .sync()
            .dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8), arguments);
    assertThat(reply).isEqualTo("OK");
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
