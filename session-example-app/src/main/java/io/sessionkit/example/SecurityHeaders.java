package io.sessionkit.example;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Puts the browser security headers on every answer, before anything else runs, so that the answers
 * of sessionkit's filters, the body limit and the error pages carry them too:
 *
 * <ul>
 *   <li>{@code Content-Security-Policy}: the page loads its script, style and data only from this
 *       origin (its icon is a {@code data:} image), runs no inline script, talks to no other
 *       origin, submits forms nowhere else, and may not be framed ({@code frame-ancestors 'none'}).
 *       The page has no inline script or style, so nothing needs a nonce. On the JSON answers the
 *       same policy is harmless: they load nothing.
 *   <li>{@code X-Frame-Options: DENY}, for browsers that predate {@code frame-ancestors}: no
 *       clickjacking of the "sign out everywhere" button.
 *   <li>{@code X-Content-Type-Options: nosniff}: a JSON answer is never run as a script or read as
 *       HTML, whatever it contains.
 *   <li>{@code Referrer-Policy: same-origin}: the page's addresses are not sent to other sites; the
 *       app's own requests keep their {@code Referer}, which the cross-site check reads when a
 *       browser sends no {@code Origin}.
 * </ul>
 *
 * <p>{@link ContainerErrors} adds the same headers to the errors Tomcat answers itself.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class SecurityHeaders extends OncePerRequestFilter {

  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  /** Sets the headers on {@code response}, replacing any of the same names. */
  static void apply(HttpServletResponse response) {
    response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Referrer-Policy", "same-origin");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    apply(response);
    chain.doFilter(request, response);
  }
}
