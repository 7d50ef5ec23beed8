package io.sessionkit;

import io.sessionkit.jwt.JwtTokenService;
import io.sessionkit.jwt.SigningKey;
import io.sessionkit.redis.RedisSessionStore;
import java.util.Set;

/**
 * The README's quick start as it appears there (with its imports), so that the build breaks when
 * the API it shows changes. Compiled only, never run (it is no {@code *Test}: it needs a Redis and
 * a JWT_SECRET). Keep the two in step.
 */
final class ReadmeSnippets {

  private ReadmeSnippets() {}

  record User(String id, Set<String> roles) {}

  static void quickStart(User user, String ip, String userAgent) {
    SessionManager sessions =
        SessionManager.builder()
            .store(RedisSessionStore.builder().uri("redis://localhost:6379").build())
            .tokenService(
                JwtTokenService.builder()
                    .signingKey(SigningKey.hmacSha256("k1", System.getenv("JWT_SECRET")))
                    .build())
            .maxSessionsPerUser(5)
            .build();

    Login login = sessions.login(user.id(), user.roles(), new ClientInfo(ip, userAgent));
    AuthenticationResult auth = sessions.authenticate(login.accessToken().value()); // AUTHENTICATED
    sessions.logout(login.session().id(), ClientInfo.unknown());
    sessions.authenticate(login.accessToken().value()); // SESSION_ENDED
  }
}
