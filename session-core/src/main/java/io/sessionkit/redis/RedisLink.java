package io.sessionkit.redis;

import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;

/**
 * One connection, to a single server or to a whole Redis Cluster, with the commands both kinds
 * share: everything sessionkit sends has its keys in one slot, so the cluster connection routes it
 * to that slot's master.
 */
record RedisLink(
    StatefulConnection<String, String> connection,
    RedisClusterCommands<String, String> sync,
    RedisClusterAsyncCommands<String, String> async) {

  static RedisLink of(StatefulRedisConnection<String, String> connection) {
    return new RedisLink(connection, connection.sync(), connection.async());
  }

  static RedisLink of(StatefulRedisClusterConnection<String, String> connection) {
    return new RedisLink(connection, connection.sync(), connection.async());
  }

  /** The commands of one server, and its address. */
  record Node(String address, RedisClusterCommands<String, String> sync) {}

  /**
   * The server that takes writes of {@code key}: on a cluster, the connection to its slot's master
   * that this connection routes the key's commands through (so that a {@code WAIT} there counts
   * their writes); elsewhere, this connection.
   *
   * @throws RedisException when no master serves the slot now
   */
  Node master(String key) {
    if (connection instanceof StatefulRedisClusterConnection<String, String> cluster) {
      RedisClusterNode master = cluster.getPartitions().getMasterBySlot(SlotHash.getSlot(key));
      if (master == null) {
        throw new RedisException("no master serves slot " + SlotHash.getSlot(key) + " now");
      }
      String host = master.getUri().getHost();
      int port = master.getUri().getPort();
      return new Node(host + ":" + port, cluster.getConnection(host, port).sync());
    }
    return new Node("", sync);
  }
}
