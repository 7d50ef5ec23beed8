package io.sessionkit.example;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.sessionkit.SessionStoreUnavailableException;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every error the app answers, in the contract's one shape {@code {"error","message"}}, mapped from
 * status to error code in one place. Also the container's error page, so errors raised outside the
 * controllers look the same; nothing answers 500 for a client's input.
 */
@RestControllerAdvice
@RestController
class ApiErrors implements ErrorController {

  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  private static final Map<HttpStatus, String> CODES =
      Map.of(
          HttpStatus.BAD_REQUEST, "invalid_request",
          HttpStatus.UNAUTHORIZED, "unauthorized",
          HttpStatus.FORBIDDEN, "forbidden",
          HttpStatus.NOT_FOUND, "not_found",
          HttpStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
          HttpStatus.CONFLICT, "conflict",
          HttpStatus.CONTENT_TOO_LARGE, "payload_too_large",
          HttpStatus.TOO_MANY_REQUESTS, "too_many_requests",
          HttpStatus.SERVICE_UNAVAILABLE, "service_unavailable",
          HttpStatus.INTERNAL_SERVER_ERROR, "internal_error");

  /** The contract's error body. */
  record ErrorBody(@JsonProperty("error") String error, @JsonProperty("message") String message) {}

  static ResponseEntity<ErrorBody> answer(HttpStatus status, String message) {
    return ResponseEntity.status(status).body(new ErrorBody(code(status), message));
  }

  /** The contract's error code for a status; any other client error is an invalid request. */
  static String code(HttpStatus status) {
    return CODES.getOrDefault(
        status, status.is4xxClientError() ? "invalid_request" : "internal_error");
  }

  /**
   * The error body as JSON text, for the few places that write it without a message converter.
   * {@code message} must be one of this app's own fixed texts: it is not escaped beyond quotes and
   * backslashes, and must never carry client input.
   */
  static String json(HttpStatus status, String message) {
    return "{\"error\":\""
        + code(status)
        + "\",\"message\":\""
        + message.replace("\\", "\\\\").replace("\"", "\\\"")
        + "\"}";
  }

  /** The message for an error the container found before any handler ran. */
  static String containerMessage(HttpStatus status) {
    return switch (status) {
      case NOT_FOUND -> "No such endpoint";
      case CONTENT_TOO_LARGE -> "The request body is too large";
      case BAD_REQUEST -> "The request could not be read";
      case REQUEST_HEADER_FIELDS_TOO_LARGE -> "The request headers are too large";
      case URI_TOO_LONG -> "The request URI is too long";
      default -> status.getReasonPhrase();
    };
  }

  @ExceptionHandler(ApiException.class)
  ResponseEntity<ErrorBody> refused(ApiException e) {
    ResponseEntity<ErrorBody> answer = answer(e.status(), e.getMessage());
    return e.retryAfter()
        .map(
            wait ->
                ResponseEntity.status(e.status())
                    .header(
                        HttpHeaders.RETRY_AFTER,
                        Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000)))
                    .body(answer.getBody()))
        .orElse(answer);
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<ErrorBody> unreadable(HttpMessageNotReadableException e) {
    return answer(HttpStatus.BAD_REQUEST, "The request body must be a JSON object");
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  ResponseEntity<ErrorBody> notJson(HttpMediaTypeNotSupportedException e) {
    return answer(
        HttpStatus.BAD_REQUEST, "The request body must be JSON (Content-Type: application/json)");
  }

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  ResponseEntity<ErrorBody> wrongMethod(HttpRequestMethodNotSupportedException e) {
    return ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED)
        .headers(
            h ->
                h.setAllow(
                    e.getSupportedHttpMethods() == null
                        ? java.util.Set.of()
                        : e.getSupportedHttpMethods()))
        .body(
            new ErrorBody(
                "method_not_allowed", "Method " + e.getMethod() + " is not allowed here"));
  }

  @ExceptionHandler(NoResourceFoundException.class)
  ResponseEntity<ErrorBody> noSuchPath(NoResourceFoundException e) {
    return answer(HttpStatus.NOT_FOUND, "No such endpoint");
  }

  @ExceptionHandler(SessionStoreUnavailableException.class)
  ResponseEntity<ErrorBody> storeUnavailable(SessionStoreUnavailableException e) {
    log.warn("Answering 503: {}", e.getMessage());
    return answer(
        HttpStatus.SERVICE_UNAVAILABLE, "The session store is unavailable; try again shortly");
  }

  @ExceptionHandler(AccountsUnavailableException.class)
  ResponseEntity<ErrorBody> accountsUnavailable(AccountsUnavailableException e) {
    log.warn("Answering 503: {}", e.getMessage());
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .header(HttpHeaders.RETRY_AFTER, "1")
        .body(
            new ErrorBody(
                code(HttpStatus.SERVICE_UNAVAILABLE),
                "The account store is unavailable; try again shortly"));
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ErrorBody> bug(Exception e) {
    log.error("Unexpected error", e);
    return answer(HttpStatus.INTERNAL_SERVER_ERROR, "Unexpected error");
  }

  /** The container's error page: errors raised before or outside the controllers. */
  @RequestMapping("/error")
  ResponseEntity<ErrorBody> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    HttpStatus status = code instanceof Integer i ? HttpStatus.resolve(i) : null;
    if (status == null) {
      status = HttpStatus.INTERNAL_SERVER_ERROR;
    }
    return answer(status, containerMessage(status));
  }
}
