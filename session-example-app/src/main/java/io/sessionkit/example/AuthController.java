package io.sessionkit.example;

import io.sessionkit.ActivityEntry;
import io.sessionkit.ActivityLog;
import io.sessionkit.FallbackMode;
import io.sessionkit.Login;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.servlet.CredentialCheck;
import io.sessionkit.servlet.LoginAttempt;
import io.sessionkit.servlet.SessionLogin;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
  private final SessionLogin logins;
  private final ActivityLog activity;

  AuthController(Users users, SessionManager sessions, SessionLogin logins, ActivityLog activity) {
    this.users = users;
    this.sessions = sessions;
    this.logins = logins;
    this.activity = activity;
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
    LoginAttempt attempt =
        logins.login(
            request,
            response,
            credentials.username().toLowerCase(Locale.ROOT),
            () -> check(credentials));
    return switch (attempt.status()) {
      case LOGGED_IN -> {
        Login login = attempt.login().orElseThrow();
        User user = users.byId(login.session().userId()).orElseThrow();
        yield new Views.LoggedIn(
            "Login successful",
            Views.UserView.of(user),
            login.session().id(),
            login.accessToken().value(),
            login.accessToken().expiresAt().toString());
      }
      case REJECTED ->
          throw ApiException.of(HttpStatus.UNAUTHORIZED, "Invalid username or password");
      case THROTTLED ->
          throw ApiException.tooManyRequests(
              "Too many failed logins; try again later", attempt.retryAfter());
    };
  }

  // a wrong password for a known account goes into that account's feed
  private CredentialCheck check(Credentials credentials) {
    return users
        .authenticate(credentials.username(), credentials.password())
        .map(user -> CredentialCheck.accepted(user.id(), user.roles()))
        .orElseGet(
            () ->
                users
                    .byUsername(credentials.username())
                    .map(known -> CredentialCheck.rejected(known.id()))
                    .orElseGet(CredentialCheck::rejected));
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
