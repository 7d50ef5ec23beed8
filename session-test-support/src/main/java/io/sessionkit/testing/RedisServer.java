package io.sessionkit.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

  /**
   * {@link #source()} of a private Redis Cluster: three masters with one replica each ({@link
   * #startCluster()}).
   */
  public static final String SOURCE_CLUSTER = "redis-cluster";

  /**
   * {@link #source()} of a private master, replica and three Sentinels ({@link #startSentinel()}).
   */
  public static final String SOURCE_SENTINEL = "redis-sentinel";

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

  /**
   * Starts a private Redis Cluster on free loopback ports: six {@code redis-server
   * --cluster-enabled yes} processes, three masters with one replica each, created by {@code
   * redis-cli --cluster create}. Returns once every slot is served and every replica is linked to
   * its master (a few seconds). {@link #nodes()} are the addresses to give a cluster client; {@link
   * #uri()} is the first node alone. Close it when done, or get one per test class from {@link
   * RedisExtension#privateCluster()}.
   *
   * @throws IllegalStateException when there is no {@code redis-server} or {@code redis-cli}, or
   *     the cluster does not come up within a minute
   */
  public static RedisServer startCluster() {
    return announce(new RedisServer(new ClusterDeployment(localBinary("startCluster()"))));
  }

  /**
   * Starts a private master, one replica and three Sentinels ({@code redis-server sentinel.conf
   * --sentinel}, quorum 2, the master down after 2 s without an answer) on free loopback ports.
   * {@link #uri()} is {@code redis-sentinel://host:port,host:port,host:port#sessionkit}; {@link
   * #nodes()} are the master and the replica. Returns once the Sentinels agree on the master and
   * know each other and the replica. Close it when done, or get one per test class from {@link
   * RedisExtension#privateSentinel()}.
   *
   * @throws IllegalStateException when there is no {@code redis-server}, or the group does not come
   *     up within a minute
   */
  public static RedisServer startSentinel() {
    return announce(new RedisServer(new SentinelDeployment(localBinary("startSentinel()"))));
  }

  private static Path localBinary(String operation) {
    return findBinary(System.getenv())
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "RedisServer."
                        + operation
                        + " needs a redis-server binary, and redis-server is not on the PATH. "
                        + HOW_TO_PROVIDE));
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
   * The data servers as {@code host:port}: a cluster's six nodes (the seed list a cluster client
   * takes), a Sentinel group's master and replica (in start order, whichever is master now).
   *
   * @throws UnsupportedOperationException for a single server
   */
  public synchronized List<String> nodes() {
    ensureOpen();
    return deployment.nodes();
  }

  /**
   * The data server ({@code host:port}) that takes writes of {@code key} now: the master of its
   * slot in a cluster, the master the Sentinels name in a Sentinel group.
   *
   * @throws IllegalStateException while no master serves it (a cluster between a master's death and
   *     its replica's promotion)
   * @throws UnsupportedOperationException for a single server
   */
  public synchronized String masterOf(String key) {
    ensureOpen();
    return deployment.masterOf(key);
  }

  /**
   * Kills one of {@link #nodes()} with SIGKILL, as when its machine dies: no save, nothing said to
   * its replicas or clients. Its replica takes over after the failure detection (about 2 s) and an
   * election.
   *
   * @throws UnsupportedOperationException for a single server (use {@link #stop()})
   */
  public synchronized void kill(String node) {
    ensureOpen();
    deployment.kill(node);
  }

  /**
   * Freezes one of {@link #nodes()} (SIGSTOP): it accepts connections and answers nothing.
   *
   * @throws UnsupportedOperationException for a single server (use {@link #pause()})
   */
  public synchronized void pause(String node) {
    ensureOpen();
    deployment.pause(node);
  }

  /** Undoes {@link #pause(String)}. */
  public synchronized void resume(String node) {
    ensureOpen();
    deployment.resume(node);
  }

  /**
   * Starts a killed node of {@link #nodes()} again on its port, empty: it rejoins as a replica of
   * whoever took over. Follow with {@link #awaitHealthy(Duration)}.
   */
  public synchronized void restart(String node) {
    ensureOpen();
    deployment.restart(node);
  }

  /**
   * Waits until every running server of a cluster or Sentinel group is back in its place: every
   * slot (or the master) served, every running replica linked to its master. Returns at once for a
   * single server.
   *
   * @throws IllegalStateException when that takes longer than {@code timeout}; the message shows
   *     each server's view
   */
  public synchronized void awaitHealthy(Duration timeout) {
    ensureOpen();
    deployment.awaitHealthy(timeout);
  }

  /**
   * The fields of {@code INFO <section>} of one of {@link #nodes()}, such as {@code
   * connected_slaves} in {@code replication} or {@code errorstat_TRYAGAIN} in {@code errorstats};
   * empty when it does not answer.
   */
  public Map<String, String> info(String node, String section) {
    int port = Integer.parseInt(node.substring(node.lastIndexOf(':') + 1));
    return RedisNodes.info(port, section);
  }

  /**
   * Moves the Redis Cluster slot of {@code key} to the master {@code target} (one of {@link
   * #nodes()}) as a resharding does: {@code CLUSTER SETSLOT … IMPORTING} on the target, {@code
   * MIGRATING} on the source, {@code MIGRATE} of each key of the slot, one at a time, then {@code
   * SETSLOT … NODE} on every master. {@code whenSplit} runs after the first key moved, while the
   * slot's keys are split between the two nodes (commands on several of them get {@code TRYAGAIN});
   * the rest moves once it returns. Not synchronized, so that other threads may use the handle
   * meanwhile.
   *
   * @throws UnsupportedOperationException unless this is a cluster
   */
  public void migrateSlotOf(String key, String target, Runnable whenSplit) {
    if (!(deployment instanceof ClusterDeployment cluster)) {
      throw deployment.unsupported("migrateSlotOf()");
    }
    ensureOpen();
    cluster.migrateSlotOf(key, target, whenSplit);
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
