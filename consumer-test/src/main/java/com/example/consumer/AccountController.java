package com.example.consumer;

import io.sessionkit.Login;
import io.sessionkit.SessionManager;
import io.sessionkit.servlet.ClientInfoResolver;
import io.sessionkit.servlet.SessionAuthenticationFilter;
import io.sessionkit.servlet.SessionCookies;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.Set;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The application's own login (the documented two lines) and a page that needs a session. */
@RestController
class AccountController {

  private final SessionManager sessions;
  private final SessionCookies cookies;
  private final ClientInfoResolver clientInfo;

  AccountController(
      SessionManager sessions, SessionCookies cookies, ClientInfoResolver clientInfo) {
    this.sessions = sessions;
    this.cookies = cookies;
    this.clientInfo = clientInfo;
  }

  // A real application checks the password first.
  @PostMapping("/login")
  Map<String, Object> login(
      @RequestParam String user, HttpServletRequest request, HttpServletResponse response) {
    Login login = sessions.login(user, Set.of("USER"), clientInfo.resolve(request));
    cookies.write(response, login.accessToken(), login.refreshToken());
    return Map.of("session_id", login.session().id());
  }

  @GetMapping("/api/me")
  Map<String, Object> me(HttpServletRequest request) {
    String sessionId =
        SessionAuthenticationFilter.authentication(request)
            .flatMap(authentication -> authentication.claims())
            .map(claims -> claims.sessionId())
            .orElseThrow();
    return Map.of("user", request.getUserPrincipal().getName(), "session_id", sessionId);
  }
}
