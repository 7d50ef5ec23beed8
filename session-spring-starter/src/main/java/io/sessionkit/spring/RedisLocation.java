package io.sessionkit.spring;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Where the Redis session store connects, and where that setting came from: {@code
 * sessionkit.redis.url} or {@code sessionkit.redis.cluster.nodes} first (not both), else Spring
 * Boot's own {@code spring.data.redis.url}, else {@code spring.data.redis.cluster.nodes} (each node
 * with {@code spring.data.redis.username}, {@code .password} and {@code .ssl.enabled}), else a URI
 * built from {@code spring.data.redis.host}, {@code .port}, {@code .username}, {@code .password},
 * {@code .database} and {@code .ssl.enabled}. The properties are read from the {@link Environment},
 * so the starter needs no Spring Data Redis. A blank value counts as unset.
 *
 * <p>{@link #toString()} and {@link #safeDescription()} never contain the user name or password.
 *
 * @param uri the URI to hand to the store, empty for a cluster; may contain a password, never log
 *     it
 * @param clusterNodes the Redis Cluster nodes to hand to the store, empty for one server; may
 *     contain passwords
 * @param source the property (group) it came from
 */
record RedisLocation(String uri, List<String> clusterNodes, String source) {

  static final String SESSIONKIT_URL = "sessionkit.redis.url";
  static final String SESSIONKIT_CLUSTER_NODES = "sessionkit.redis.cluster.nodes";

  RedisLocation(String uri, String source) {
    this(uri, List.of(), source);
  }

  static RedisLocation cluster(List<String> nodes, String source) {
    return new RedisLocation("", List.copyOf(nodes), source);
  }

  /** Whether this is a Redis Cluster. */
  boolean isCluster() {
    return !clusterNodes.isEmpty();
  }

  private static final String SPRING = "spring.data.redis.";

  // scheme://, then optional user-info up to the last '@' before the host part, then the rest
  private static final Pattern SAFE =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)(?:[^/?#]*@)?([^@]*)");

  /** Whether any Redis is configured, that is whether {@link #resolve} finds one or fails. */
  static boolean isConfigured(Environment environment) {
    Binder binder = Binder.get(environment);
    return text(binder, SESSIONKIT_URL).isPresent()
        || !list(binder, SESSIONKIT_CLUSTER_NODES).isEmpty()
        || text(binder, SPRING + "url").isPresent()
        || text(binder, SPRING + "host").isPresent()
        || text(binder, SPRING + "sentinel.master").isPresent()
        || text(binder, SPRING + "cluster.nodes").isPresent()
        || text(binder, SPRING + "cluster.nodes[0]").isPresent();
  }

  /**
   * The configured Redis, or empty when there is none.
   *
   * @throws InvalidSessionKitConfigurationException when both sessionkit.redis.url and
   *     sessionkit.redis.cluster.nodes are set, or only a Spring Data Redis sentinel setup is
   *     configured, which the store cannot take from those properties
   */
  static Optional<RedisLocation> resolve(Environment environment) {
    Binder binder = Binder.get(environment);
    Optional<String> own = text(binder, SESSIONKIT_URL);
    List<String> ownNodes = list(binder, SESSIONKIT_CLUSTER_NODES);
    if (own.isPresent() && !ownNodes.isEmpty()) {
      throw new InvalidSessionKitConfigurationException(
          "both sessionkit.redis.url and sessionkit.redis.cluster.nodes are set",
          "set sessionkit.redis.url for one server or Sentinel, or"
              + " sessionkit.redis.cluster.nodes for a Redis Cluster, not both");
    }
    if (own.isPresent()) {
      return Optional.of(new RedisLocation(own.get(), SESSIONKIT_URL));
    }
    if (!ownNodes.isEmpty()) {
      return Optional.of(cluster(ownNodes, SESSIONKIT_CLUSTER_NODES));
    }
    Optional<String> url = text(binder, SPRING + "url");
    if (url.isPresent()) {
      return Optional.of(new RedisLocation(url.get(), SPRING + "url"));
    }
    if (text(binder, SPRING + "sentinel.master").isPresent()) {
      throw new InvalidSessionKitConfigurationException(
          "spring.data.redis.sentinel.* is set, but sessionkit reads only spring.data.redis.url"
              + " and spring.data.redis.host/port",
          "set sessionkit.redis.url=redis-sentinel://host:port[,host:port]#master");
    }
    List<String> springNodes = list(binder, SPRING + "cluster.nodes");
    if (!springNodes.isEmpty()) {
      List<String> nodes = new ArrayList<>(springNodes.size());
      for (String node : springNodes) {
        // Spring Data Redis gives host:port per node and the credentials once
        nodes.add(node.contains("://") ? node : springUri(binder, node, ""));
      }
      return Optional.of(cluster(nodes, SPRING + "cluster.nodes"));
    }
    Optional<String> host = text(binder, SPRING + "host");
    if (host.isEmpty()) {
      return Optional.empty();
    }
    int port = binder.bind(SPRING + "port", Integer.class).orElse(6379);
    int database = binder.bind(SPRING + "database", Integer.class).orElse(0);
    String h = host.get();
    String hostPort = (h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h) + ":" + port;
    return Optional.of(
        new RedisLocation(springUri(binder, hostPort, "/" + database), "spring.data.redis.host"));
  }

  // redis[s]://[user:password@]host:port[path] from spring.data.redis.username/password/ssl
  private static String springUri(Binder binder, String hostPort, String path) {
    boolean ssl = binder.bind(SPRING + "ssl.enabled", Boolean.class).orElse(false);
    Optional<String> username = text(binder, SPRING + "username");
    Optional<String> password = text(binder, SPRING + "password");
    StringBuilder uri = new StringBuilder(ssl ? "rediss://" : "redis://");
    if (password.isPresent()) {
      username.ifPresent(u -> uri.append(encode(u)));
      uri.append(':').append(encode(password.get())).append('@');
    } else if (username.isPresent()) {
      uri.append(encode(username.get())).append('@');
    }
    return uri.append(hostPort).append(path).toString();
  }

  /**
   * The URI without user name, password and query, such as {@code redis://10.0.0.7:6379/0}, for log
   * lines.
   */
  String safeDescription() {
    if (isCluster()) {
      return "Redis Cluster "
          + clusterNodes.stream()
              .map(node -> node.contains("://") ? safe(node) : node)
              .collect(Collectors.joining(","));
    }
    return safe(uri);
  }

  private static String safe(String uri) {
    Matcher m = SAFE.matcher(uri);
    if (!m.matches()) {
      return "(a Redis URI that is not of the form scheme://host...)";
    }
    String rest = m.group(2);
    int query = rest.indexOf('?');
    if (query >= 0) {
      int fragment = rest.indexOf('#', query);
      rest = rest.substring(0, query) + (fragment >= 0 ? rest.substring(fragment) : "");
    }
    return m.group(1) + rest;
  }

  @Override
  public String toString() {
    return "RedisLocation[" + safeDescription() + " from " + source + "]";
  }

  // a comma-separated value or an indexed list; blank entries dropped
  private static List<String> list(Binder binder, String name) {
    return binder
        .bind(name, org.springframework.boot.context.properties.bind.Bindable.listOf(String.class))
        .orElse(List.of())
        .stream()
        .map(String::strip)
        .filter(node -> !node.isEmpty())
        .toList();
  }

  private static Optional<String> text(Binder binder, String name) {
    String value = binder.bind(name, String.class).map(String::strip).orElse("");
    return value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  // Percent-encodes everything but RFC 3986 unreserved characters, so any user name or
  // password survives the trip through the URI's user-info part.
  private static String encode(@Nullable String value) {
    if (value == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        out.append(c);
      } else {
        out.append('%')
            .append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
            .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
