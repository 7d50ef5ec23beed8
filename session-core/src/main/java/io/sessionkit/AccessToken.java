package io.sessionkit;

import java.time.Instant;
import java.util.Objects;

/**
 * A signed access token as issued. {@link #toString()} never shows the token itself.
 *
 * @param value the compact JWT to hand to the client
 * @param tokenId its unique id ({@code jti})
 * @param issuedAt when it was issued
 * @param expiresAt when it stops being accepted
 */
public record AccessToken(String value, String tokenId, Instant issuedAt, Instant expiresAt) {

  public AccessToken {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(tokenId, "tokenId");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  @Override
  public String toString() {
    return "AccessToken[tokenId="
        + tokenId
        + ", issuedAt="
        + issuedAt
        + ", expiresAt="
        + expiresAt
        + ", value=(hidden)]";
  }
}
