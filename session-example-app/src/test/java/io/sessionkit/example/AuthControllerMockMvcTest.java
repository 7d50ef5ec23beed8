package io.sessionkit.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.sessionkit.Login;
import io.sessionkit.SessionManager;
import io.sessionkit.spring.test.SessionKitMockMvc;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The app's own controllers tested with MockMvc and real sessions, the way docs/spring-boot.md
 * ("Testing your controllers") shows: sessions in memory, sessionkit's filter in front.
 */
@SpringBootTest
@AutoConfigureMockMvc // runs the servlet filters, sessionkit's included
class AuthControllerMockMvcTest {

  @Autowired MockMvc mvc;
  @Autowired SessionManager sessions;
  @Autowired Users users;

  @Test
  void theProfileIsAnsweredForARealSession() throws Exception {
    User user =
        users.register("mockmvc-alice", "correct-horse-battery", Set.of("USER")).orElseThrow();

    String body =
        mvc.perform(
                get("/api/v1/auth/me")
                    .with(SessionKitMockMvc.loggedIn(sessions, user.id(), "USER")))
            .andExpect(status().isOk())
            .andReturn()
            .getResponse()
            .getContentAsString();

    assertThat(body).contains("\"username\":\"mockmvc-alice\"");
  }

  @Test
  void aRevokedSessionIsRefused() throws Exception {
    Login login = sessions.login("user-2", Set.of("USER"), SessionKitMockMvc.TEST_CLIENT);
    sessions.revoke("user-2", login.session().id());

    mvc.perform(get("/api/v1/auth/me").with(SessionKitMockMvc.bearer(login)))
        .andExpect(status().isUnauthorized());
  }
}
