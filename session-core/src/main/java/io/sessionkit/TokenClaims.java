package io.sessionkit;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * What a verified access token says.
 *
 * @param userId the subject ({@code sub})
 * @param sessionId the session the token belongs to ({@code sid})
 * @param tokenId the token's unique id ({@code jti})
 * @param roles the roles carried by the token
 * @param issuedAt when it was issued ({@code iat})
 * @param expiresAt when it expires ({@code exp})
 * @param keyId the id of the key that signed it ({@code kid})
 */
public record TokenClaims(
    String userId,
    String sessionId,
    String tokenId,
    Set<String> roles,
    Instant issuedAt,
    Instant expiresAt,
    String keyId) {

  public TokenClaims {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(tokenId, "tokenId");
    roles = Set.copyOf(roles);
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(keyId, "keyId");
  }
}
