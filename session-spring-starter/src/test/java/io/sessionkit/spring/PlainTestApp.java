package io.sessionkit.spring;

import io.sessionkit.servlet.SessionAuthenticationFilter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An application without Spring Security in play: the sessionkit filters alone protect it, and
 * controllers read the caller from the request.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({TestLoginController.class, PlainTestApp.Api.class})
class PlainTestApp {

  @RestController
  static class Api {

    @GetMapping("/api/me")
    Map<String, Object> me(HttpServletRequest request) {
      var authentication = SessionAuthenticationFilter.authentication(request).orElseThrow();
      return Map.of(
          "user", request.getUserPrincipal().getName(),
          "session", authentication.claims().orElseThrow().sessionId(),
          "admin", request.isUserInRole("ADMIN"));
    }
  }
}
