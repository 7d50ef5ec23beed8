package io.sessionkit.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the topologies of several {@link RedisProcess} share: addresses and {@code INFO}. */
final class RedisNodes {

  static final String HOST = "127.0.0.1";
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
  static final Duration POLL = Duration.ofMillis(100);

  private RedisNodes() {}

  /** {@code host:port} of a process. */
  static String address(RedisProcess process) {
    return HOST + ":" + process.port();
  }

  /** The process of {@code processes} at {@code node} ({@code host:port}). */
  static RedisProcess find(List<RedisProcess> processes, String node) {
    for (RedisProcess process : processes) {
      if (address(process).equals(node)) {
        return process;
      }
    }
    throw new IllegalArgumentException(node + " is not one of " + addresses(processes));
  }

  static List<String> addresses(List<RedisProcess> processes) {
    return processes.stream().map(RedisNodes::address).toList();
  }

  /** The fields of {@code INFO <section>}; empty when the server does not answer. */
  static Map<String, String> info(int port, String section) {
    Map<String, String> fields = new HashMap<>();
    try {
      for (String line : Resp.text(HOST, port, COMMAND_TIMEOUT, "INFO", section).split("\r?\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && !line.startsWith("#")) {
          fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
        }
      }
    } catch (IOException | RuntimeException notNow) {
      fields.clear();
    }
    return fields;
  }

  /** {@code redis-cli} beside {@code redis-server}, or else on the {@code PATH}. */
  static Path cli(Path serverBinary) {
    Path sibling = serverBinary.resolveSibling("redis-cli");
    if (Files.isExecutable(sibling)) {
      return sibling;
    }
    Optional<Path> onPath =
        java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
            .filter(dir -> !dir.isEmpty())
            .map(dir -> Path.of(dir, "redis-cli"))
            .filter(Files::isExecutable)
            .findFirst();
    return onPath.orElseThrow(
        () ->
            new IllegalStateException(
                "A Redis Cluster for tests needs redis-cli (beside "
                    + serverBinary
                    + " or on the PATH): apt-get install redis-tools"));
  }

  /** Closes every process, whatever happens; for constructors that fail half-way and close(). */
  static void closeAll(List<RedisProcess> processes) {
    for (RedisProcess process : processes) {
      process.close();
    }
  }
}
