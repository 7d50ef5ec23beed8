package io.sessionkit.spring.test;

import io.sessionkit.spring.SessionKitAuthenticationToken;
import io.sessionkit.spring.SessionKitPrincipal;
import java.util.Set;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.test.context.support.WithSecurityContextFactory;

/** Makes the security context of a {@link WithSessionKitPrincipal} test. */
final class WithSessionKitPrincipalFactory
    implements WithSecurityContextFactory<WithSessionKitPrincipal> {

  @Override
  public SecurityContext createSecurityContext(WithSessionKitPrincipal annotation) {
    SecurityContext context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(
        new SessionKitAuthenticationToken(
            new SessionKitPrincipal(
                annotation.userId(), annotation.sessionId(), Set.of(annotation.roles()))));
    return context;
  }
}
