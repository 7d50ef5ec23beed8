package io.sessionkit.spring.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.sessionkit.Login;
import io.sessionkit.SessionManager;
import io.sessionkit.jwt.JwtTokenService;
import io.sessionkit.jwt.SigningKey;
import io.sessionkit.memory.InMemorySessionStore;
import io.sessionkit.servlet.SessionAuthenticationFilter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

class SessionKitMockMvcTest {

  private final InMemorySessionStore store = InMemorySessionStore.create();
  private final SessionManager sessions =
      SessionManager.builder()
          .store(store)
          .tokenService(
              JwtTokenService.builder()
                  .signingKey(SigningKey.hmacSha256("k1", "0123456789abcdef0123456789abcdef"))
                  .build())
          .build();
  private final MockMvc mvc =
      MockMvcBuilders.standaloneSetup(new Api())
          .addFilters(SessionAuthenticationFilter.builder(sessions).build())
          .build();

  @AfterEach
  void close() {
    sessions.close();
    store.close();
  }

  @Test
  void aControllerSeesTheLoggedInUserThroughSessionKitsFilter() throws Exception {
    String body =
        mvc.perform(get("/api/me").with(SessionKitMockMvc.loggedIn(sessions, "user-1", "ADMIN")))
            .andExpect(status().isOk())
            .andReturn()
            .getResponse()
            .getContentAsString();

    assertThat(body).isEqualTo("user-1 admin=true");
  }

  @Test
  void withoutALoginTheFilterRefuses() throws Exception {
    mvc.perform(get("/api/me")).andExpect(status().isUnauthorized());
  }

  @Test
  void aRevokedSessionIsRefusedOnTheNextRequest() throws Exception {
    Login login = sessions.login("user-2", Set.of(), SessionKitMockMvc.TEST_CLIENT);
    mvc.perform(get("/api/me").with(SessionKitMockMvc.bearer(login))).andExpect(status().isOk());

    sessions.revoke("user-2", login.session().id());

    mvc.perform(get("/api/me").with(SessionKitMockMvc.bearer(login)))
        .andExpect(status().isUnauthorized());
  }

  @RestController
  static class Api {

    @GetMapping("/api/me")
    String me(HttpServletRequest request) {
      return request.getRemoteUser() + " admin=" + request.isUserInRole("ADMIN");
    }
  }
}
