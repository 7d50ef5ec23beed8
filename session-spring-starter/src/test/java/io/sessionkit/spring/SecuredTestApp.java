package io.sessionkit.spring;

import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An application with Spring Security: stateless, CSRF off (sessionkit checks the Origin), its own
 * authorization rules, {@code @AuthenticationPrincipal} and method security.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableMethodSecurity
@Import({TestLoginController.class, SecuredTestApp.Api.class, SecuredTestApp.Reports.class})
class SecuredTestApp {

  @Bean
  SecurityFilterChain api(HttpSecurity http) throws Exception {
    return http.csrf(csrf -> csrf.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .authorizeHttpRequests(
            requests ->
                requests
                    .requestMatchers("/api/login", "/actuator/health", "/error")
                    .permitAll()
                    .requestMatchers("/api/admin/**")
                    .hasRole("ADMIN")
                    .anyRequest()
                    .authenticated())
        .build();
  }

  @RestController
  static class Api {

    private final Reports reports;

    Api(Reports reports) {
      this.reports = reports;
    }

    @GetMapping("/api/me")
    Map<String, Object> me(@AuthenticationPrincipal SessionKitPrincipal principal) {
      return Map.of(
          "user", principal.userId(),
          "session", principal.sessionId(),
          "roles", principal.roles().stream().sorted().toList());
    }

    @GetMapping("/api/admin/stats")
    Map<String, Object> stats() {
      return Map.of("ok", true);
    }

    @GetMapping("/api/reports")
    Map<String, Object> report() {
      return Map.of("report", reports.monthly());
    }
  }

  static class Reports {

    @PreAuthorize("hasRole('ADMIN')")
    public String monthly() {
      return "all good";
    }
  }
}
