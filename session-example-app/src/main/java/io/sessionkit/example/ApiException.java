package io.sessionkit.example;

import java.time.Duration;
import java.util.Optional;
import org.springframework.http.HttpStatus;

/**
 * An expected refusal on its way to an error response: the status, the contract's error code and a
 * message for people. Thrown by the controllers, answered by {@link ApiErrors}.
 */
final class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final HttpStatus status;
  private final transient Optional<Duration> retryAfter;

  private ApiException(HttpStatus status, String message, Optional<Duration> retryAfter) {
    super(message, null, false, false);
    this.status = status;
    this.retryAfter = retryAfter;
  }

  static ApiException of(HttpStatus status, String message) {
    return new ApiException(status, message, Optional.empty());
  }

  static ApiException tooManyRequests(String message, Duration retryAfter) {
    return new ApiException(HttpStatus.TOO_MANY_REQUESTS, message, Optional.of(retryAfter));
  }

  HttpStatus status() {
    return status;
  }

  Optional<Duration> retryAfter() {
    return retryAfter;
  }
}
