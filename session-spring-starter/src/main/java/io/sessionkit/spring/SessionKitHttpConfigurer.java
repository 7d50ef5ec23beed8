package io.sessionkit.spring;

import io.sessionkit.servlet.SessionLogin;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.LogoutConfigurer;
import org.springframework.security.web.context.DelegatingSecurityContextRepository;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;

/**
 * What the starter adds to every {@code SecurityFilterChain}: logout ends the sessionkit session
 * ({@link SessionKitLogoutHandler}), and a login by {@code formLogin()} starts one ({@link
 * SessionStartingSecurityContextRepository}). Applied to each {@link HttpSecurity} before the
 * application configures it; it acts at build time on what the application left on.
 */
final class SessionKitHttpConfigurer
    extends AbstractHttpConfigurer<SessionKitHttpConfigurer, HttpSecurity> {

  private final SessionKitLogoutHandler logoutHandler;
  private final SessionLogin logins;

  SessionKitHttpConfigurer(SessionKitLogoutHandler logoutHandler, SessionLogin logins) {
    this.logoutHandler = logoutHandler;
    this.logins = logins;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void init(HttpSecurity http) {
    LogoutConfigurer<HttpSecurity> logout = http.getConfigurer(LogoutConfigurer.class);
    if (logout != null) {
      logout.addLogoutHandler(logoutHandler);
    }
  }

  // After every init (where session management publishes the repository) and before the
  // configure of formLogin, which the application adds after this configurer and which reads it.
  @Override
  public void configure(HttpSecurity http) {
    SecurityContextRepository repository = http.getSharedObject(SecurityContextRepository.class);
    if (repository == null) {
      // Spring Security's own default when nothing published one
      repository =
          new DelegatingSecurityContextRepository(
              new RequestAttributeSecurityContextRepository(),
              new HttpSessionSecurityContextRepository());
    }
    if (!(repository instanceof SessionStartingSecurityContextRepository)) {
      http.setSharedObject(
          SecurityContextRepository.class,
          new SessionStartingSecurityContextRepository(repository, logins));
    }
  }
}
