package io.sessionkit.spring;

import io.sessionkit.AuthenticationResult;
import io.sessionkit.TokenClaims;
import io.sessionkit.servlet.SessionAuthenticationFilter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;

/**
 * Hands an authenticated sessionkit session to Spring Security. Runs after {@link
 * SessionAuthenticationFilter} and before Spring Security's filter chain: when the request was
 * authenticated, it saves a {@link SecurityContext} holding a {@link SessionKitAuthenticationToken}
 * as a request attribute through {@link RequestAttributeSecurityContextRepository}. Spring
 * Security's {@code SecurityContextHolderFilter} loads it from there, because the repository it is
 * configured with always includes the request attribute one (alone under {@code
 * SessionCreationPolicy.STATELESS}, together with the HTTP session one otherwise). Nothing is
 * written to an HTTP session.
 *
 * <p>Requests that were not authenticated pass unchanged. Thread-safe.
 */
final class SessionKitSecurityContextFilter implements Filter {

  private final SecurityContextRepository repository =
      new RequestAttributeSecurityContextRepository();
  private final SecurityContextHolderStrategy holder =
      SecurityContextHolder.getContextHolderStrategy();

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (request instanceof HttpServletRequest http
        && response instanceof HttpServletResponse httpResponse) {
      principal(http)
          .ifPresent(
              principal -> {
                SecurityContext context = holder.createEmptyContext();
                context.setAuthentication(new SessionKitAuthenticationToken(principal));
                repository.saveContext(context, http, httpResponse);
              });
    }
    chain.doFilter(request, response);
  }

  static Optional<SessionKitPrincipal> principal(HttpServletRequest request) {
    return SessionAuthenticationFilter.authentication(request)
        .filter(AuthenticationResult::isAuthenticated)
        .flatMap(AuthenticationResult::claims)
        .map(SessionKitSecurityContextFilter::principal);
  }

  private static SessionKitPrincipal principal(TokenClaims claims) {
    return new SessionKitPrincipal(claims.userId(), claims.sessionId(), claims.roles());
  }

  @Override
  public String toString() {
    return "SessionKitSecurityContextFilter";
  }
}
