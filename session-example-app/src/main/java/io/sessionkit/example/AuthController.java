package io.sessionkit.example;

import io.sessionkit.ActivityEntry;
import io.sessionkit.ActivityLog;
import io.sessionkit.ClientInfo;
import io.sessionkit.FallbackMode;
import io.sessionkit.Login;
import io.sessionkit.LoginThrottle;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.servlet.ClientInfoResolver;
import io.sessionkit.servlet.SessionCookies;
import io.sessionkit.spring.SessionKitAutoConfiguration;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * What the host owns: registration, login (checking the password, then one call to sessionkit), the
 * caller's profile and activity feed. Refresh, logout, logout-all and the device list are
 * sessionkit's own endpoints under the same base path.
 */
@RestController
@RequestMapping("/api/v1/auth")
class AuthController {

  private static final int ACTIVITY_SHOWN = 50;

  private final Users users;
  private final SessionManager sessions;
  private final SessionCookies cookies;
  private final ClientInfoResolver clients;
  private final LoginThrottle throttle;
  private final ActivityLog activity;
  private final Clock clock;

  AuthController(
      Users users,
      SessionManager sessions,
      SessionCookies cookies,
      ClientInfoResolver clients,
      LoginThrottle throttle,
      ActivityLog activity,
      @Qualifier(SessionKitAutoConfiguration.CLOCK_BEAN_NAME) Clock clock) {
    this.users = users;
    this.sessions = sessions;
    this.cookies = cookies;
    this.clients = clients;
    this.throttle = throttle;
    this.activity = activity;
    this.clock = clock;
  }

  @PostMapping("/register")
  ResponseEntity<Views.Registered> register(@RequestBody JsonNode body) {
    Credentials credentials = Credentials.from(body);
    credentials.checkForRegistration();
    User user =
        users
            .register(credentials.username(), credentials.password(), Set.of("USER"))
            .orElseThrow(() -> ApiException.of(HttpStatus.CONFLICT, "That username is taken"));
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(new Views.Registered(Views.UserView.of(user)));
  }

  @PostMapping("/login")
  Views.LoggedIn login(
      @RequestBody JsonNode body, HttpServletRequest request, HttpServletResponse response) {
    Credentials credentials = Credentials.from(body);
    ClientInfo client = clients.resolve(request);
    String account = credentials.username().toLowerCase(Locale.ROOT);
    // counted and decided in one step, before the password is checked
    LoginThrottle.Decision allowed = throttle.attempt(account, client.ip());
    if (!allowed.allowed()) {
      throw ApiException.tooManyRequests(
          "Too many failed logins; try again later", allowed.retryAfter());
    }
    Optional<User> user = users.authenticate(credentials.username(), credentials.password());
    if (user.isEmpty()) {
      users
          .byUsername(credentials.username())
          .ifPresent(
              known ->
                  activity.record(
                      new ActivityEntry(
                          known.id(),
                          ActivityEntry.Type.LOGIN_FAILED,
                          clock.instant(),
                          client.ip(),
                          client.userAgent(),
                          Optional.empty())));
      throw ApiException.of(HttpStatus.UNAUTHORIZED, "Invalid username or password");
    }
    Login login = sessions.login(user.get().id(), user.get().roles(), client);
    throttle.succeeded(account, client.ip());
    cookies.write(response, login.accessToken(), login.refreshToken());
    return new Views.LoggedIn(
        "Login successful",
        Views.UserView.of(user.get()),
        login.session().id(),
        login.accessToken().value(),
        login.accessToken().expiresAt().toString());
  }

  @GetMapping("/me")
  Views.Me me(HttpServletRequest request) {
    Caller caller = Caller.of(request);
    User user =
        users
            .byId(caller.userId())
            .orElseThrow(
                () -> ApiException.of(HttpStatus.UNAUTHORIZED, "This account no longer exists"));
    return new Views.Me(Views.UserView.of(user), caller.sessionId());
  }

  @GetMapping("/activity")
  Views.Activity activity(HttpServletRequest request) {
    Caller caller = Caller.of(request);
    List<ActivityEntry> recent;
    try {
      recent = activity.recent(caller.userId(), ACTIVITY_SHOWN);
    } catch (SessionStoreUnavailableException e) {
      if (sessions.fallbackMode() == FallbackMode.DENY) {
        throw e;
      }
      // JWT-only: a valid token is answered while Redis is down; the feed is in Redis
      recent = List.of();
    }
    return new Views.Activity(recent.stream().map(Views.Event::of).toList());
  }
}
