package io.sessionkit.servlet;

import io.sessionkit.Login;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link SessionLogin#login} went. Consume it with a switch expression over {@link
 * #status()}.
 *
 * @param status what happened
 * @param login for {@link Status#LOGGED_IN}, the new session and its tokens (the cookies are
 *     already written); empty otherwise
 * @param retryAfter for {@link Status#THROTTLED}, how long until attempts are allowed again; zero
 *     otherwise
 */
public record LoginAttempt(Status status, Optional<Login> login, Duration retryAfter) {

  /** What happened to a login attempt. */
  public enum Status {
    /** The credentials were right: a session was created and the cookies written. */
    LOGGED_IN,
    /** The credentials were wrong, or named no account. */
    REJECTED,
    /** Too many recent failures: the credentials were not checked. */
    THROTTLED
  }

  public LoginAttempt {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(login, "login");
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (login.isPresent() != (status == Status.LOGGED_IN)) {
      throw new IllegalArgumentException("login is present exactly for LOGGED_IN, not " + status);
    }
  }

  static LoginAttempt loggedIn(Login login) {
    return new LoginAttempt(Status.LOGGED_IN, Optional.of(login), Duration.ZERO);
  }

  static LoginAttempt rejected() {
    return new LoginAttempt(Status.REJECTED, Optional.empty(), Duration.ZERO);
  }

  static LoginAttempt throttled(Duration retryAfter) {
    return new LoginAttempt(Status.THROTTLED, Optional.empty(), retryAfter);
  }

  /** Whether a session was created. */
  public boolean isLoggedIn() {
    return status == Status.LOGGED_IN;
  }

  /**
   * {@link #retryAfter()} in whole seconds, rounded up and at least 1: the value of a {@code
   * Retry-After} header.
   */
  public long retryAfterSeconds() {
    return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
  }

  /**
   * Answers a refused attempt the way sessionkit's endpoints answer errors: 401 {@code
   * {"error":"unauthorized","message":"Invalid credentials"}} for {@link Status#REJECTED}, 429
   * {@code too_many_requests} with {@code Retry-After} for {@link Status#THROTTLED}. For a host
   * that writes its responses itself; a Spring controller can throw its own exception instead.
   *
   * @throws IllegalStateException for {@link Status#LOGGED_IN}
   */
  public void sendRefusal(HttpServletResponse response) throws IOException {
    switch (status) {
      case REJECTED -> Responses.unauthorized(response, "Invalid credentials");
      case THROTTLED -> Responses.tooManyRequests(response, retryAfterSeconds());
      case LOGGED_IN -> throw new IllegalStateException("a successful login is not refused");
    }
  }
}
