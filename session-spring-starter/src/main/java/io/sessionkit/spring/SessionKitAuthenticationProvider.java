package io.sessionkit.spring;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;

/**
 * The authentication provider of an application whose only authentication is sessionkit's: it
 * accepts the {@link SessionKitAuthenticationToken}s sessionkit's filter made, and nothing else.
 * Its presence tells Spring Boot that the application has its authentication, so Boot does not
 * create its in-memory user with a generated password. The starter defines it only when the
 * application has no {@code UserDetailsService}, {@code AuthenticationProvider} or {@code
 * AuthenticationManager} of its own and sets no {@code spring.security.user.name}.
 */
final class SessionKitAuthenticationProvider implements AuthenticationProvider {

  @Override
  public Authentication authenticate(Authentication authentication) {
    return authentication;
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return SessionKitAuthenticationToken.class.isAssignableFrom(authentication);
  }

  @Override
  public String toString() {
    return "SessionKitAuthenticationProvider";
  }
}
