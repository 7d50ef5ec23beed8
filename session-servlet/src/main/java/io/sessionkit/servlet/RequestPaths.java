package io.sessionkit.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The path of a request within its context, decoded and checked, for matching against path rules
 * and endpoint paths.
 *
 * <p>Containers route on the decoded, normalised path, so matching the raw URI would let {@code
 * /%61pi/x} slip past a rule for {@code /api/**}. Decoding is therefore done here, and any path
 * whose meaning could differ between this code and the container (dot segments, empty segments,
 * path parameters, encoded slashes or percent signs, backslashes, control characters, bad UTF-8) or
 * a raw {@code ?} or {@code #}, which belong to a query or fragment rather than a path) is reported
 * as unclean: callers treat it as protected and as no endpoint of theirs.
 */
final class RequestPaths {

  /** Longer paths are treated as unclean rather than decoded. */
  static final int MAX_LENGTH = 4096;

  private RequestPaths() {}

  /** The request's decoded path within its context, or empty when it is not clean. */
  static Optional<String> of(HttpServletRequest request) {
    String uri = request.getRequestURI();
    String context = request.getContextPath();
    if (uri == null) {
      return Optional.empty();
    }
    if (context == null) {
      context = "";
    }
    // both are undecoded; a context reached through an encoded variant of its path is unclean
    if (!uri.startsWith(context)) {
      return Optional.empty();
    }
    String path = uri.substring(context.length());
    return normalize(path.isEmpty() ? "/" : path);
  }

  /** {@code rawPath} decoded, or empty when it is not a clean absolute path. */
  static Optional<String> normalize(String rawPath) {
    if (rawPath.isEmpty() || rawPath.length() > MAX_LENGTH || rawPath.charAt(0) != '/') {
      return Optional.empty();
    }
    // clients percent-encode anything beyond ASCII; raw bytes there are read differently by
    // different containers
    for (int i = 0; i < rawPath.length(); i++) {
      char c = rawPath.charAt(i);
      // a raw '?' or '#' means a query or fragment was passed in as part of the path
      if (c > 0x7e || c == '?' || c == '#') {
        return Optional.empty();
      }
    }
    Optional<String> decoded = rawPath.indexOf('%') < 0 ? Optional.of(rawPath) : decode(rawPath);
    return decoded.filter(RequestPaths::isClean);
  }

  private static boolean isClean(String path) {
    if (path.contains("..") || path.contains("//") || path.endsWith("/.") || path.contains("/./")) {
      return false;
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f || c == ';' || c == '\\' || c == '%') {
        return false;
      }
    }
    return true;
  }

  /** Strict percent-decoding as UTF-8; an escape that decodes to a slash makes the path unclean. */
  private static Optional<String> decode(String raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          return Optional.empty();
        }
        int high = Character.digit(raw.charAt(i + 1), 16);
        int low = Character.digit(raw.charAt(i + 2), 16);
        if (high < 0 || low < 0) {
          return Optional.empty();
        }
        int b = (high << 4) | low;
        // %2F would make one segment look like two to some readers and not to others
        if (b == '/') {
          return Optional.empty();
        }
        bytes.write(b);
        i += 2;
      } else {
        bytes.write(c);
      }
    }
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes.toByteArray()))
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
