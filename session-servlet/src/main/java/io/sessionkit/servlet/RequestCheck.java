package io.sessionkit.servlet;

import io.sessionkit.AuthenticationResult;
import jakarta.servlet.ServletRequest;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link SessionAuthenticationFilter} found out about a request, kept as a request attribute
 * for {@link SessionEndpoints} further down the chain: so that an endpoint refuses with the same
 * answer the filter would have given on a protected path (401 with the same message, 503 when the
 * store is down), and checks the refresh cookie against the same allowed origins.
 *
 * @param transport how the access token came, empty when none did
 * @param authentication the manager's answer for that token, empty when none came
 * @param origins the filter's cross-site policy
 */
record RequestCheck(
    Optional<Credential.Transport> transport,
    Optional<AuthenticationResult> authentication,
    Origins origins) {

  /** The attribute name; not public, so that only this package reads or writes it. */
  static final String ATTRIBUTE = RequestCheck.class.getName();

  RequestCheck {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(authentication, "authentication");
    Objects.requireNonNull(origins, "origins");
  }

  /** The check the filter left on this request, if it ran. */
  static Optional<RequestCheck> of(ServletRequest request) {
    return request.getAttribute(ATTRIBUTE) instanceof RequestCheck check
        ? Optional.of(check)
        : Optional.empty();
  }

  /** The authentication, when it succeeded. */
  Optional<AuthenticationResult> authenticated() {
    return authentication.filter(AuthenticationResult::isAuthenticated);
  }
}
