package io.sessionkit.example;

/**
 * The account store cannot be reached (Redis is down, frozen or failing over): answered 503 with
 * {@code Retry-After}. Its message names the store, never a username or password.
 */
final class AccountsUnavailableException extends RuntimeException {

  AccountsUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
