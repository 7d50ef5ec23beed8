package io.sessionkit.spring;

import io.sessionkit.Login;
import io.sessionkit.servlet.CredentialCheck;
import io.sessionkit.servlet.LoginAttempt;
import io.sessionkit.servlet.SessionLogin;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/**
 * The Java snippets of docs/spring-boot.md, as they appear there (with their imports), so that the
 * build breaks when the API they show changes. Compiled only (it is no {@code *Test}, and none of
 * it is a registered bean). Keep the two in step.
 */
final class SpringDocsSnippets {

  private SpringDocsSnippets() {}

  /** The host's own user store the snippets assume. */
  interface Users {
    Optional<User> check(String username, String password);
  }

  /** A user of the host's. */
  record User(String id, Set<String> roles) {}

  /** docs/spring-boot.md, "The login controller". */
  static class LoginController {

    private final SessionLogin logins;
    private final Users users; // yours

    LoginController(SessionLogin logins, Users users) {
      this.logins = logins;
      this.users = users;
    }

    record Credentials(String username, String password) {}

    @PostMapping("/api/v1/auth/login")
    ResponseEntity<Map<String, Object>> login(
        @RequestBody Credentials credentials,
        HttpServletRequest request,
        HttpServletResponse response) {
      LoginAttempt attempt =
          logins.login(
              request,
              response,
              credentials.username().toLowerCase(Locale.ROOT), // the throttle's key
              () ->
                  users
                      .check(credentials.username(), credentials.password()) // your check
                      .map(user -> CredentialCheck.accepted(user.id(), user.roles()))
                      .orElseGet(CredentialCheck::rejected));
      return switch (attempt.status()) {
        case LOGGED_IN -> {
          Login login = attempt.login().orElseThrow();
          yield ResponseEntity.ok(Map.of("session_id", login.session().id()));
        }
        case REJECTED ->
            ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                .body(Map.of("error", "unauthorized", "message", "Invalid username or password"));
        case THROTTLED ->
            ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header("Retry-After", Long.toString(attempt.retryAfterSeconds()))
                .body(Map.of("error", "too_many_requests", "message", "Try again later"));
      };
    }
  }

  /** docs/spring-boot.md, "An AuthenticationManager of your own". */
  static LoginAttempt withAuthenticationManager(
      SessionLogin logins,
      AuthenticationManager authenticationManager,
      String username,
      String password,
      HttpServletRequest request,
      HttpServletResponse response) {
    LoginAttempt attempt =
        logins.login(
            request,
            response,
            username,
            () -> {
              try {
                Authentication auth =
                    authenticationManager.authenticate(
                        UsernamePasswordAuthenticationToken.unauthenticated(username, password));
                Set<String> roles =
                    auth.getAuthorities().stream()
                        .map(a -> a.getAuthority().replaceFirst("^ROLE_", ""))
                        .collect(Collectors.toSet());
                return CredentialCheck.accepted(auth.getName(), roles);
              } catch (AuthenticationException e) {
                return CredentialCheck.rejected();
              }
            });
    return attempt;
  }

  /** docs/spring-boot.md, "Spring Security". */
  static class Security {
    @Bean
    SecurityFilterChain api(HttpSecurity http) throws Exception {
      return http.csrf(csrf -> csrf.disable())
          .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
          .authorizeHttpRequests(
              requests ->
                  requests
                      .requestMatchers("/api/v1/auth/login", "/actuator/health", "/error")
                      .permitAll()
                      .requestMatchers("/api/admin/**")
                      .hasRole("ADMIN")
                      .anyRequest()
                      .authenticated())
          .build();
    }
  }

  /** docs/spring-boot.md, "CORS". */
  static class Cors {
    @Bean
    CorsConfigurationSource corsConfigurationSource() {
      CorsConfiguration api = new CorsConfiguration();
      api.setAllowedOrigins(List.of("https://app.example.com"));
      api.setAllowedMethods(List.of("GET", "POST", "DELETE"));
      api.setAllowedHeaders(List.of("Content-Type", "Authorization"));
      api.setAllowCredentials(true); // the cookies
      UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
      source.registerCorsConfiguration("/api/**", api);
      return source;
    }
  }
}
