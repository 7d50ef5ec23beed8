package io.sessionkit.example;

import io.sessionkit.AuthenticationResult;
import io.sessionkit.TokenClaims;
import io.sessionkit.servlet.SessionAuthenticationFilter;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;

/** Who is calling, as sessionkit's filter authenticated them. */
record Caller(TokenClaims claims) {

  /** The authenticated caller; 401 when the request carries no live session. */
  static Caller of(HttpServletRequest request) {
    return SessionAuthenticationFilter.authentication(request)
        .filter(AuthenticationResult::isAuthenticated)
        .flatMap(AuthenticationResult::claims)
        .map(Caller::new)
        .orElseThrow(() -> ApiException.of(HttpStatus.UNAUTHORIZED, "Authentication required"));
  }

  String userId() {
    return claims.userId();
  }

  String sessionId() {
    return claims.sessionId();
  }

  boolean hasRole(String role) {
    return claims.roles().contains(role);
  }
}
