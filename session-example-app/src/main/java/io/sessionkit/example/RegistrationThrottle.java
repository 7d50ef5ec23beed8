package io.sessionkit.example;

import io.sessionkit.LoginThrottle;
import io.sessionkit.memory.InMemoryLoginThrottle;
import io.sessionkit.servlet.ClientInfoResolver;
import io.sessionkit.spring.SessionKitAutoConfiguration;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Limits registrations per client address ({@code example.registration.max-per-address} in each
 * {@code example.registration.window}, by default 20 in 10 minutes): every {@code POST
 * /api/v1/auth/register} counts, whatever its outcome, and one over the limit gets 429 with {@code
 * Retry-After}. Without it, one client could fill the account store and probe which usernames are
 * taken at full speed.
 *
 * <p>The counting is sessionkit's {@link LoginThrottle}, an instance of its own in this process's
 * memory: every registration is an attempt at one pseudo-account from the client's address. Its
 * counters are apart from the login throttle's, so registering never uses up anyone's logins. Each
 * instance counts for itself, so N instances allow N times the limit; the login throttle is the one
 * shared in Redis.
 *
 * <p>It runs as an interceptor on the handler Spring MVC picked, so it sees exactly the requests
 * that reach the registration handler, however their path is spelt.
 */
@Configuration(proxyBeanMethods = false)
class RegistrationThrottle implements HandlerInterceptor, WebMvcConfigurer {

  /** Not a username: those are 3 to 64 of {@code [A-Za-z0-9_.-]}. */
  private static final String PSEUDO_ACCOUNT = "#registration";

  private final LoginThrottle throttle;
  private final ClientInfoResolver clients;

  RegistrationThrottle(
      ClientInfoResolver clients,
      @Qualifier(SessionKitAutoConfiguration.CLOCK_BEAN_NAME) Clock clock,
      @Value("${example.registration.max-per-address:20}") int maxPerAddress,
      @Value("${example.registration.window:10m}") Duration window) {
    this.clients = clients;
    // one pseudo-account, so only the per-address counters matter; the across-addresses one is
    // set out of reach, else registrations from many addresses would lock out everyone
    this.throttle =
        InMemoryLoginThrottle.create(
            clock,
            new LoginThrottle.Limits(maxPerAddress, Integer.MAX_VALUE, maxPerAddress, window));
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(this).addPathPatterns("/api/v1/auth/register");
  }

  @Override
  public boolean preHandle(
      HttpServletRequest request, HttpServletResponse response, Object handler) {
    if (!request.getMethod().equals("POST")) {
      return true;
    }
    LoginThrottle.Decision decision =
        throttle.attempt(PSEUDO_ACCOUNT, clients.resolve(request).ip());
    if (!decision.allowed()) {
      // answered by ApiErrors, in the contract's shape
      throw ApiException.tooManyRequests(
          "Too many registrations from this address; try again later", decision.retryAfter());
    }
    return true;
  }
}
