package io.sessionkit.testing;

import static io.sessionkit.testing.RedisNodes.COMMAND_TIMEOUT;
import static io.sessionkit.testing.RedisNodes.HOST;
import static io.sessionkit.testing.RedisNodes.POLL;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Redis Cluster of three masters with one replica each: six {@code redis-server --cluster-enabled
 * yes} processes on free loopback ports, joined by {@code redis-cli --cluster create}. {@link
 * #uri()} is the first node; clients that speak cluster take {@link #nodes()}.
 */
final class ClusterDeployment implements RedisDeployment {

  static final int MASTERS = 3;
  // a node is failed after this long without an answer; on a loaded machine less risks a failover
  // nobody asked for
  static final Duration NODE_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final int SLOTS = 16384;

  private final List<RedisProcess> nodes = new ArrayList<>();

  ClusterDeployment(Path binary) {
    Path cli = RedisNodes.cli(binary);
    try {
      for (int i = 0; i < 2 * MASTERS; i++) {
        nodes.add(
            new RedisProcess(
                binary,
                new RedisProcess.Launch(
                    dir -> List.of(),
                    List.of(
                        "--cluster-enabled",
                        "yes",
                        "--cluster-config-file",
                        "nodes.conf",
                        "--cluster-node-timeout",
                        Long.toString(NODE_TIMEOUT.toMillis())),
                    "Ready to accept connections",
                    true)));
      }
      create(cli);
      awaitHealthy(START_TIMEOUT);
    } catch (RuntimeException | Error e) {
      RedisNodes.closeAll(nodes);
      throw e;
    }
  }

  private void create(Path cli) {
    List<String> command = new ArrayList<>(List.of(cli.toString(), "--cluster", "create"));
    command.addAll(nodes());
    command.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
    try {
      Process create = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] output = create.getInputStream().readAllBytes();
      if (!create.waitFor(CREATE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          || create.exitValue() != 0) {
        create.destroyForcibly();
        throw new IllegalStateException(
            "redis-cli --cluster create failed:\n" + new String(output, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new IllegalStateException("Could not run " + cli, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating the cluster", e);
    }
  }

  @Override
  public String source() {
    return RedisServer.SOURCE_CLUSTER;
  }

  @Override
  public String uri() {
    return "redis://" + nodes().get(0);
  }

  @Override
  public int port() {
    return nodes.get(0).port();
  }

  @Override
  public List<String> nodes() {
    return RedisNodes.addresses(nodes);
  }

  @Override
  public String masterOf(String key) {
    for (RedisProcess asked : running()) {
      try {
        Object slot = Resp.call(HOST, asked.port(), COMMAND_TIMEOUT, "CLUSTER", "KEYSLOT", key);
        String table = Resp.text(HOST, asked.port(), COMMAND_TIMEOUT, "CLUSTER", "NODES");
        for (Node node : Node.parse(table)) {
          if (node.isMaster() && !node.failed() && node.serves((Long) slot)) {
            return node.address();
          }
        }
      } catch (IOException notThisOne) {
        // paused or busy: ask another node
      }
    }
    throw new IllegalStateException("No running node knows a master for " + key);
  }

  @Override
  public void kill(String node) {
    RedisNodes.find(nodes, node).kill();
  }

  @Override
  public void pause(String node) {
    RedisNodes.find(nodes, node).pause();
  }

  @Override
  public void resume(String node) {
    RedisNodes.find(nodes, node).resume();
  }

  @Override
  public void restart(String node) {
    // nodes.conf stays in the node's directory: it rejoins the cluster, as a replica if it lost
    // its slots meanwhile
    RedisNodes.find(nodes, node).restart(false);
  }

  /**
   * Moves the slot of {@code key} to the master {@code target} the way {@code redis-cli --cluster
   * reshard} does, one key at a time: IMPORTING on the target, MIGRATING on the source, MIGRATE of
   * each key, then the slot assigned to the target on every master. {@code whenSplit} runs after
   * the first key moved, while the slot's keys are split between the two nodes.
   */
  void migrateSlotOf(String key, String target, Runnable whenSplit) {
    try {
      String source = masterOf(key);
      if (source.equals(target)) {
        throw new IllegalArgumentException(key + " is on " + target + " already");
      }
      int sourcePort = RedisNodes.find(nodes, source).port();
      int targetPort = RedisNodes.find(nodes, target).port();
      String slot =
          Long.toString(
              (Long) Resp.call(HOST, sourcePort, COMMAND_TIMEOUT, "CLUSTER", "KEYSLOT", key));
      String sourceId = Resp.text(HOST, sourcePort, COMMAND_TIMEOUT, "CLUSTER", "MYID");
      String targetId = Resp.text(HOST, targetPort, COMMAND_TIMEOUT, "CLUSTER", "MYID");
      Resp.call(
          HOST, targetPort, COMMAND_TIMEOUT, "CLUSTER", "SETSLOT", slot, "IMPORTING", sourceId);
      Resp.call(
          HOST, sourcePort, COMMAND_TIMEOUT, "CLUSTER", "SETSLOT", slot, "MIGRATING", targetId);
      boolean split = false;
      while (true) {
        List<?> keys =
            (List<?>)
                Resp.call(HOST, sourcePort, COMMAND_TIMEOUT, "CLUSTER", "GETKEYSINSLOT", slot, "1");
        if (keys.isEmpty()) {
          break;
        }
        Resp.call(
            HOST,
            sourcePort,
            COMMAND_TIMEOUT,
            "MIGRATE",
            HOST,
            Integer.toString(targetPort),
            "",
            "0",
            "5000",
            "KEYS",
            (String) keys.get(0));
        if (!split) {
          split = true;
          whenSplit.run();
        }
      }
      for (RedisProcess node : running()) {
        if ("master".equals(RedisNodes.info(node.port(), "replication").get("role"))) {
          Resp.call(
              HOST, node.port(), COMMAND_TIMEOUT, "CLUSTER", "SETSLOT", slot, "NODE", targetId);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("Migrating the slot of " + key + " failed", e);
    }
  }

  @Override
  public void awaitHealthy(Duration timeout) {
    if (!Await.atMost(timeout).every(POLL).holds(this::healthy)) {
      StringBuilder state = new StringBuilder();
      for (RedisProcess node : running()) {
        state.append("\n").append(RedisNodes.address(node)).append(": ");
        try {
          state.append(Resp.text(HOST, node.port(), COMMAND_TIMEOUT, "CLUSTER", "NODES"));
        } catch (IOException e) {
          state.append(e);
        }
      }
      throw new IllegalStateException(
          "The cluster did not become healthy within " + timeout.toSeconds() + " s:" + state);
    }
  }

  // every running node: cluster ok with every slot served, no running node seen as failed, each
  // running replica linked to its master
  private boolean healthy() {
    List<String> up = RedisNodes.addresses(running());
    for (RedisProcess node : running()) {
      Map<String, String> info = RedisNodes.info(node.port(), "replication");
      if (info.isEmpty()) {
        return false;
      }
      if ("slave".equals(info.get("role")) && !"up".equals(info.get("master_link_status"))) {
        return false;
      }
      try {
        String clusterInfo = Resp.text(HOST, node.port(), COMMAND_TIMEOUT, "CLUSTER", "INFO");
        if (!clusterInfo.contains("cluster_state:ok")
            || !clusterInfo.contains("cluster_slots_ok:" + SLOTS)) {
          return false;
        }
        for (Node known :
            Node.parse(Resp.text(HOST, node.port(), COMMAND_TIMEOUT, "CLUSTER", "NODES"))) {
          if (up.contains(known.address()) && known.failed()) {
            return false;
          }
        }
      } catch (IOException notYet) {
        return false;
      }
    }
    return true;
  }

  private List<RedisProcess> running() {
    return nodes.stream().filter(RedisProcess::isRunning).toList();
  }

  @Override
  public void flushAll() {
    for (RedisProcess node : running()) {
      if ("master".equals(RedisNodes.info(node.port(), "replication").get("role"))) {
        node.flushAll();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return !running().isEmpty();
  }

  @Override
  public void close() {
    RedisNodes.closeAll(nodes);
  }

  /** One line of {@code CLUSTER NODES}. */
  record Node(String id, String address, List<String> flags, List<long[]> slots) {

    static List<Node> parse(String table) {
      List<Node> parsed = new ArrayList<>();
      for (String line : table.split("\n")) {
        String[] fields = line.strip().split(" ");
        if (fields.length < 8) {
          continue;
        }
        // ip:port@cport[,hostname]
        String address = fields[1].split("@")[0];
        List<long[]> slots = new ArrayList<>();
        for (int i = 8; i < fields.length; i++) {
          if (fields[i].startsWith("[")) {
            continue; // a slot being migrated or imported: still served by its owner
          }
          String[] range = fields[i].split("-");
          long from = Long.parseLong(range[0]);
          slots.add(new long[] {from, range.length > 1 ? Long.parseLong(range[1]) : from});
        }
        parsed.add(new Node(fields[0], address, List.of(fields[2].split(",")), slots));
      }
      return parsed;
    }

    boolean isMaster() {
      return flags.contains("master");
    }

    boolean failed() {
      return flags.contains("fail") || flags.contains("fail?");
    }

    boolean serves(long slot) {
      return slots.stream().anyMatch(range -> range[0] <= slot && slot <= range[1]);
    }
  }
}
