package io.sessionkit.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushListener;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * The near-cache's invalidations on a Redis Cluster: one connection to every master, each with
 * {@code CLIENT TRACKING on BCAST PREFIX <the users' indexes>}. In broadcast mode a master sends an
 * invalidation for every change of a key under the prefix to every such connection, whatever
 * connection read the key, so verdicts are filled through the store's own cluster connection and a
 * user's index is watched on whichever master holds its slot.
 *
 * <p>Verdicts may be kept only while {@link #ready()}: every master of the current topology has an
 * open tracking connection. Whatever breaks that (a tracking connection lost, a master added or
 * gone, any topology change Lettuce reports) calls {@code onLoss}, which drops the whole cache: a
 * change on a master that no connection watched would otherwise go unseen. Thread-safe.
 */
final class ClusterTracking implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ClusterTracking.class);

  private final RedisClusterClient cluster;
  private final RedisClient client;
  private final RedisURI seed;
  private final String prefix;
  private final PushListener onPush;
  private final Runnable onLoss;
  private final Disposable topologyChanges;
  // per master node id: its tracking connection
  // concurrent: the connections' listeners run on Lettuce's threads, which must never wait for
  // ready(), since ready() may wait for them while it connects
  private final Map<String, StatefulRedisConnection<String, String>> connections =
      new ConcurrentHashMap<>();
  private final Set<String> lost = ConcurrentHashMap.newKeySet();
  private boolean closed;

  /**
   * @param cluster the store's cluster client: the topology, and its events
   * @param seed a node's URI: credentials, TLS and timeouts for the masters' connections
   * @param prefix the key prefix of the users' indexes
   * @param onPush gets every invalidation
   * @param onLoss drops the whole cache
   */
  ClusterTracking(
      RedisClusterClient cluster,
      RedisURI seed,
      Duration commandTimeout,
      String prefix,
      PushListener onPush,
      Runnable onLoss) {
    this.cluster = cluster;
    this.seed = seed;
    this.prefix = prefix;
    this.onPush = onPush;
    this.onLoss = onLoss;
    this.client = RedisClient.create();
    this.client.setOptions(
        ClientOptions.builder()
            .protocolVersion(ProtocolVersion.RESP3)
            // a tracking connection that comes back has lost its tracking: it is replaced instead
            .autoReconnect(false)
            .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
            .build());
    this.topologyChanges =
        cluster
            .getResources()
            .eventBus()
            .get()
            .filter(ClusterTopologyChangedEvent.class::isInstance)
            .subscribe(event -> topologyChanged());
  }

  /**
   * Whether every master of the current topology is watched; connects to those that are not. A
   * master that cannot be reached makes it false (the caller then asks Redis without the cache).
   */
  synchronized boolean ready() {
    if (closed) {
      return false;
    }
    Map<String, RedisURI> masters = new HashMap<>();
    for (RedisClusterNode node : cluster.getPartitions()) {
      if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && node.getUri() != null) {
        masters.put(node.getNodeId(), node.getUri());
      }
    }
    boolean changed = false;
    for (String id : Set.copyOf(connections.keySet())) {
      if (!masters.containsKey(id) || lost.remove(id) || !connections.get(id).isOpen()) {
        connections.remove(id).closeAsync();
        changed = true;
      }
    }
    if (changed) {
      onLoss.run();
    }
    for (Map.Entry<String, RedisURI> master : masters.entrySet()) {
      if (!connections.containsKey(master.getKey())) {
        try {
          connections.put(master.getKey(), track(master.getKey(), master.getValue()));
        } catch (RuntimeException e) {
          log.debug("Near-cache: no tracking connection to {}", master.getValue(), e);
          return false;
        }
      }
    }
    return !masters.isEmpty();
  }

  private StatefulRedisConnection<String, String> track(String id, RedisURI node) {
    RedisURI uri = RedisURI.builder(seed).withHost(node.getHost()).withPort(node.getPort()).build();
    StatefulRedisConnection<String, String> connection = client.connect(StringCodec.UTF8, uri);
    connection.addListener(onPush);
    connection.addListener(
        new RedisConnectionStateListener() {
          @Override
          public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
            // invalidations sent meanwhile are lost: nothing cached can be trusted
            lost.add(id);
            onLoss.run();
          }
        });
    try {
      connection.sync().clientTracking(TrackingArgs.Builder.enabled().bcast().prefixes(prefix));
    } catch (RuntimeException e) {
      connection.closeAsync();
      throw e;
    }
    return connection;
  }

  private void topologyChanged() {
    // a master that no connection watches yet may already hold users' indexes
    onLoss.run();
    lost.addAll(connections.keySet().stream().filter(id -> !isMaster(id)).toList());
  }

  private boolean isMaster(String id) {
    RedisClusterNode node = cluster.getPartitions().getPartitionByNodeId(id);
    return node != null && node.is(RedisClusterNode.NodeFlag.UPSTREAM);
  }

  /** Closes every tracking connection; the next {@link #ready()} opens them again. */
  synchronized void drop() {
    for (StatefulRedisConnection<String, String> connection : connections.values()) {
      connection.closeAsync();
    }
    connections.clear();
    lost.clear();
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      drop();
    }
    topologyChanges.dispose();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
