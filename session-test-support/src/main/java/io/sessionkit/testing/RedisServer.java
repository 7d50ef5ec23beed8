package io.sessionkit.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis for tests, and the handle that shuts it down again.
 *
 * <p>{@link #start()} takes the first of these that is available:
 *
 * <ol>
 *   <li>the URL in the environment variable {@code REDIS_URL} (source {@code "env"});
 *   <li>a {@code redis:7-alpine} container through Testcontainers, when a Docker engine answers
 *       (source {@code "testcontainers"});
 *   <li>a private {@code redis-server} process on a free loopback port, the binary named by {@code
 *       REDIS_SERVER_BIN} or else found on the {@code PATH} (source {@code "redis-server"}).
 * </ol>
 *
 * <p>When there is none it throws an {@link IllegalStateException} that says how to provide one: a
 * test that needs Redis fails, it is never skipped. {@link #startLocal(String...)} always starts a
 * private {@code redis-server} process; use it for fault tests, since only such a server can be
 * paused, stopped and restarted on the same port. Most tests get their server from {@link
 * RedisExtension} instead of calling these.
 *
 * <p>What a handle can do depends on its source. A server behind {@code REDIS_URL} belongs to
 * someone else: {@link #pause()}, {@link #stop()}, the restarts and {@link #flushAll()} throw
 * {@link UnsupportedOperationException}. A container can be paused and flushed but not stopped and
 * restarted, because Docker gives a restarted container a new host port. A {@code redis-server}
 * process can do everything.
 *
 * <p>Each source is a {@link RedisDeployment}; this class adds the choice between them, the lock
 * and the closed state. A standalone server is one {@link RedisProcess}; a topology of several
 * servers (Sentinel, Cluster) is added as one more deployment built from several of them, with its
 * own factory method here.
 *
 * <p>Thread-safe: every operation is synchronized on the handle. {@link #close()} stops the server
 * and deletes its files; a JVM shutdown hook does the same for handles a test forgot to close, so
 * no {@code redis-server} process outlives the test run (short of the JVM being killed).
 */
public final class RedisServer implements AutoCloseable {

  /** {@link #source()} of a server given by the {@code REDIS_URL} environment variable. */
  public static final String SOURCE_ENV = "env";

  /** {@link #source()} of a Testcontainers container. */
  public static final String SOURCE_TESTCONTAINERS = "testcontainers";

  /** {@link #source()} of a private {@code redis-server} process. */
  public static final String SOURCE_REDIS_SERVER = "redis-server";

  static final String HOW_TO_PROVIDE =
      "Provide Redis in one of these ways: set REDIS_URL=redis://host:port to use a running"
          + " Redis; install redis-server so that it is on the PATH (e.g. `apt-get install"
          + " redis-server`); set REDIS_SERVER_BIN=/path/to/redis-server; or run a Docker engine"
          + " so that Testcontainers can start redis:7-alpine. Tests that pause, stop or restart"
          + " Redis need redis-server (on the PATH or in REDIS_SERVER_BIN).";

  private static final Logger log = LoggerFactory.getLogger(RedisServer.class);

  private final RedisDeployment deployment;
  private boolean closed;

  private RedisServer(RedisDeployment deployment) {
    this.deployment = deployment;
  }

  /**
   * A Redis from the first available source: {@code REDIS_URL}, then Testcontainers, then a {@code
   * redis-server} process (see the class description). Close it when done; tests usually get a
   * shared one from {@link RedisExtension} instead.
   *
   * @throws IllegalStateException when no source is available (the message says how to provide
   *     one), or the chosen one does not start
   */
  public static RedisServer start() {
    return start(System.getenv());
  }

  /**
   * Starts a private {@code redis-server} process on a free loopback port, ignoring {@code
   * REDIS_URL} and Docker, for tests that pause, stop or restart Redis. Close it when done, best
   * with try-with-resources, or get one per test class from {@link
   * RedisExtension#privateServer(String...)}.
   *
   * @param extraArgs more {@code redis-server} arguments, such as {@code "--maxmemory", "1mb"};
   *     they come after the defaults and so override them
   * @throws IllegalStateException when there is no {@code redis-server} binary (the message says
   *     how to provide one) or it does not answer {@code PING} within 10 seconds
   */
  public static RedisServer startLocal(String... extraArgs) {
    return startLocal(System.getenv(), extraArgs);
  }

  /** {@link #start()} with the environment as a parameter, so tests can vary it. */
  static RedisServer start(Map<String, String> env) {
    String url = env.get("REDIS_URL");
    if (url != null && !url.isBlank()) {
      return announce(new RedisServer(new ExternalRedis(url.strip())));
    }
    if (dockerAvailable()) {
      try {
        return announce(new RedisServer(new ContainerRedis()));
      } catch (RuntimeException | LinkageError e) {
        // Docker answers but the container did not come up (say, the image cannot be pulled):
        // a local binary still serves the tests, and without one the failure is the news.
        if (findBinary(env).isEmpty()) {
          throw new IllegalStateException(
              "Docker is available but the redis:7-alpine container did not start. "
                  + HOW_TO_PROVIDE,
              e);
        }
        log.warn("The redis:7-alpine container did not start; using redis-server instead", e);
      }
    }
    Path binary =
        findBinary(env)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "No Redis for the tests: REDIS_URL is not set, no Docker engine is"
                            + " available, and redis-server is not on the PATH. "
                            + HOW_TO_PROVIDE));
    return announce(new RedisServer(new RedisProcess(binary, List.of())));
  }

  /** {@link #startLocal(String...)} with the environment as a parameter. */
  static RedisServer startLocal(Map<String, String> env, String... extraArgs) {
    Path binary =
        findBinary(env)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "RedisServer.startLocal() needs a redis-server binary, and redis-server"
                            + " is not on the PATH. "
                            + HOW_TO_PROVIDE));
    return announce(new RedisServer(new RedisProcess(binary, List.of(extraArgs))));
  }

  /**
   * The URI to connect to, such as {@code redis://127.0.0.1:39211}. For {@code REDIS_URL} it is
   * that URL unchanged, credentials included: do not log it.
   */
  public String uri() {
    return deployment.uri();
  }

  /** The TCP port the server listens on; it stays the same across {@link #restart()}. */
  public int port() {
    return deployment.port();
  }

  /**
   * Where the server came from: {@value #SOURCE_ENV}, {@value #SOURCE_TESTCONTAINERS} or {@value
   * #SOURCE_REDIS_SERVER}.
   */
  public String source() {
    return deployment.source();
  }

  /**
   * Freezes the server (SIGSTOP, or {@code docker pause}) so that it accepts connections but
   * answers nothing, as a hung Redis does; commands then run into their client timeout. Does
   * nothing when already paused.
   *
   * @throws UnsupportedOperationException for a {@code REDIS_URL} server
   * @throws IllegalStateException when the server is stopped or closed
   */
  public synchronized void pause() {
    ensureOpen();
    deployment.pause();
  }

  /**
   * Lets a paused server run again (SIGCONT, or {@code docker unpause}); commands sent meanwhile
   * are then answered. Does nothing when not paused.
   *
   * @throws UnsupportedOperationException for a {@code REDIS_URL} server
   */
  public synchronized void resume() {
    ensureOpen();
    deployment.resume();
  }

  /**
   * Shuts the server down without saving ({@code SHUTDOWN NOSAVE}) and returns once its port
   * refuses connections. Equivalent to {@code stop(false)}.
   *
   * @throws UnsupportedOperationException unless the source is {@value #SOURCE_REDIS_SERVER}
   */
  public synchronized void stop() {
    stop(false);
  }

  /**
   * Shuts the server down and returns once its port refuses connections. With {@code saveDump} it
   * shuts down with {@code SHUTDOWN SAVE}, which writes {@code dump.rdb} into the server's private
   * directory (even though periodic snapshots are off) for {@link #restartFromDump()}. A paused
   * server is resumed first, since a frozen process cannot shut itself down. Does nothing when
   * already stopped.
   *
   * @throws UnsupportedOperationException unless the source is {@value #SOURCE_REDIS_SERVER}
   * @throws IllegalStateException when {@code saveDump} is set and Redis fails to save
   */
  public synchronized void stop(boolean saveDump) {
    ensureOpen();
    deployment.stop(saveDump);
  }

  /**
   * Starts the server again on the same port, empty: a dump from {@link #stop(boolean) stop(true)}
   * is discarded. A running server is stopped first. Returns once it answers {@code PING}.
   *
   * @throws UnsupportedOperationException unless the source is {@value #SOURCE_REDIS_SERVER}
   * @throws IllegalStateException when the port was taken meanwhile or the server does not start
   */
  public synchronized void restart() {
    ensureOpen();
    deployment.restart(false);
  }

  /**
   * Starts the server again on the same port with the data that {@link #stop(boolean) stop(true)}
   * saved. A running server is first stopped with {@code SHUTDOWN SAVE}. Returns once the dump is
   * loaded and the server answers {@code PING}.
   *
   * @throws UnsupportedOperationException unless the source is {@value #SOURCE_REDIS_SERVER}
   * @throws IllegalStateException when there is no dump, the port was taken meanwhile or the server
   *     does not start
   */
  public synchronized void restartFromDump() {
    ensureOpen();
    deployment.restart(true);
  }

  /**
   * Deletes every key ({@code FLUSHALL}). Only for a server this handle owns.
   *
   * @throws UnsupportedOperationException for a {@code REDIS_URL} server, which may hold data that
   *     is not the tests' to delete
   * @throws IllegalStateException when the server is stopped, paused or does not answer
   */
  public synchronized void flushAll() {
    ensureOpen();
    deployment.flushAll();
  }

  /**
   * Whether the server process or container is up, paused or not. A {@code REDIS_URL} server is
   * assumed to be running; a closed handle is not running.
   */
  public synchronized boolean isRunning() {
    return !closed && deployment.isRunning();
  }

  /**
   * Stops the server, forcibly if it does not stop gracefully, and deletes its files. A {@code
   * REDIS_URL} server is left alone. Idempotent; other methods throw after it.
   */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      deployment.close();
    }
  }

  /** The process id of a {@code redis-server} process while it runs, for tests of this class. */
  synchronized OptionalLong pid() {
    return deployment.pid();
  }

  /** The private directory of a {@code redis-server} process, for tests of this class. */
  Optional<Path> directory() {
    return deployment.directory();
  }

  @Override
  public String toString() {
    return "RedisServer[source=" + source() + ", uri=" + redact(uri()) + "]";
  }

  /** A URI with any user and password replaced, fit for logs and messages. */
  static String redact(String uri) {
    return uri.replaceFirst("(?<=://)[^@/]*@", "***@");
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(this + " is closed");
    }
  }

  private static RedisServer announce(RedisServer server) {
    log.info("Redis for tests: {}", server);
    return server;
  }

  private static boolean dockerAvailable() {
    try {
      return ContainerRedis.dockerAvailable();
    } catch (Throwable e) {
      // Also catches NoClassDefFoundError: a test class path without Testcontainers simply has
      // no Docker.
      log.debug("No Docker for Testcontainers", e);
      return false;
    }
  }

  /**
   * The redis-server binary: {@code REDIS_SERVER_BIN} when set (and then it must be executable,
   * because a silent fallback would hide a typo), else the first {@code redis-server} on the {@code
   * PATH}.
   */
  private static Optional<Path> findBinary(Map<String, String> env) {
    String configured = env.get("REDIS_SERVER_BIN");
    if (configured != null && !configured.isBlank()) {
      Path binary = Path.of(configured.strip());
      if (!Files.isRegularFile(binary) || !Files.isExecutable(binary)) {
        throw new IllegalStateException(
            "REDIS_SERVER_BIN must name an executable file, but was '"
                + configured
                + "'. "
                + HOW_TO_PROVIDE);
      }
      return Optional.of(binary);
    }
    String path = env.getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, "redis-server");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
