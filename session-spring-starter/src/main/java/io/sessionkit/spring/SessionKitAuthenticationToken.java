package io.sessionkit.spring;

import java.util.Collection;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A Spring Security {@code Authentication} for a request whose access token was verified and whose
 * session is live. Always authenticated; it carries no credentials (the token was checked before it
 * was built and is not kept). Each role {@code r} of the session becomes the authority {@code
 * ROLE_r}, so {@code hasRole("ADMIN")} matches a session with role {@code ADMIN}.
 *
 * <p>Immutable apart from what {@link AbstractAuthenticationToken} allows (details).
 */
public final class SessionKitAuthenticationToken extends AbstractAuthenticationToken {

  private static final long serialVersionUID = 1L;

  /** The prefix Spring Security's {@code hasRole} expects on role authorities. */
  public static final String ROLE_PREFIX = "ROLE_";

  private final SessionKitPrincipal principal;

  /** An authenticated token for the principal, with one {@code ROLE_} authority per role. */
  public SessionKitAuthenticationToken(SessionKitPrincipal principal) {
    super(authorities(Objects.requireNonNull(principal, "principal")));
    this.principal = principal;
    super.setAuthenticated(true);
  }

  private static Collection<GrantedAuthority> authorities(SessionKitPrincipal principal) {
    return principal.roles().stream()
        .sorted()
        .<GrantedAuthority>map(role -> new SimpleGrantedAuthority(ROLE_PREFIX + role))
        .toList();
  }

  /** The user and session. */
  @Override
  public SessionKitPrincipal getPrincipal() {
    return principal;
  }

  /** Always null: the access token is not kept. */
  @Override
  public @Nullable Object getCredentials() {
    return null;
  }

  /**
   * Only {@code false} is accepted; such a token is built authenticated or not at all.
   *
   * @throws IllegalArgumentException when asked to set {@code true}
   */
  @Override
  public void setAuthenticated(boolean authenticated) {
    if (authenticated) {
      throw new IllegalArgumentException(
          "a SessionKitAuthenticationToken is authenticated when built; it cannot be re-marked");
    }
    super.setAuthenticated(false);
  }
}
