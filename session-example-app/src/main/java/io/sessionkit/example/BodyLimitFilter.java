package io.sessionkit.example;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses API request bodies over {@value #MAX_BODY_BYTES} bytes with 413, whether the size is
 * declared up front or only found while reading a chunked body. The API's bodies are a few
 * hundred bytes; nothing is gained by reading more.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class BodyLimitFilter extends OncePerRequestFilter {

  static final int MAX_BODY_BYTES = 16 * 1024;

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().startsWith("/api/");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (request.getContentLengthLong() > MAX_BODY_BYTES) {
      tooLarge(response);
      return;
    }
    LimitedRequest limited = new LimitedRequest(request);
    chain.doFilter(limited, response);
    if (limited.exceeded && !response.isCommitted()) {
      response.resetBuffer();
      tooLarge(response);
    }
  }

  private static void tooLarge(HttpServletResponse response) throws IOException {
    response.setStatus(HttpStatus.PAYLOAD_TOO_LARGE.value());
    response.setContentType("application/json;charset=UTF-8");
    response.setHeader("Connection", "close");
    response.getWriter().write(
        "{\"error\":\"payload_too_large\",\"message\":\"The request body must be at most " + MAX_BODY_BYTES + " bytes\"}");
  }

  private static final class LimitedRequest extends HttpServletRequestWrapper {
    private boolean exceeded;
    private ServletInputStream stream;

    LimitedRequest(HttpServletRequest request) {
      super(request);
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        ServletInputStream in = super.getInputStream();
        stream = new ServletInputStream() {
          private long read;

          @Override
          public int read() throws IOException {
            int b = in.read();
            if (b >= 0 && ++read > MAX_BODY_BYTES) {
              exceeded = true;
              throw new IOException("request body over " + MAX_BODY_BYTES + " bytes");
            }
            return b;
          }

          @Override
          public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
              read += n;
              if (read > MAX_BODY_BYTES) {
                exceeded = true;
                throw new IOException("request body over " + MAX_BODY_BYTES + " bytes");
              }
            }
            return n;
          }

          @Override
          public boolean isFinished() {
            return in.isFinished();
          }

          @Override
          public boolean isReady() {
            return in.isReady();
          }

          @Override
          public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
          }
        };
      }
      return stream;
    }
  }
}
