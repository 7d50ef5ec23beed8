package io.sessionkit.servlet;

import io.sessionkit.SessionStoreUnavailableException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * The answer for a request that needed the session store while it was unreachable: 503 {@code
 * {"error":"service_unavailable","message":"Session store unavailable; try again shortly"}} with
 * {@code Retry-After} and {@code Cache-Control: no-store}, the same as the filter and {@link
 * SessionEndpoints} send. A host sends it where its own handlers meet a {@link
 * SessionStoreUnavailableException} (a login in {@code DENY} mode, say), so that they do not answer
 * 500:
 *
 * <pre>{@code
 * try {
 *   Login login = sessions.login(user.id(), user.roles(), clientInfo.resolve(request));
 *   ...
 * } catch (SessionStoreUnavailableException e) {
 *   StoreUnavailableResponse.send(response);
 * }
 * }</pre>
 *
 * <p>The Spring Boot starter does this for the application's controllers on its own.
 */
public final class StoreUnavailableResponse {

  /**
   * What {@code Retry-After} says: the store's circuit breaker tries again within a second or two,
   * and a client that waits this long then finds the store back, or the same answer.
   */
  public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

  private StoreUnavailableResponse() {}

  /**
   * Sends the 503 described above, unless the response is already committed (then nothing can be
   * added, and nothing is).
   */
  public static void send(HttpServletResponse response) throws IOException {
    Objects.requireNonNull(response, "response");
    Responses.serviceUnavailable(response);
  }
}
