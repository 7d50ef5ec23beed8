package io.sessionkit.example;

import io.sessionkit.FallbackMode;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.servlet.ClientInfoResolver;
import io.sessionkit.servlet.SessionEndpoints;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** An operator's view of any user's sessions; role ADMIN only. */
@RestController
@RequestMapping("/api/v1/admin/users/{username}/sessions")
class AdminController {

  private final Users users;
  private final SessionManager sessions;
  private final ClientInfoResolver clients;

  AdminController(Users users, SessionManager sessions, ClientInfoResolver clients) {
    this.users = users;
    this.sessions = sessions;
    this.clients = clients;
  }

  @GetMapping
  Map<String, ?> list(@PathVariable String username, HttpServletRequest request) {
    Caller admin = requireAdmin(request);
    User user = user(username);
    try {
      return SessionEndpoints.sessionList(sessions.sessions(user.id()), admin.sessionId(), true);
    } catch (SessionStoreUnavailableException e) {
      if (sessions.fallbackMode() == FallbackMode.DENY) {
        throw e;
      }
      // JWT-only: a valid token is answered while Redis is down, saying that the list is unknown
      return SessionEndpoints.sessionList(List.of(), admin.sessionId(), false);
    }
  }

  @DeleteMapping
  Views.SessionsDeleted revokeAll(@PathVariable String username, HttpServletRequest request) {
    requireAdmin(request);
    return new Views.SessionsDeleted(
        sessions.revokeAll(user(username).id(), clients.resolve(request)));
  }

  private static Caller requireAdmin(HttpServletRequest request) {
    Caller caller = Caller.of(request);
    if (!caller.hasRole("ADMIN")) {
      throw ApiException.of(HttpStatus.FORBIDDEN, "This needs the ADMIN role");
    }
    return caller;
  }

  private User user(String username) {
    return users
        .byUsername(username)
        .orElseThrow(() -> ApiException.of(HttpStatus.NOT_FOUND, "No such user"));
  }
}
