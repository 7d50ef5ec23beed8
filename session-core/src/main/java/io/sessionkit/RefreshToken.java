package io.sessionkit;

import java.time.Instant;
import java.util.Objects;

/**
 * An opaque refresh token as handed to the client. The server keeps only its hash. {@link
 * #toString()} never shows the token itself.
 *
 * @param value the token to hand to the client
 * @param expiresAt when its session ends at the latest
 */
public record RefreshToken(String value, Instant expiresAt) {

  public RefreshToken {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  @Override
  public String toString() {
    return "RefreshToken[expiresAt=" + expiresAt + ", value=(hidden)]";
  }
}
