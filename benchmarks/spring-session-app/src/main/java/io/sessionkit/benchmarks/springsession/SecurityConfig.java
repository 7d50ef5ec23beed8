package io.sessionkit.benchmarks.springsession;

import java.util.regex.Pattern;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;

/**
 * Spring Security in the chain as a real app has it: every {@code /api/**} request but the login
 * needs an authenticated session; an anonymous one gets 401 (no redirect, no saved request, so no
 * session is created for it).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_.-]{3,64}");

  @Bean
  SecurityFilterChain api(HttpSecurity http, SecurityContextRepository contexts) throws Exception {
    http.authorizeHttpRequests(
            auth ->
                auth.requestMatchers("/api/v1/auth/login", "/error")
                    .permitAll()
                    .anyRequest()
                    .authenticated())
        .securityContext(context -> context.securityContextRepository(contexts))
        .exceptionHandling(
            errors ->
                errors.authenticationEntryPoint(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED)))
        .requestCache(cache -> cache.disable())
        // a JSON API called without cookies from other sites; the example app checks Origin instead
        .csrf(csrf -> csrf.disable());
    return http.build();
  }

  @Bean
  SecurityContextRepository securityContextRepository() {
    return new HttpSessionSecurityContextRepository();
  }

  /**
   * The user database stand-in: every well-formed username exists, with the password from {@code
   * BENCH_PASSWORD}, so a load run can log in as many distinct users as it likes. Logins are not
   * what is measured, hence no BCrypt.
   */
  @Bean
  UserDetailsService users(BenchProperties properties) {
    String password = "{noop}" + properties.password();
    return username -> {
      if (!USERNAME.matcher(username).matches()) {
        throw new UsernameNotFoundException("no such user");
      }
      return User.withUsername(username).password(password).roles("USER").build();
    };
  }

  @Bean
  AuthenticationManager authenticationManager(UserDetailsService users) {
    DaoAuthenticationProvider provider = new DaoAuthenticationProvider(users);
    provider.setPasswordEncoder(PasswordEncoderFactories.createDelegatingPasswordEncoder());
    return new ProviderManager(provider);
  }
}
