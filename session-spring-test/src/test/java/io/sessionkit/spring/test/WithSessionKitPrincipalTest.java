package io.sessionkit.spring.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.spring.SessionKitPrincipal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.junit.jupiter.SpringExtension;

@ExtendWith(SpringExtension.class)
@ContextConfiguration(classes = WithSessionKitPrincipalTest.Empty.class)
class WithSessionKitPrincipalTest {

  @Test
  @WithSessionKitPrincipal(
      userId = "u-7",
      sessionId = "s-7",
      roles = {"ADMIN", "USER"})
  void theTestRunsAsASessionKitPrincipalWithRoleAuthorities() {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();

    assertThat(authentication.getPrincipal())
        .isEqualTo(new SessionKitPrincipal("u-7", "s-7", java.util.Set.of("ADMIN", "USER")));
    assertThat(authentication.getName()).isEqualTo("u-7");
    assertThat(authentication.getAuthorities())
        .extracting(GrantedAuthority::getAuthority)
        .containsExactlyInAnyOrder("ROLE_ADMIN", "ROLE_USER");
  }

  @Test
  void withoutTheAnnotationThereIsNoPrincipal() {
    assertThat(SecurityContextHolder.getContext().getAuthentication()).isNull();
  }

  @Configuration(proxyBeanMethods = false)
  static class Empty {}
}
