package io.sessionkit.example;

import io.sessionkit.FallbackMode;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionPage;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.servlet.ClientInfoResolver;
import io.sessionkit.servlet.SessionEndpoints;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Optional;
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
      return SessionEndpoints.sessionList(
          sessions,
          sessions.sessions(user.id(), after(request), SessionPage.MAX_PAGE_SIZE),
          Optional.of(admin.sessionId()),
          true);
    } catch (SessionStoreUnavailableException e) {
      if (sessions.fallbackMode() == FallbackMode.DENY) {
        throw e;
      }
      // JWT-only: a valid token is answered while Redis is down, saying that the list is unknown
      return SessionEndpoints.sessionList(
          sessions, SessionPage.empty(), Optional.of(admin.sessionId()), false);
    }
  }

  @DeleteMapping
  Views.SessionsDeleted revokeAll(@PathVariable String username, HttpServletRequest request) {
    requireAdmin(request);
    return new Views.SessionsDeleted(
        sessions.revokeAll(user(username).id(), clients.resolve(request)));
  }

  // the "next" of an earlier answer, as GET /api/v1/auth/sessions takes it
  private static Optional<String> after(HttpServletRequest request) {
    Optional<String> after = Optional.ofNullable(request.getParameter("after"));
    if (after.isPresent() && !after.get().matches("[A-Za-z0-9_.-]{1,64}")) {
      throw ApiException.of(
          HttpStatus.BAD_REQUEST, "after must be the \"next\" of an earlier answer");
    }
    return after;
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
