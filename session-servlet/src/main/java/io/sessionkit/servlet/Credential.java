package io.sessionkit.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;

/**
 * An access token as presented by a request, and how it was presented. {@link #toString()} never
 * shows the token.
 *
 * @param token the access token
 * @param transport whether it came in the {@code Authorization} header or in the cookie
 */
record Credential(String token, Transport transport) {

  /** Longest token read from the header; the token service refuses longer ones anyway. */
  static final int MAX_TOKEN_LENGTH = 8192;

  /** How a token reached the server. */
  enum Transport {
    /** {@code Authorization: Bearer}: sent by code on purpose, so not open to cross-site use. */
    BEARER,
    /** The access cookie: sent by the browser on its own, so checked for cross-site use. */
    COOKIE
  }

  /**
   * The token from a well-formed {@code Authorization: Bearer <token>}, else from the access
   * cookie. An {@code Authorization} header that is not one well-formed bearer token (another
   * scheme, an empty or oversized token, characters outside RFC 6750's token68, several headers) is
   * ignored rather than refused, so the cookie still counts. Never throws.
   */
  static Optional<Credential> read(HttpServletRequest request, SessionCookies cookies) {
    Optional<String> bearer = bearer(request);
    if (bearer.isPresent()) {
      return Optional.of(new Credential(bearer.get(), Transport.BEARER));
    }
    return cookies.accessToken(request).map(token -> new Credential(token, Transport.COOKIE));
  }

  private static Optional<String> bearer(HttpServletRequest request) {
    Enumeration<String> headers = request.getHeaders("Authorization");
    List<String> values = headers == null ? List.of() : Collections.list(headers);
    if (values.size() != 1) {
      return Optional.empty();
    }
    String value = values.get(0);
    if (value == null
        || value.length() > MAX_TOKEN_LENGTH + 16
        || value.length() < 8
        || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    String token = value.substring(7).strip();
    return isToken68(token) ? Optional.of(token) : Optional.empty();
  }

  /** RFC 6750 b64token: letters, digits, {@code -._~+/}, then optional trailing {@code =}. */
  private static boolean isToken68(String token) {
    if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
      return false;
    }
    int end = token.length();
    while (end > 0 && token.charAt(end - 1) == '=') {
      end--;
    }
    if (end == 0) {
      return false;
    }
    for (int i = 0; i < end; i++) {
      char c = token.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '.'
              || c == '_'
              || c == '~'
              || c == '+'
              || c == '/';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "Credential[transport=" + transport + ", token=(hidden)]";
  }
}
