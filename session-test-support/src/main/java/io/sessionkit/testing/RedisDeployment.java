package io.sessionkit.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one Redis deployment behind a {@link RedisServer} can do. Each source is one: {@link
 * ExternalRedis} ({@code REDIS_URL}), {@link ContainerRedis} (Testcontainers) and {@link
 * RedisProcess} (a private standalone {@code redis-server}). A topology of several servers (a
 * Sentinel group, a cluster) is one more implementation, built from several {@link RedisProcess}
 * instances, whose {@link #uri()} is what a client connects to (such as {@code
 * redis-sentinel://…#master}).
 *
 * <p>Implementations need not be thread-safe: {@link RedisServer} calls them under its lock, except
 * {@link #close()} from a shutdown hook, which must work without it.
 */
interface RedisDeployment {

  /** Where it came from, one of {@link RedisServer}'s {@code SOURCE_*} values. */
  String source();

  /** The URI clients connect to. */
  String uri();

  /** The port of the server clients connect to; it stays the same across a restart. */
  int port();

  /** SIGSTOP or {@code docker pause}: connections are accepted, nothing is answered. */
  default void pause() {
    throw unsupported("pause()");
  }

  /** Undoes {@link #pause()}; nothing when not paused. */
  default void resume() {
    throw unsupported("resume()");
  }

  /** Shuts the server down, saving a dump first when asked; nothing when already down. */
  default void stop(boolean saveDump) {
    throw unsupported("stop()");
  }

  /** Starts the server again on the same port, with the saved dump or empty. */
  default void restart(boolean fromDump) {
    throw unsupported(fromDump ? "restartFromDump()" : "restart()");
  }

  /** Why {@code operation} is not possible here, and what a test should use instead. */
  default UnsupportedOperationException unsupported(String operation) {
    return new UnsupportedOperationException(
        operation + " is not possible on a Redis from " + source());
  }

  /** The data servers ({@code host:port}), for clients given a list of nodes. */
  default List<String> nodes() {
    throw unsupported("nodes()");
  }

  /** The data server ({@code host:port}) that accepts writes of {@code key} now. */
  default String masterOf(String key) {
    throw unsupported("masterOf()");
  }

  /** SIGKILL of one of {@link #nodes()}. */
  default void kill(String node) {
    throw unsupported("kill(node)");
  }

  /** SIGSTOP of one of {@link #nodes()}. */
  default void pause(String node) {
    throw unsupported("pause(node)");
  }

  /** SIGCONT of one of {@link #nodes()}. */
  default void resume(String node) {
    throw unsupported("resume(node)");
  }

  /** Starts a killed or stopped node of {@link #nodes()} again on its port, empty. */
  default void restart(String node) {
    throw unsupported("restart(node)");
  }

  /**
   * Waits until every running server is back in its role: replicas linked to their master, every
   * slot or the master served.
   *
   * @throws IllegalStateException when that takes longer than {@code timeout}
   */
  default void awaitHealthy(Duration timeout) {}

  /** Deletes every key. */
  void flushAll();

  /** Whether the server is up, paused or not. */
  boolean isRunning();

  /** Stops the server for good and deletes its files; never throws. */
  void close();

  /** The process id while a local process runs. */
  default OptionalLong pid() {
    return OptionalLong.empty();
  }

  /** The private directory of a local process. */
  default Optional<Path> directory() {
    return Optional.empty();
  }
}
