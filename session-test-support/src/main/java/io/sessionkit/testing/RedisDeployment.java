package io.sessionkit.testing;

import java.nio.file.Path;
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
