package io.sessionkit.example;

import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;

/**
 * A {@code {"username","password"}} body, checked field by field: a missing field or one of the
 * wrong type is a 400 naming it, never a 500. {@link #toString()} hides the password.
 */
record Credentials(String username, String password) {

  static Credentials from(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw ApiException.of(HttpStatus.BAD_REQUEST, "The request body must be a JSON object");
    }
    return new Credentials(text(body, "username"), text(body, "password"));
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || !value.isString()) {
      throw ApiException.of(HttpStatus.BAD_REQUEST, "\"" + field + "\" must be a string");
    }
    return value.asString();
  }

  /** The rules for a new account; 400 with the rule broken. */
  void checkForRegistration() {
    if (!Users.USERNAME.matcher(username).matches()) {
      throw ApiException.of(
          HttpStatus.BAD_REQUEST,
          "username must be 3-64 characters of A-Z, a-z, 0-9, '_', '.', '-'");
    }
    if (password.codePointCount(0, password.length()) < Users.MIN_PASSWORD_LENGTH) {
      throw ApiException.of(
          HttpStatus.BAD_REQUEST,
          "password must be at least " + Users.MIN_PASSWORD_LENGTH + " characters");
    }
  }

  @Override
  public String toString() {
    return "Credentials[username=" + username + ", password=(hidden)]";
  }
}
