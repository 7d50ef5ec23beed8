package io.sessionkit.benchmarks.springsession;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Login and {@code /me}, with the example app's paths and response shapes. */
@RestController
@RequestMapping("/api/v1/auth")
@EnableConfigurationProperties(BenchProperties.class)
class AuthController {

  record Credentials(String username, String password) {}

  // user ids by name, as the example app keeps its accounts in a map: a lookup per request
  private static final Map<String, String> USER_IDS = new ConcurrentHashMap<>();

  record UserView(String id, String username, List<String> roles) {
    static UserView of(Authentication authentication) {
      String name = authentication.getName();
      return new UserView(
          USER_IDS.computeIfAbsent(
              name, n -> UUID.nameUUIDFromBytes(n.getBytes(StandardCharsets.UTF_8)).toString()),
          name,
          // roles only: Spring Security 7 also grants a FACTOR_PASSWORD authority
          authentication.getAuthorities().stream()
              .map(GrantedAuthority::getAuthority)
              .filter(authority -> authority.startsWith("ROLE_"))
              .map(role -> role.substring(5))
              .toList());
    }
  }

  record LoggedIn(String message, UserView user, String session_id) {}

  record Me(UserView user, String session_id) {}

  record Error(String error, String message) {}

  private final AuthenticationManager authenticationManager;
  private final SecurityContextRepository contexts;

  AuthController(AuthenticationManager authenticationManager, SecurityContextRepository contexts) {
    this.authenticationManager = authenticationManager;
    this.contexts = contexts;
  }

  @PostMapping("/login")
  ResponseEntity<?> login(
      @RequestBody Credentials credentials,
      HttpServletRequest request,
      HttpServletResponse response) {
    Authentication authentication;
    try {
      authentication =
          authenticationManager.authenticate(
              UsernamePasswordAuthenticationToken.unauthenticated(
                  String.valueOf(credentials.username()), String.valueOf(credentials.password())));
    } catch (AuthenticationException e) {
      return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
          .body(new Error("unauthorized", "Invalid username or password"));
    }
    // a new session id on login, as Spring Security's form login does against session fixation
    HttpSession existing = request.getSession(false);
    if (existing != null) {
      request.changeSessionId();
    }
    SecurityContext context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(authentication);
    SecurityContextHolder.setContext(context);
    contexts.saveContext(context, request, response);
    return ResponseEntity.ok(
        new LoggedIn(
            "Login successful", UserView.of(authentication), request.getSession().getId()));
  }

  @GetMapping("/me")
  Me me(Authentication authentication, HttpSession session) {
    return new Me(UserView.of(authentication), session.getId());
  }
}
