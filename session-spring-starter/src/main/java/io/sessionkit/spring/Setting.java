package io.sessionkit.spring;

import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code sessionkit.*} property and the core builder setting it feeds, such as {@code
 * sessionkit.session-lifetime} and {@code SessionManager.Builder#sessionLifetime}. The builders
 * validate; this only names the property in their refusal and adds how to fix it, so each rule has
 * one home.
 *
 * <p>{@link #apply} runs a builder call. When the builder refuses the value ({@link
 * IllegalArgumentException}, {@link IllegalStateException}, or {@link NullPointerException} for a
 * property bound to nothing), it throws {@link InvalidSessionKitConfigurationException}: the
 * builder's message with its setting's name replaced by the property's ({@code "sessionLifetime
 * must be > 0, but was PT0S"} becomes {@code "sessionkit.session-lifetime must be > 0, but was
 * PT0S"}), or {@code "<property> is invalid (<message>)"} when the message does not name the
 * setting, then the fix. The builders' messages never contain a secret.
 *
 * @param property the property, such as {@code sessionkit.session-lifetime}
 * @param setting the name the builder's messages use, such as {@code sessionLifetime}
 * @param fix how to fix a refused value, such as {@code "set a positive duration, e.g. 7d"}
 */
record Setting(String property, String setting, String fix) {

  /** Runs {@code step}, naming this property if the builder refuses its value. */
  void apply(Runnable step) {
    apply(
        () -> {
          step.run();
          return null;
        });
  }

  /** Runs {@code step} and returns its result, naming this property if the builder refuses. */
  <T> T apply(Supplier<T> step) {
    return apply(step, this);
  }

  /**
   * Runs {@code step}, a call that takes several settings at once (a builder's {@code build()}, a
   * factory method), naming every one of {@code settings} that the refusal mentions; the fix is
   * that of the setting the refusal starts with, else of the first.
   */
  static <T> T apply(Supplier<T> step, Setting... settings) {
    try {
      return step.get();
    } catch (NullPointerException e) {
      Setting culprit = culprit(String.valueOf(e.getMessage()), settings);
      throw new InvalidSessionKitConfigurationException(
          culprit.property() + " is not set", culprit.fix(), e);
    } catch (IllegalArgumentException | IllegalStateException e) {
      String message = String.valueOf(e.getMessage());
      Setting culprit = culprit(message, settings);
      String named = message;
      for (Setting setting : settings) {
        named = setting.rename(named);
      }
      String problem =
          named.equals(message) ? culprit.property() + " is invalid (" + message + ")" : named;
      throw new InvalidSessionKitConfigurationException(problem, culprit.fix(), e);
    }
  }

  /** {@code message} with this setting's name, as a whole word, replaced by the property's. */
  private String rename(String message) {
    return Pattern.compile("\\b" + Pattern.quote(setting) + "\\b")
        .matcher(message)
        .replaceAll(Matcher.quoteReplacement(property));
  }

  // A builder's message starts with the setting it refuses; Objects.requireNonNull(value,
  // "sessionLifetime") makes the message the setting's name.
  private static Setting culprit(String message, Setting... settings) {
    for (Setting setting : settings) {
      if (message.equals(setting.setting()) || message.startsWith(setting.setting() + " ")) {
        return setting;
      }
    }
    return settings[0];
  }
}
