package io.sessionkit.example;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses API request bodies over {@value #MAX_BODY_BYTES} bytes with 413, before anything else
 * sees the request, whether the size is declared up front or only found while reading a chunked
 * body. The API's bodies are a few hundred bytes; nothing is gained by reading more.
 *
 * <p>A body of unknown length is read here, up to one byte past the limit, and handed on from
 * memory: a limit found only while a handler reads would come too late, after the handler (or
 * sessionkit's endpoints, which ignore the bodies they do not need) had answered.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1) // right after SecurityHeaders, so that its 413 has them
class BodyLimitFilter extends OncePerRequestFilter {

  static final int MAX_BODY_BYTES = 16 * 1024;

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().startsWith("/api/");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long declared = request.getContentLengthLong();
    if (declared > MAX_BODY_BYTES) {
      tooLarge(response);
      return;
    }
    if (declared >= 0 || request.getHeader("Transfer-Encoding") == null) {
      // a declared length within the limit: the container reads no more than that
      chain.doFilter(request, response);
      return;
    }
    byte[] body;
    try {
      body = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
    } catch (IOException | RuntimeException e) {
      // a broken upload (containers report some as unchecked exceptions)
      unreadable(response);
      return;
    }
    if (body.length > MAX_BODY_BYTES) {
      tooLarge(response);
      return;
    }
    chain.doFilter(new BufferedRequest(request, body), response);
  }

  private static void tooLarge(HttpServletResponse response) throws IOException {
    error(
        response,
        HttpStatus.CONTENT_TOO_LARGE,
        "The request body must be at most " + MAX_BODY_BYTES + " bytes");
  }

  private static void unreadable(HttpServletResponse response) throws IOException {
    error(response, HttpStatus.BAD_REQUEST, "The request body could not be read");
  }

  private static void error(HttpServletResponse response, HttpStatus status, String message)
      throws IOException {
    response.setStatus(status.value());
    response.setContentType("application/json;charset=UTF-8");
    response.getWriter().write(ApiErrors.json(status, message));
  }

  /** The request with its (chunked) body already read into memory. */
  private static final class BufferedRequest extends HttpServletRequestWrapper {
    private final byte[] body;
    private ServletInputStream stream;

    BufferedRequest(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }

    @Override
    public ServletInputStream getInputStream() {
      // one stream per request, as the container's: a second reader sees what the first left
      if (stream == null) {
        stream = newStream();
      }
      return stream;
    }

    private ServletInputStream newStream() {
      InputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() throws IOException {
          return in.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
          return in.read(buffer, offset, length);
        }

        @Override
        public boolean isFinished() {
          return available() == 0;
        }

        @Override
        public int available() {
          try {
            return in.available();
          } catch (IOException e) {
            return 0;
          }
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new IllegalStateException("the body is already read; no async reading");
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      return new BufferedReader(new InputStreamReader(getInputStream(), charset()));
    }

    private Charset charset() {
      String name = getCharacterEncoding();
      if (name == null) {
        return StandardCharsets.UTF_8;
      }
      try {
        return Charset.forName(name);
      } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
        return StandardCharsets.UTF_8;
      }
    }
  }
}
