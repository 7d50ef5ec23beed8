package io.sessionkit.spring;

import java.io.Serializable;
import java.security.Principal;
import java.util.Objects;
import java.util.Set;

/**
 * The user behind an authenticated sessionkit session, as Spring Security's principal: what a
 * controller gets from {@code @AuthenticationPrincipal SessionKitPrincipal principal}.
 *
 * @param userId the user id (the token's {@code sub}); also {@link #getName()}
 * @param sessionId the id of the session the request's access token belongs to
 * @param roles the roles the access token carries, without any {@code ROLE_} prefix
 */
public record SessionKitPrincipal(String userId, String sessionId, Set<String> roles)
    implements Principal, Serializable {

  public SessionKitPrincipal {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(sessionId, "sessionId");
    roles = Set.copyOf(Objects.requireNonNull(roles, "roles"));
  }

  /** The user id, so that {@code Authentication.getName()} and {@code Principal} give it. */
  @Override
  public String getName() {
    return userId;
  }
}
