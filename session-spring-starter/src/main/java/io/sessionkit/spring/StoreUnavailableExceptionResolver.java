package io.sessionkit.spring;

import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.servlet.StoreUnavailableResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Answers a {@link SessionStoreUnavailableException} that reached Spring MVC from a controller (a
 * login in deny mode, a session list during an outage) with {@link StoreUnavailableResponse}'s 503
 * and {@code Retry-After}, instead of a 500.
 *
 * <p>Ordered last: Spring MVC's own resolver runs first, with the application's
 * {@code @ExceptionHandler} methods (in the controller or any {@code @ControllerAdvice}), so an
 * application that handles the exception itself, or every exception, keeps its answer. Thread-safe.
 */
final class StoreUnavailableExceptionResolver implements HandlerExceptionResolver, Ordered {

  private static final Logger log =
      LoggerFactory.getLogger(StoreUnavailableExceptionResolver.class);

  @Override
  public @Nullable ModelAndView resolveException(
      HttpServletRequest request,
      HttpServletResponse response,
      @Nullable Object handler,
      Exception ex) {
    if (!(ex instanceof SessionStoreUnavailableException)) {
      return null;
    }
    log.warn(
        "Session store unreachable during {} {}: answering 503",
        request.getMethod(),
        request.getRequestURI());
    try {
      StoreUnavailableResponse.send(response);
    } catch (IOException e) {
      log.debug("Could not write the 503", e);
    }
    // empty: handled, nothing left to render
    return new ModelAndView();
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }

  @Override
  public String toString() {
    return "StoreUnavailableExceptionResolver";
  }
}
