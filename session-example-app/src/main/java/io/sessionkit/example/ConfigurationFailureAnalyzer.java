package io.sessionkit.example;

import io.sessionkit.SessionKitException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Reports a configuration sessionkit refuses in the names this app's users set: the environment
 * variables of {@code application.properties} ({@code JWT_SECRET}, not {@code
 * sessionkit.jwt.secret}). Runs before the starter's own analyzer.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
final class ConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<SessionKitException> {

  // property=...${VARIABLE:default}...
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");

  private final Map<String, String> variables = variablesByProperty();

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, SessionKitException cause) {
    String message = cause.getMessage();
    String renamed = message;
    for (Map.Entry<String, String> entry : variables.entrySet()) {
      renamed =
          renamed.replaceAll(
              "\\b" + Pattern.quote(entry.getKey()) + "\\b(?![.\\[-])",
              Matcher.quoteReplacement(entry.getValue()));
    }
    int colon = renamed.indexOf(": ");
    String problem = colon < 0 ? renamed : renamed.substring(0, colon);
    String action = colon < 0 ? "check the environment variables" : renamed.substring(colon + 2);
    return new FailureAnalysis(
        "Invalid configuration: " + problem + ".", "Fix the configuration: " + action + ".", cause);
  }

  /** {@code sessionkit.jwt.secret} to {@code JWT_SECRET}, from this app's own properties. */
  static Map<String, String> variablesByProperty() {
    Properties properties = new Properties();
    try (InputStream in =
        ConfigurationFailureAnalyzer.class.getResourceAsStream("/application.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> names = new LinkedHashMap<>();
    for (String property : properties.stringPropertyNames()) {
      Matcher variable = VARIABLE.matcher(properties.getProperty(property));
      if (variable.find()) {
        names.put(property, variable.group(1));
      }
    }
    return names;
  }
}
