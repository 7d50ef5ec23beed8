package io.sessionkit.example;

import io.sessionkit.ActivityLog;
import io.sessionkit.LoginThrottle;
import io.sessionkit.SessionStore;
import io.sessionkit.memory.InMemoryActivityLog;
import io.sessionkit.memory.InMemoryLoginThrottle;
import io.sessionkit.redis.RedisActivityLog;
import io.sessionkit.redis.RedisLoginThrottle;
import io.sessionkit.redis.RedisSessionStore;
import io.sessionkit.spring.SessionKitAutoConfiguration;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The activity feed and the login throttle from sessionkit, in Redis when sessions are (sharing
 * their connection), in memory otherwise. The activity log is a session listener, so the starter's
 * session manager feeds it.
 */
@Configuration(proxyBeanMethods = false)
class LibraryWiring {

  static final int ACTIVITY_PER_USER = 100;

  @Bean
  ActivityLog activityLog(
      SessionStore store,
      @Qualifier(SessionKitAutoConfiguration.CLOCK_BEAN_NAME) Clock clock,
      io.sessionkit.spring.SessionKitProperties sessionKit) {
    Duration retention = sessionKit.getSessionLifetime();
    return store instanceof RedisSessionStore redis
        ? RedisActivityLog.sharing(redis, ACTIVITY_PER_USER, retention)
        : InMemoryActivityLog.create(clock, ACTIVITY_PER_USER, retention);
  }

  @Bean
  LoginThrottle loginThrottle(
      SessionStore store,
      @Qualifier(SessionKitAutoConfiguration.CLOCK_BEAN_NAME) Clock clock,
      ExampleProperties properties) {
    ExampleProperties.Login login = properties.login();
    return store instanceof RedisSessionStore redis
        ? RedisLoginThrottle.sharing(redis, login.maxAttempts(), login.window())
        : InMemoryLoginThrottle.create(clock, login.maxAttempts(), login.window());
  }
}
