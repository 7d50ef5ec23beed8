package io.sessionkit.spring;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.cors.DefaultCorsProcessor;

/**
 * Applies the application's {@link CorsConfigurationSource} ahead of sessionkit's filters, so that
 * its endpoints and every answer of the filter (a 401 included) carry the CORS headers a browser on
 * another origin needs, and preflights are answered before anything asks for a session.
 *
 * <ul>
 *   <li>A preflight the configuration allows is answered 200 with the {@code
 *       Access-Control-Allow-*} headers; one it does not allow, 403 {@code
 *       {"error":"forbidden","message":"CORS preflight refused"}}; one for a path the configuration
 *       does not cover passes on.
 *   <li>Any other request passes on, with the CORS headers added when its origin is allowed. A
 *       request from an origin that is not allowed is not refused here (the browser withholds the
 *       answer from the page; sessionkit's own origin check still guards cookie-authenticated
 *       unsafe requests), so non-browser clients and same-site pages behind a proxy keep working.
 * </ul>
 *
 * Thread-safe.
 */
final class SessionKitCorsFilter implements Filter {

  private static final byte[] REFUSED =
      "{\"error\":\"forbidden\",\"message\":\"CORS preflight refused\"}"
          .getBytes(StandardCharsets.UTF_8);

  private final CorsConfigurationSource source;
  private final DefaultCorsProcessor processor = new LenientCorsProcessor();

  SessionKitCorsFilter(CorsConfigurationSource source) {
    this.source = source;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request)
        || !(res instanceof HttpServletResponse response)
        || !isCorsRequest(request)) {
      chain.doFilter(req, res);
      return;
    }
    CorsConfiguration config = source.getCorsConfiguration(request);
    if (config == null) {
      chain.doFilter(request, response);
      return;
    }
    boolean allowed = processor.processRequest(config, request, response);
    if (!CorsUtils.isPreFlightRequest(request)) {
      chain.doFilter(request, response);
      return;
    }
    response.setHeader("Cache-Control", "no-store");
    if (allowed) {
      response.setStatus(HttpServletResponse.SC_OK);
      return;
    }
    response.setStatus(HttpServletResponse.SC_FORBIDDEN);
    response.setContentType("application/json;charset=UTF-8");
    response.setContentLength(REFUSED.length);
    response.getOutputStream().write(REFUSED);
  }

  // An Origin that is no URL (bytes a browser never sends) makes Spring's check throw: such a
  // request is no CORS request, and sessionkit's own origin check judges it further on.
  private static boolean isCorsRequest(HttpServletRequest request) {
    try {
      return CorsUtils.isCorsRequest(request);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "SessionKitCorsFilter[" + source + "]";
  }

  /** Refuses by leaving the headers out; the filter decides what a refusal answers. */
  private static final class LenientCorsProcessor extends DefaultCorsProcessor {

    @Override
    protected void rejectRequest(ServerHttpResponse response) {
      // nothing written: see the class description
    }
  }
}
