package io.sessionkit.spring;

import io.sessionkit.servlet.CredentialCheck;
import io.sessionkit.servlet.LoginAttempt;
import io.sessionkit.servlet.SessionLogin;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.authentication.configuration.AuthenticationConfiguration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * An application that logs users in with Spring Security's own {@code formLogin()} against its
 * {@code UserDetailsService}, and logs them out with {@code logout()}; sessionkit keeps the
 * session.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(FormLoginTestApp.Api.class)
class FormLoginTestApp {

  @Bean
  UserDetailsService users() {
    return new InMemoryUserDetailsManager(
        User.withUsername("form-alice").password("{noop}form-password").roles("USER").build());
  }

  @Bean
  SecurityFilterChain chain(HttpSecurity http) throws Exception {
    return http.csrf(csrf -> csrf.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .formLogin(Customizer.withDefaults())
        .authorizeHttpRequests(
            requests ->
                requests.requestMatchers("/api/login").permitAll().anyRequest().authenticated())
        .build();
  }

  @RestController
  static class Api {

    private final AuthenticationManager authenticationManager;
    private final SessionLogin logins;

    Api(AuthenticationConfiguration authentication, SessionLogin logins) throws Exception {
      this.authenticationManager = authentication.getAuthenticationManager();
      this.logins = logins;
    }

    // an API login on the application's own AuthenticationManager, handed to sessionkit
    @PostMapping("/api/login")
    ResponseEntity<Map<String, Object>> login(
        @RequestParam String username,
        @RequestParam String password,
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
                  return CredentialCheck.accepted(
                      auth.getName(), SessionStartingSecurityContextRepository.roles(auth));
                } catch (AuthenticationException e) {
                  return CredentialCheck.rejected();
                }
              });
      return switch (attempt.status()) {
        case LOGGED_IN ->
            ResponseEntity.ok(Map.of("session_id", attempt.login().orElseThrow().session().id()));
        case REJECTED, THROTTLED ->
            ResponseEntity.status(401).body(Map.of("error", "unauthorized"));
      };
    }

    @GetMapping("/api/me")
    Map<String, Object> me(@AuthenticationPrincipal SessionKitPrincipal principal) {
      return Map.of(
          "user", principal.userId(), "roles", principal.roles().stream().sorted().toList());
    }
  }
}
