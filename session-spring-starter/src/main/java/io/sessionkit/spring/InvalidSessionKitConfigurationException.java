package io.sessionkit.spring;

import io.sessionkit.SessionKitException;

/**
 * A {@code sessionkit.*} setting, or a combination of them, that the application cannot start with.
 * The message names the property and the rule, then says how to fix it after a colon; it never
 * contains a secret, a token or a password. {@link InvalidSessionKitConfigurationFailureAnalyzer}
 * turns it into Boot's start-up failure report.
 */
final class InvalidSessionKitConfigurationException extends SessionKitException {

  private static final long serialVersionUID = 1L;

  private final String problem;
  private final String action;

  InvalidSessionKitConfigurationException(String problem, String action) {
    super(problem + ": " + action);
    this.problem = problem;
    this.action = action;
  }

  InvalidSessionKitConfigurationException(String problem, String action, Throwable cause) {
    super(problem + ": " + action, cause);
    this.problem = problem;
    this.action = action;
  }

  /** What is wrong: the property, the rule and the offending value when it is not a secret. */
  String problem() {
    return problem;
  }

  /** How to fix it. */
  String action() {
    return action;
  }
}
