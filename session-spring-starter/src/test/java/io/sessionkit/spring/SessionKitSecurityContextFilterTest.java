package io.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.AuthenticationResult;
import io.sessionkit.TokenClaims;
import io.sessionkit.TokenVerification;
import io.sessionkit.servlet.SessionAuthenticationFilter;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.context.DelegatingSecurityContextRepository;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;

class SessionKitSecurityContextFilterTest {

  private final SessionKitSecurityContextFilter filter = new SessionKitSecurityContextFilter();

  @Test
  void authenticatedSessionIsFoundByTheStatelessRepository() throws Exception {
    MockHttpServletRequest request = authenticatedRequest();
    filter.doFilter(request, new MockHttpServletResponse(), new MockFilterChain());

    SecurityContext context =
        new RequestAttributeSecurityContextRepository().loadDeferredContext(request).get();
    assertThat(context.getAuthentication()).isInstanceOf(SessionKitAuthenticationToken.class);
    assertThat(context.getAuthentication().getPrincipal())
        .isEqualTo(new SessionKitPrincipal("alice", "sid-1", Set.of("ADMIN", "USER")));
  }

  // what Spring Security uses without SessionCreationPolicy.STATELESS
  @Test
  void authenticatedSessionIsFoundByTheDefaultRepositoryWithoutCreatingAnHttpSession()
      throws Exception {
    MockHttpServletRequest request = authenticatedRequest();
    filter.doFilter(request, new MockHttpServletResponse(), new MockFilterChain());

    SecurityContextRepository defaults =
        new DelegatingSecurityContextRepository(
            new HttpSessionSecurityContextRepository(),
            new RequestAttributeSecurityContextRepository());
    org.springframework.security.core.Authentication authentication =
        defaults.loadDeferredContext(request).get().getAuthentication();
    assertThat(authentication.getName()).isEqualTo("alice");
    assertThat(authentication.isAuthenticated()).isTrue();
    assertThat(request.getSession(false)).isNull();
  }

  @Test
  void unauthenticatedRequestPassesWithoutAContext() throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/me");
    MockFilterChain chain = new MockFilterChain();
    filter.doFilter(request, new MockHttpServletResponse(), chain);

    assertThat(chain.getRequest()).isSameAs(request);
    assertThat(new RequestAttributeSecurityContextRepository().containsContext(request)).isFalse();
  }

  @Test
  void rolesBecomeRoleAuthoritiesAndTheNameIsTheUserId() {
    SessionKitAuthenticationToken token =
        new SessionKitAuthenticationToken(
            new SessionKitPrincipal("bob", "sid-2", Set.of("USER", "ADMIN")));
    assertThat(token.getAuthorities())
        .extracting(GrantedAuthority::getAuthority)
        .containsExactly("ROLE_ADMIN", "ROLE_USER");
    assertThat(token.getName()).isEqualTo("bob");
    assertThat(token.getCredentials()).isNull();
    assertThat(token.isAuthenticated()).isTrue();
    assertThatThrownBy(() -> token.setAuthenticated(true))
        .isInstanceOf(IllegalArgumentException.class);
    token.setAuthenticated(false);
    assertThat(token.isAuthenticated()).isFalse();
  }

  private static MockHttpServletRequest authenticatedRequest() {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/me");
    Instant now = Instant.now();
    TokenClaims claims =
        new TokenClaims(
            "alice", "sid-1", "jti-1", Set.of("USER", "ADMIN"), now, now.plusSeconds(60), "k1");
    request.setAttribute(
        SessionAuthenticationFilter.AUTHENTICATION_ATTRIBUTE,
        new AuthenticationResult(
            AuthenticationResult.Status.AUTHENTICATED,
            Optional.of(claims),
            TokenVerification.Status.VALID,
            false));
    return request;
  }
}
