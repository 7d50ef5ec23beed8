package io.sessionkit.spring;

import io.sessionkit.Login;
import io.sessionkit.SessionManager;
import io.sessionkit.servlet.ClientInfoResolver;
import io.sessionkit.servlet.SessionCookies;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The login an application writes on top of the starter: check credentials, log in, set cookies.
 */
@RestController
class TestLoginController {

  private final SessionManager sessions;
  private final SessionCookies cookies;
  private final ClientInfoResolver clientInfo;

  TestLoginController(
      SessionManager sessions, SessionCookies cookies, ClientInfoResolver clientInfo) {
    this.sessions = sessions;
    this.cookies = cookies;
    this.clientInfo = clientInfo;
  }

  // No password: the tests are about what happens after the credentials were checked.
  @PostMapping("/api/login")
  Map<String, Object> login(
      @RequestParam String user,
      @RequestParam(defaultValue = "") List<String> roles,
      HttpServletRequest request,
      HttpServletResponse response) {
    Login login = sessions.login(user, Set.copyOf(roles), clientInfo.resolve(request));
    cookies.write(response, login.accessToken(), login.refreshToken());
    return Map.of("session_id", login.session().id(), "access_token", login.accessToken().value());
  }
}
