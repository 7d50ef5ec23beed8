package io.sessionkit.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which request paths {@link SessionAuthenticationFilter} protects. A path is protected when it
 * matches a protect pattern and no permit pattern; on a protected path a request without a valid
 * token is refused, on any other path it continues anonymously.
 *
 * <p>A pattern is either an exact path ({@code /api/v1/auth/login}) or a prefix ending in {@code
 * /**} ({@code /api/**} matches {@code /api} and everything below it; {@code /**} matches every
 * path). Patterns are decoded paths, matched case-sensitively against the request path within its
 * context ({@link HttpServletRequest#getRequestURI()} without the context path), after
 * percent-decoding.
 *
 * <p>Fails safe: a path that cannot be matched reliably, because it contains {@code ..}, an empty
 * segment ({@code //}), a {@code .} segment, a path parameter ({@code ;}), a backslash, an encoded
 * slash or percent sign, a control character, raw non-ASCII, a raw {@code ?} or {@code #}, or bad
 * percent-encoding, is always protected.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class PathRules {

  private static final PathRules PROTECT_ALL = new PathRules(List.of("/**"), List.of());

  /** Longest pattern accepted. */
  static final int MAX_PATTERN_LENGTH = 1024;

  private final List<String> protect;
  private final List<String> permit;

  private PathRules(List<String> protect, List<String> permit) {
    this.protect = List.copyOf(protect);
    this.permit = List.copyOf(permit);
  }

  /** Rules protecting every path: the default of {@link SessionAuthenticationFilter}. */
  public static PathRules protectAll() {
    return PROTECT_ALL;
  }

  /** A builder; with no protect pattern, the built rules protect every path. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whether requests to {@code path} need a valid token.
   *
   * @param path a path within the context as sent on the wire (percent-encoded), such as {@code
   *     /api/orders/7}; the query string must not be included
   * @return true when the path matches a protect pattern and no permit pattern, and always true for
   *     a path that is not clean (see the class description)
   */
  public boolean isProtected(String path) {
    Objects.requireNonNull(path, "path");
    return isProtected(RequestPaths.normalize(path.isEmpty() ? "/" : path));
  }

  /** {@link #isProtected(String)} for the request's path within its context. */
  boolean isProtected(HttpServletRequest request) {
    return isProtected(RequestPaths.of(request));
  }

  private boolean isProtected(Optional<String> cleanPath) {
    if (cleanPath.isEmpty()) {
      return true;
    }
    String path = cleanPath.get();
    return matchesAny(protect, path) && !matchesAny(permit, path);
  }

  /** The protect patterns, in the order given. */
  public List<String> protectPatterns() {
    return protect;
  }

  /** The permit patterns, in the order given. */
  public List<String> permitPatterns() {
    return permit;
  }

  @Override
  public String toString() {
    return "PathRules[protect=" + protect + ", permit=" + permit + "]";
  }

  private static boolean matchesAny(List<String> patterns, String path) {
    for (String pattern : patterns) {
      if (matches(pattern, path)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(String pattern, String path) {
    if (pattern.endsWith("/**")) {
      String prefix = pattern.substring(0, pattern.length() - 3);
      return path.equals(prefix) || path.startsWith(prefix + "/");
    }
    return path.equals(pattern);
  }

  /** Checks one pattern; the message names the pattern and the rule it breaks. */
  static String validatePattern(String pattern) {
    Objects.requireNonNull(pattern, "pattern");
    if (pattern.length() > MAX_PATTERN_LENGTH) {
      throw new IllegalArgumentException(
          "path pattern must be at most "
              + MAX_PATTERN_LENGTH
              + " characters, but was "
              + pattern.length());
    }
    boolean prefix = pattern.endsWith("/**");
    String path = prefix ? pattern.substring(0, pattern.length() - 3) : pattern;
    if (!pattern.startsWith("/")) {
      throw invalid(pattern, "must start with '/'");
    }
    if (path.indexOf('*') >= 0) {
      throw invalid(pattern, "may contain '*' only as a trailing '/**'");
    }
    if (prefix ? path.endsWith("/") : path.length() > 1 && path.endsWith("/")) {
      throw invalid(pattern, "must not end with '/' (use an exact path or a '/**' prefix)");
    }
    if (!path.isEmpty() && RequestPaths.normalize(path).filter(path::equals).isEmpty()) {
      throw invalid(
          pattern,
          "must be a plain decoded path: no '..', '//', '.' segments, ';', '%', '?', '#', '\\',"
              + " non-ASCII or control characters");
    }
    if (path.indexOf(' ') >= 0) {
      throw invalid(pattern, "must not contain spaces");
    }
    return pattern;
  }

  private static IllegalArgumentException invalid(String pattern, String rule) {
    return new IllegalArgumentException(
        "path pattern must be an exact path like /api/me or a prefix like /api/**: it "
            + rule
            + ", but was '"
            + pattern
            + "'");
  }

  /**
   * Builds {@link PathRules}. Every call validates its patterns at once and throws {@link
   * IllegalArgumentException} naming the pattern and the rule it breaks. Not thread-safe.
   */
  public static final class Builder {

    private final List<String> protect = new ArrayList<>();
    private final List<String> permit = new ArrayList<>();

    private Builder() {}

    /** Adds patterns of paths that need a valid token. */
    public Builder protect(String... patterns) {
      protect.addAll(validated(patterns, "protect"));
      return this;
    }

    /**
     * Adds patterns of paths that are open to anonymous requests even inside a protected prefix.
     */
    public Builder permit(String... patterns) {
      permit.addAll(validated(patterns, "permit"));
      return this;
    }

    /**
     * The rules. When no protect pattern was given, every path is protected ({@code /**}), so that
     * {@code builder().permit("/login").build()} means "everything but /login".
     */
    public PathRules build() {
      return new PathRules(protect.isEmpty() ? List.of("/**") : protect, permit);
    }

    private static List<String> validated(String[] patterns, String what) {
      Objects.requireNonNull(patterns, what);
      List<String> valid = new ArrayList<>(patterns.length);
      for (String pattern : patterns) {
        Objects.requireNonNull(pattern, what + " patterns must not contain null");
        valid.add(validatePattern(pattern));
      }
      return valid;
    }
  }
}
