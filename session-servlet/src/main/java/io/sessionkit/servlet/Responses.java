package io.sessionkit.servlet;

import io.sessionkit.AuthenticationResult;
import io.sessionkit.Refresh;
import io.sessionkit.TokenVerification;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where outcomes become status codes and bodies, for the filter and the endpoints
 * alike. Every body is JSON ({@value #CONTENT_TYPE}); every error is {@code {"error": code,
 * "message": text}}, with messages that never contain a token. Responses are marked {@code
 * Cache-Control: no-store}, as they concern credentials.
 */
final class Responses {

  static final String CONTENT_TYPE = "application/json;charset=UTF-8";

  private static final Logger log = LoggerFactory.getLogger(Responses.class);

  private static final String SESSION_HAS_ENDED = "Session has ended";

  /**
   * Most request body bytes read and thrown away before a refusal, as Tomcat's {@code
   * maxSwallowSize} does: a client still uploading when the answer comes may otherwise see the
   * connection reset instead of the answer. Larger bodies are left to the container, which closes
   * the connection.
   */
  static final long MAX_DISCARD_BYTES = 2 * 1024 * 1024;

  private Responses() {}

  /**
   * Reads and drops what is left of the request body, up to {@link #MAX_DISCARD_BYTES}, so that the
   * connection can carry the answer (and the next request). Never throws.
   */
  static void discardBody(HttpServletRequest request) {
    long length = request.getContentLengthLong();
    if (length == 0 || length > MAX_DISCARD_BYTES) {
      return;
    }
    try {
      InputStream in = request.getInputStream();
      byte[] buffer = new byte[8192];
      long discarded = 0;
      int read;
      while (discarded <= MAX_DISCARD_BYTES && (read = in.read(buffer)) >= 0) {
        discarded += read;
      }
    } catch (IOException | RuntimeException e) {
      // a broken upload, or the body was already taken as a reader: the container copes
      log.debug("Could not discard the request body", e);
    }
  }

  /**
   * Refuses a request that needs authentication and did not get it, as {@code check} describes: 401
   * for a missing, invalid or expired token or an ended session, 503 when the store is unreachable
   * in deny mode. When a cookie brought a token whose session has ended, both cookies are cleared
   * so the browser stops sending them.
   */
  static void refuseUnauthenticated(
      HttpServletResponse response, RequestCheck check, SessionCookies cookies) throws IOException {
    Optional<AuthenticationResult> authentication = check.authentication();
    if (authentication.isEmpty()) {
      unauthorized(response, "Authentication required");
      return;
    }
    AuthenticationResult refused = authentication.get();
    // empty: not the caller's fault, 503
    Optional<String> message =
        switch (refused.status()) {
          case INVALID_TOKEN ->
              Optional.of(
                  refused.tokenStatus() == TokenVerification.Status.EXPIRED
                      ? "Access token expired"
                      : "Invalid access token");
          case SESSION_ENDED -> Optional.of(SESSION_HAS_ENDED);
          case STORE_UNAVAILABLE -> Optional.empty();
          case AUTHENTICATED ->
              throw new IllegalArgumentException("an authenticated request is not refused");
        };
    if (message.isEmpty()) {
      serviceUnavailable(response);
      return;
    }
    if (refused.status() == AuthenticationResult.Status.SESSION_ENDED
        && check.transport().filter(Credential.Transport.COOKIE::equals).isPresent()) {
      cookies.clear(response);
    }
    unauthorized(response, message.get());
  }

  /**
   * 401 for a refused refresh; the caller clears the cookies when they carried the token. A token
   * that names no live session and a wrong secret for a live one get the same message, so that the
   * answer does not tell whether a session id is live.
   */
  static void refreshRefused(HttpServletResponse response, Refresh.Status status)
      throws IOException {
    unauthorized(
        response,
        switch (status) {
          case REUSE_DETECTED ->
              "Refresh token was already used; the session has been ended for safety";
          case INVALID_TOKEN, SESSION_ENDED -> "Invalid refresh token";
          case REFRESHED ->
              throw new IllegalArgumentException("a successful refresh is not refused");
        });
  }

  /** 401 {@code unauthorized}. */
  static void unauthorized(HttpServletResponse response, String message) throws IOException {
    response.setHeader("WWW-Authenticate", "Bearer");
    error(response, HttpServletResponse.SC_UNAUTHORIZED, "unauthorized", message);
  }

  /** 403 {@code forbidden} for a cookie-authenticated request from a foreign origin. */
  static void crossSiteRefused(HttpServletResponse response) throws IOException {
    error(response, HttpServletResponse.SC_FORBIDDEN, "forbidden", "Cross-site request refused");
  }

  /** 429 {@code too_many_requests} with {@code Retry-After}: a throttled login. */
  static void tooManyRequests(HttpServletResponse response, long retryAfterSeconds)
      throws IOException {
    if (!response.isCommitted()) {
      response.setHeader("Retry-After", Long.toString(retryAfterSeconds));
    }
    error(response, 429, "too_many_requests", "Too many failed logins; try again later");
  }

  /** 404 {@code not_found}. */
  static void notFound(HttpServletResponse response, String message) throws IOException {
    error(response, HttpServletResponse.SC_NOT_FOUND, "not_found", message);
  }

  /** 405 {@code method_not_allowed} with the {@code Allow} header. */
  static void methodNotAllowed(HttpServletResponse response, String allow) throws IOException {
    response.setHeader("Allow", allow);
    error(
        response,
        HttpServletResponse.SC_METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "Method not allowed here; allowed: " + allow);
  }

  /** 400 {@code invalid_request}. */
  static void badRequest(HttpServletResponse response, String message) throws IOException {
    error(response, HttpServletResponse.SC_BAD_REQUEST, "invalid_request", message);
  }

  /** 413 {@code payload_too_large}. */
  static void payloadTooLarge(HttpServletResponse response, int limit) throws IOException {
    error(response, 413, "payload_too_large", "Request body must be at most " + limit + " bytes");
  }

  /** 415 {@code unsupported_media_type}, naming the media type expected. */
  static void unsupportedMediaType(HttpServletResponse response, String expected)
      throws IOException {
    response.setHeader("Accept", expected);
    error(
        response,
        HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "Request body must be sent as Content-Type: " + expected);
  }

  /**
   * 503 {@code service_unavailable} with {@code Retry-After}: the session store cannot be reached.
   */
  static void serviceUnavailable(HttpServletResponse response) throws IOException {
    if (!response.isCommitted()) {
      response.setHeader(
          "Retry-After", Long.toString(StoreUnavailableResponse.RETRY_AFTER.toSeconds()));
    }
    error(
        response,
        HttpServletResponse.SC_SERVICE_UNAVAILABLE,
        "service_unavailable",
        "Session store unavailable; try again shortly");
  }

  /** 200 with {@code body}, a map of JSON-able values written in its iteration order. */
  static void ok(HttpServletResponse response, Map<String, ?> body) throws IOException {
    json(response, HttpServletResponse.SC_OK, body);
  }

  /** 204 without a body. */
  static void noContent(HttpServletResponse response) {
    if (response.isCommitted()) {
      return;
    }
    response.setHeader("Cache-Control", "no-store");
    response.setStatus(HttpServletResponse.SC_NO_CONTENT);
  }

  private static void error(HttpServletResponse response, int status, String code, String message)
      throws IOException {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("error", code);
    body.put("message", message);
    json(response, status, body);
  }

  private static void json(HttpServletResponse response, int status, Object body)
      throws IOException {
    if (response.isCommitted()) {
      // something downstream already answered; nothing sensible can be added
      log.debug("Response already committed; not writing status {}", status);
      return;
    }
    byte[] bytes = Json.write(body);
    response.setStatus(status);
    response.setContentType(CONTENT_TYPE);
    response.setHeader("Cache-Control", "no-store");
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }
}
