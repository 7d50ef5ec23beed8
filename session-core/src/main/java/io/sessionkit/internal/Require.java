package io.sessionkit.internal;

import java.time.Duration;
import java.util.Objects;

/** Argument checks whose messages name the value and the rule, shared by the builders. */
public final class Require {

  private Require() {}

  /** {@code value}, when it is longer than zero. */
  public static Duration positive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0, but was " + value);
    }
    return value;
  }

  /** {@code value}, when it is not negative. */
  public static Duration notNegative(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must be >= 0, but was " + value);
    }
    return value;
  }

  /** {@code value}, when it is at least {@code min}. */
  public static int atLeast(int value, int min, String name) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ", but was " + value);
    }
    return value;
  }
}
