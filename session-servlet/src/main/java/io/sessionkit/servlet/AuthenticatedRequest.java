package io.sessionkit.servlet;

import io.sessionkit.TokenClaims;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;
import org.jspecify.annotations.Nullable;

/**
 * The request as the application sees it once the filter has authenticated it: the user id is the
 * principal and the remote user, and roles come from the access token.
 */
final class AuthenticatedRequest extends HttpServletRequestWrapper {

  private final TokenClaims claims;
  private final Principal principal;

  AuthenticatedRequest(HttpServletRequest request, TokenClaims claims) {
    super(request);
    this.claims = claims;
    this.principal = new UserPrincipal(claims.userId());
  }

  @Override
  public Principal getUserPrincipal() {
    return principal;
  }

  @Override
  public String getRemoteUser() {
    return claims.userId();
  }

  @Override
  public boolean isUserInRole(@Nullable String role) {
    return role != null && claims.roles().contains(role);
  }

  /** A principal named by the user id. */
  record UserPrincipal(String name) implements Principal {
    @Override
    public String getName() {
      return name;
    }
  }
}
