package io.sessionkit.servlet;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Recognises a CORS preflight: {@code OPTIONS} with {@code Origin} and {@code
 * Access-Control-Request-Method}. A browser sends it without cookies or {@code Authorization}, so
 * sessionkit's filter and endpoints let it pass to the host's CORS handling untouched instead of
 * refusing it as unauthenticated.
 */
final class Preflight {

  private Preflight() {}

  static boolean is(HttpServletRequest request) {
    return "OPTIONS".equals(request.getMethod())
        && request.getHeader("Origin") != null
        && request.getHeader("Access-Control-Request-Method") != null;
  }
}
