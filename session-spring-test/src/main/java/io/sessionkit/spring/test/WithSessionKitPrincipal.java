package io.sessionkit.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.security.test.context.support.WithSecurityContext;

/**
 * Runs a test with a {@code SessionKitPrincipal} in Spring Security's context, as Spring Security's
 * {@literal @}{@code WithMockUser} does for a plain user: for tests that call a controller or
 * service directly (method security, {@code @AuthenticationPrincipal SessionKitPrincipal}) or
 * through MockMvc without the servlet filters. Through sessionkit's filter a request still needs a
 * real token; use {@link SessionKitMockMvc} there. Needs {@code spring-security-test} on the test
 * class path.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
@WithSecurityContext(factory = WithSessionKitPrincipalFactory.class)
public @interface WithSessionKitPrincipal {

  /** The user id, also the authentication's name. */
  String userId() default "user";

  /** The session id the principal carries. */
  String sessionId() default "test-session";

  /**
   * The roles, without the {@code ROLE_} prefix; each becomes the authority {@code ROLE_<role>}.
   */
  String[] roles() default {"USER"};
}
