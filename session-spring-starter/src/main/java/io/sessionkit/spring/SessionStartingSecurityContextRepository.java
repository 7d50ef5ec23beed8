package io.sessionkit.spring;

import io.sessionkit.servlet.SessionAuthenticationFilter;
import io.sessionkit.servlet.SessionLogin;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.DeferredSecurityContext;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.context.SecurityContextRepository;

/**
 * Starts a sessionkit session when Spring Security saves a fresh authentication: what {@code
 * formLogin()} (and any other {@code AbstractAuthenticationProcessingFilter}) does on success. The
 * session is created for {@link Authentication#getName()} with one role per {@code ROLE_} authority
 * (prefix removed; other authorities are not carried), and both cookies are written; then the
 * application's repository saves the context as before.
 *
 * <p>Nothing is started for an anonymous or unauthenticated context, for sessionkit's own
 * authentication, for a request sessionkit already authenticated, or twice in one request.
 * Thread-safe.
 */
final class SessionStartingSecurityContextRepository implements SecurityContextRepository {

  private static final String STARTED = SessionStartingSecurityContextRepository.class.getName();

  private final SecurityContextRepository delegate;
  private final SessionLogin logins;

  SessionStartingSecurityContextRepository(
      SecurityContextRepository delegate, SessionLogin logins) {
    this.delegate = delegate;
    this.logins = logins;
  }

  @Override
  @SuppressWarnings("deprecation")
  public SecurityContext loadContext(
      org.springframework.security.web.context.HttpRequestResponseHolder holder) {
    return delegate.loadContext(holder);
  }

  @Override
  public DeferredSecurityContext loadDeferredContext(HttpServletRequest request) {
    return delegate.loadDeferredContext(request);
  }

  @Override
  public void saveContext(
      SecurityContext context, HttpServletRequest request, HttpServletResponse response) {
    Authentication authentication = context.getAuthentication();
    if (authentication != null
        && authentication.isAuthenticated()
        && !(authentication instanceof AnonymousAuthenticationToken)
        && !(authentication instanceof SessionKitAuthenticationToken)
        && SessionAuthenticationFilter.authentication(request).isEmpty()
        && request.getAttribute(STARTED) == null) {
      request.setAttribute(STARTED, Boolean.TRUE);
      logins.start(request, response, authentication.getName(), roles(authentication), Map.of());
    }
    delegate.saveContext(context, request, response);
  }

  @Override
  public boolean containsContext(HttpServletRequest request) {
    return delegate.containsContext(request);
  }

  static Set<String> roles(Authentication authentication) {
    return authentication.getAuthorities().stream()
        .map(GrantedAuthority::getAuthority)
        .filter(a -> a != null && a.startsWith(SessionKitAuthenticationToken.ROLE_PREFIX))
        .map(a -> a.substring(SessionKitAuthenticationToken.ROLE_PREFIX.length()))
        .filter(role -> !role.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public String toString() {
    return "SessionStartingSecurityContextRepository[" + delegate + "]";
  }
}
