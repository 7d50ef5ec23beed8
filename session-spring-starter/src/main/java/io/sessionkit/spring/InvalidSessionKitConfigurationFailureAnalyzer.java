package io.sessionkit.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports an {@link InvalidSessionKitConfigurationException} as Boot's "APPLICATION FAILED TO
 * START" description and action, instead of a stack trace. Registered in {@code
 * META-INF/spring.factories}.
 */
final class InvalidSessionKitConfigurationFailureAnalyzer
    extends AbstractFailureAnalyzer<InvalidSessionKitConfigurationException> {

  @Override
  protected FailureAnalysis analyze(
      Throwable rootFailure, InvalidSessionKitConfigurationException cause) {
    return new FailureAnalysis(
        "Invalid sessionkit configuration: " + cause.problem() + ".",
        "Fix the configuration: " + cause.action() + ".",
        cause);
  }
}
