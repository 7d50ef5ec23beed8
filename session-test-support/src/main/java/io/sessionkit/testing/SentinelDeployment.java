package io.sessionkit.testing;

import static io.sessionkit.testing.RedisNodes.COMMAND_TIMEOUT;
import static io.sessionkit.testing.RedisNodes.HOST;
import static io.sessionkit.testing.RedisNodes.POLL;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A master, one replica and three Sentinels ({@code redis-server sentinel.conf --sentinel}) on free
 * loopback ports. {@link #uri()} is {@code redis-sentinel://s1,s2,s3#}{@value #MASTER_NAME}; {@link
 * #nodes()} are the two data servers, master first.
 */
final class SentinelDeployment implements RedisDeployment {

  static final String MASTER_NAME = "sessionkit";
  static final int SENTINELS = 3;
  // the master is down for the Sentinels after this long without an answer
  static final Duration DOWN_AFTER = Duration.ofSeconds(2);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final List<RedisProcess> data = new ArrayList<>();
  private final List<RedisProcess> sentinels = new ArrayList<>();

  SentinelDeployment(Path binary) {
    try {
      RedisProcess master = new RedisProcess(binary, List.of());
      data.add(master);
      data.add(
          new RedisProcess(binary, List.of("--replicaof", HOST, Integer.toString(master.port()))));
      for (int i = 0; i < SENTINELS; i++) {
        sentinels.add(
            new RedisProcess(
                binary,
                new RedisProcess.Launch(
                    dir -> List.of(writeConfig(dir, master.port()).toString(), "--sentinel"),
                    List.of(),
                    "+monitor master",
                    false)));
      }
      awaitHealthy(START_TIMEOUT);
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  // Sentinel rewrites its configuration: it lives in the process's own directory
  private static Path writeConfig(Path dir, int masterPort) {
    Path config = dir.resolve("sentinel.conf");
    String quorum = Integer.toString(SENTINELS / 2 + 1);
    try {
      Files.writeString(
          config,
          String.join(
              "\n",
              "sentinel monitor " + MASTER_NAME + " " + HOST + " " + masterPort + " " + quorum,
              "sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER.toMillis(),
              "sentinel failover-timeout " + MASTER_NAME + " 10000",
              "sentinel parallel-syncs " + MASTER_NAME + " 1",
              ""));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write " + config, e);
    }
    return config;
  }

  @Override
  public String source() {
    return RedisServer.SOURCE_SENTINEL;
  }

  @Override
  public String uri() {
    return "redis-sentinel://"
        + sentinels.stream().map(RedisNodes::address).collect(Collectors.joining(","))
        + "#"
        + MASTER_NAME;
  }

  @Override
  public int port() {
    return sentinels.get(0).port();
  }

  @Override
  public List<String> nodes() {
    return RedisNodes.addresses(data);
  }

  /** The master as the Sentinels see it, whatever {@code key}. */
  @Override
  public String masterOf(String key) {
    for (RedisProcess sentinel : sentinels) {
      if (!sentinel.isRunning()) {
        continue;
      }
      try {
        Object reply =
            Resp.call(
                HOST,
                sentinel.port(),
                COMMAND_TIMEOUT,
                "SENTINEL",
                "GET-MASTER-ADDR-BY-NAME",
                MASTER_NAME);
        if (reply instanceof List<?> address && address.size() == 2) {
          return address.get(0) + ":" + address.get(1);
        }
      } catch (IOException notThisOne) {
        // ask the next
      }
    }
    throw new IllegalStateException("No Sentinel answered where master " + MASTER_NAME + " is");
  }

  @Override
  public void kill(String node) {
    RedisNodes.find(data, node).kill();
  }

  @Override
  public void pause(String node) {
    RedisNodes.find(data, node).pause();
  }

  @Override
  public void resume(String node) {
    RedisNodes.find(data, node).resume();
  }

  /** Starts a data server again, empty; the Sentinels turn it into a replica of the master. */
  @Override
  public void restart(String node) {
    RedisNodes.find(data, node).restart(false);
  }

  @Override
  public void awaitHealthy(Duration timeout) {
    if (!Await.atMost(timeout).every(POLL).holds(this::healthy)) {
      StringBuilder state = new StringBuilder();
      for (RedisProcess sentinel : sentinels) {
        state
            .append("\nsentinel ")
            .append(RedisNodes.address(sentinel))
            .append(": ")
            .append(RedisNodes.info(sentinel.port(), "sentinel").get("master0"));
      }
      for (RedisProcess node : data) {
        state
            .append("\n")
            .append(RedisNodes.address(node))
            .append(": ")
            .append(RedisNodes.info(node.port(), "replication"));
      }
      throw new IllegalStateException(
          "The Sentinel group did not become healthy within " + timeout.toSeconds() + " s" + state);
    }
  }

  // every Sentinel sees the same master, ok, with the others and the replica; the master is a
  // running master; every other running data server is its replica, linked up
  private boolean healthy() {
    String master = null;
    for (RedisProcess sentinel : sentinels) {
      String line = RedisNodes.info(sentinel.port(), "sentinel").get("master0");
      if (line == null
          || !line.contains("status=ok")
          || !line.contains("slaves=1")
          || !line.contains("sentinels=" + SENTINELS)) {
        return false;
      }
      String address = line.replaceFirst(".*address=([^,]*).*", "$1");
      if (master != null && !master.equals(address)) {
        return false;
      }
      master = address;
    }
    for (RedisProcess node : data) {
      if (!node.isRunning()) {
        continue;
      }
      Map<String, String> replication = RedisNodes.info(node.port(), "replication");
      if (RedisNodes.address(node).equals(master)) {
        if (!"master".equals(replication.get("role"))) {
          return false;
        }
      } else if (!"slave".equals(replication.get("role"))
          || !"up".equals(replication.get("master_link_status"))
          || !(HOST + ":" + replication.get("master_port")).equals(master)) {
        return false;
      }
    }
    return master != null && RedisNodes.find(data, master).isRunning();
  }

  @Override
  public void flushAll() {
    RedisNodes.find(data, masterOf("")).flushAll();
  }

  @Override
  public boolean isRunning() {
    return data.stream().anyMatch(RedisProcess::isRunning);
  }

  @Override
  public void close() {
    RedisNodes.closeAll(sentinels);
    RedisNodes.closeAll(data);
  }
}
