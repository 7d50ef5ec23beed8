package io.sessionkit.spring;

import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
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
        .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
        .build();
  }

  @RestController
  static class Api {

    @GetMapping("/api/me")
    Map<String, Object> me(@AuthenticationPrincipal SessionKitPrincipal principal) {
      return Map.of(
          "user", principal.userId(), "roles", principal.roles().stream().sorted().toList());
    }
  }
}
