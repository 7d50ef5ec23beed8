package io.sessionkit.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens connections to one Redis deployment: a single server (directly or through Sentinel) or a
 * Redis Cluster. Each kind checks on connecting that it reached the deployment it was configured
 * for, and names it in messages with real addresses and no credentials. Thread-safe.
 */
sealed interface RedisConnector permits RedisConnector.Single, RedisConnector.Cluster {

  /** MOVED and ASK redirections followed per command before it fails. */
  int MAX_REDIRECTS = 5;

  /** Between adaptive topology refreshes (a MOVED, a lost node) at the most. */
  Duration ADAPTIVE_REFRESH_TIMEOUT = Duration.ofSeconds(1);

  /** The cluster's topology is read again this often, whatever happens. */
  Duration PERIODIC_REFRESH = Duration.ofSeconds(10);

  /**
   * A new connection.
   *
   * @throws RedisException when Redis cannot be reached
   * @throws IllegalStateException when what answered is not the configured kind of deployment (the
   *     message says what to configure instead)
   */
  RedisLink connect();

  /** A new pub/sub connection. */
  StatefulRedisPubSubConnection<String, String> connectPubSub();

  /** Where the deployment is, for messages and logs: addresses, never credentials. */
  String describe();

  /** Closes the client; connections must be closed first. */
  void shutdown();

  static RedisConnector single(RedisURI uri, Duration commandTimeout, Duration connectTimeout) {
    return new Single(uri, commandTimeout, connectTimeout);
  }

  static RedisConnector cluster(
      List<RedisURI> nodes, Duration commandTimeout, Duration connectTimeout) {
    return new Cluster(nodes, commandTimeout, connectTimeout);
  }

  /** One server, given directly ({@code redis://}, {@code rediss://}) or by Sentinels. */
  final class Single implements RedisConnector {

    private static final Logger log = LoggerFactory.getLogger(Single.class);

    private final RedisURI uri;
    private final RedisClient client;

    Single(RedisURI uri, Duration commandTimeout, Duration connectTimeout) {
      this.uri = uri;
      this.uri.setTimeout(commandTimeout);
      this.client = RedisClient.create();
      this.client.setOptions(
          ClientOptions.builder()
              .autoReconnect(true)
              // fail fast while disconnected instead of piling requests up behind a dead socket
              .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
              .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
              .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
              .build());
    }

    /** The server's URI, for a store that opens a connection of its own (the near-cache). */
    RedisURI uri() {
      return uri;
    }

    @Override
    public RedisLink connect() {
      StatefulRedisConnection<String, String> connection = client.connect(StringCodec.UTF8, uri);
      try {
        refuseClusterNode(connection);
      } catch (RuntimeException e) {
        connection.closeAsync();
        throw e;
      }
      log.info("Connected to {}", describe());
      return RedisLink.of(connection);
    }

    // A cluster node answers only for its own slots: MOVED for every other key, which would fail
    // most users' requests while health says UP.
    private void refuseClusterNode(StatefulRedisConnection<String, String> connection) {
      String info;
      try {
        info = connection.sync().info("cluster");
      } catch (io.lettuce.core.RedisCommandExecutionException e) {
        // an ACL without INFO: nothing to check with
        log.debug("Could not check whether {} is a cluster node", describe(), e);
        return;
      }
      if (info.contains("cluster_enabled:1")) {
        throw new IllegalStateException(
            describe()
                + " is a Redis Cluster node (cluster_enabled:1): one connection to it reaches only"
                + " its own slots. Give the cluster's nodes instead of a URI:"
                + " RedisSessionStore.builder().clusterNodes(\"host:port\", ...), in Spring Boot"
                + " sessionkit.redis.cluster.nodes (or spring.data.redis.cluster.nodes), in the"
                + " example app REDIS_CLUSTER_NODES");
      }
    }

    @Override
    public StatefulRedisPubSubConnection<String, String> connectPubSub() {
      return client.connectPubSub(StringCodec.UTF8, uri);
    }

    @Override
    public String describe() {
      if (uri.getSentinelMasterId() != null) {
        return "Redis master '"
            + uri.getSentinelMasterId()
            + "' of the Sentinels at "
            + uri.getSentinels().stream()
                .map(s -> s.getHost() + ":" + s.getPort())
                .collect(Collectors.joining(","));
      }
      if (uri.getSocket() != null) {
        return "Redis at " + uri.getSocket();
      }
      return "Redis at " + uri.getHost() + ":" + uri.getPort();
    }

    @Override
    public void shutdown() {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  /**
   * A Redis Cluster. Topology refresh is on, both adaptive (a MOVED, ASK or lost connection makes
   * the client read the slots again, at most once per {@link #ADAPTIVE_REFRESH_TIMEOUT}) and
   * periodic: without it the client keeps sending to a dead master after a failover.
   */
  final class Cluster implements RedisConnector {

    private static final Logger log = LoggerFactory.getLogger(Cluster.class);

    private final List<RedisURI> nodes;
    private final RedisClusterClient client;

    Cluster(List<RedisURI> nodes, Duration commandTimeout, Duration connectTimeout) {
      this.nodes = List.copyOf(nodes);
      for (RedisURI node : this.nodes) {
        node.setTimeout(commandTimeout);
      }
      this.client = RedisClusterClient.create(this.nodes);
      this.client.setOptions(
          ClusterClientOptions.builder()
              .autoReconnect(true)
              .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
              .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
              .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
              .maxRedirects(MAX_REDIRECTS)
              .topologyRefreshOptions(
                  ClusterTopologyRefreshOptions.builder()
                      .enableAllAdaptiveRefreshTriggers()
                      .adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_TIMEOUT)
                      .enablePeriodicRefresh(PERIODIC_REFRESH)
                      .build())
              .build());
    }

    @Override
    public RedisLink connect() {
      StatefulRedisClusterConnection<String, String> connection;
      try {
        connection = client.connect(StringCodec.UTF8);
      } catch (RedisException e) {
        if (mentions(e, "cluster support disabled")) {
          throw new IllegalStateException(
              "A node of "
                  + describe()
                  + " is not a Redis Cluster node (cluster support disabled). For a single"
                  + " server give its URI instead: RedisSessionStore.builder().uri(\"redis://host:port\"),"
                  + " in Spring Boot sessionkit.redis.url",
              e);
        }
        throw e;
      }
      try {
        refuseForeignNodes(connection);
      } catch (RuntimeException e) {
        connection.closeAsync();
        throw e;
      }
      log.info("Connected to {}", describe());
      return RedisLink.of(connection);
    }

    // Seeds of two clusters make the client follow one of them: the other's users would be
    // served by the wrong cluster, or not at all.
    private void refuseForeignNodes(StatefulRedisClusterConnection<String, String> connection) {
      Set<String> members = new TreeSet<>();
      for (RedisClusterNode node : connection.getPartitions()) {
        members.add(address(node.getUri()));
      }
      List<String> foreign = new ArrayList<>();
      for (RedisURI seed : nodes) {
        if (!members.contains(address(seed))) {
          foreign.add(seed.getHost() + ":" + seed.getPort());
        }
      }
      if (!foreign.isEmpty()) {
        throw new IllegalStateException(
            "The Redis Cluster nodes "
                + nodes.stream().map(n -> n.getHost() + ":" + n.getPort()).toList()
                + " do not form one cluster: "
                + foreign
                + " are not among the nodes of the cluster reached, "
                + members
                + ". List nodes of one cluster only");
      }
    }

    private static String address(RedisURI uri) {
      String host = uri.getHost();
      try {
        host = InetAddress.getByName(host).getHostAddress();
      } catch (UnknownHostException unresolved) {
        // compared as written
      }
      return host + ":" + uri.getPort();
    }

    private static boolean mentions(Throwable e, String text) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (String.valueOf(t.getMessage()).contains(text)) {
          return true;
        }
        for (Throwable suppressed : t.getSuppressed()) {
          if (mentions(suppressed, text)) {
            return true;
          }
        }
      }
      return false;
    }

    @Override
    public StatefulRedisPubSubConnection<String, String> connectPubSub() {
      return client.connectPubSub(StringCodec.UTF8);
    }

    /** The cluster client: its topology and events, for the near-cache's tracking connections. */
    RedisClusterClient client() {
      return client;
    }

    /** A configured node: credentials, TLS and timeouts that every node's connection uses. */
    RedisURI seed() {
      return nodes.get(0);
    }

    @Override
    public String describe() {
      return "Redis Cluster at "
          + nodes.stream()
              .map(n -> n.getHost() + ":" + n.getPort())
              .collect(Collectors.joining(","));
    }

    @Override
    public void shutdown() {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
