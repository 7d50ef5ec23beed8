package io.sessionkit.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

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
 * paused, stopped and restarted on the same port.
 *
 * <p>What a handle can do depends on its source. A server behind {@code REDIS_URL} belongs to
 * someone else: {@link #pause()}, {@link #stop()}, the restarts and {@link #flushAll()} throw
 * {@link UnsupportedOperationException}. A container can be paused and flushed but not stopped and
 * restarted, because Docker gives a restarted container a new host port. A {@code redis-server}
 * process can do everything.
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

  private static final Logger log = LoggerFactory.getLogger(RedisServer.class);

  private static final String HOW_TO_PROVIDE =
      "Provide Redis in one of these ways: set REDIS_URL=redis://host:port to use a running"
          + " Redis; install redis-server so that it is on the PATH (e.g. `apt-get install"
          + " redis-server`); set REDIS_SERVER_BIN=/path/to/redis-server; or run a Docker engine"
          + " so that Testcontainers can start redis:7-alpine. Tests that pause, stop or restart"
          + " Redis need redis-server (on the PATH or in REDIS_SERVER_BIN).";

  private final Backend backend;
  private boolean closed;

  private RedisServer(Backend backend) {
    this.backend = backend;
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
   * with try-with-resources.
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
    return announce(new RedisServer(new LocalRedis(binary, List.of())));
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
    return announce(new RedisServer(new LocalRedis(binary, List.of(extraArgs))));
  }

  /**
   * The URI to connect to, such as {@code redis://127.0.0.1:39211}. For {@code REDIS_URL} it is
   * that URL unchanged, credentials included: do not log it.
   */
  public String uri() {
    return backend.uri();
  }

  /** The TCP port the server listens on; it stays the same across {@link #restart()}. */
  public int port() {
    return backend.port();
  }

  /**
   * Where the server came from: {@value #SOURCE_ENV}, {@value #SOURCE_TESTCONTAINERS} or {@value
   * #SOURCE_REDIS_SERVER}.
   */
  public String source() {
    return backend.source();
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
    backend.pause();
  }

  /**
   * Lets a paused server run again (SIGCONT, or {@code docker unpause}); commands sent meanwhile
   * are then answered. Does nothing when not paused.
   *
   * @throws UnsupportedOperationException for a {@code REDIS_URL} server
   */
  public synchronized void resume() {
    ensureOpen();
    backend.resume();
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
    backend.stop(saveDump);
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
    backend.restart(false);
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
    backend.restart(true);
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
    backend.flushAll();
  }

  /**
   * Whether the server process or container is up, paused or not. A {@code REDIS_URL} server is
   * assumed to be running; a closed handle is not running.
   */
  public synchronized boolean isRunning() {
    return !closed && backend.isRunning();
  }

  /**
   * Stops the server, forcibly if it does not stop gracefully, and deletes its files. A {@code
   * REDIS_URL} server is left alone. Idempotent; other methods throw after it.
   */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      backend.close();
    }
  }

  /** The process id of a {@code redis-server} process while it runs, for tests of this class. */
  synchronized OptionalLong pid() {
    return backend.pid();
  }

  /** The private directory of a {@code redis-server} process, for tests of this class. */
  Optional<Path> directory() {
    return backend.directory();
  }

  @Override
  public String toString() {
    return "RedisServer[source=" + source() + ", uri=" + redact(uri()) + "]";
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
      // Also catches NoClassDefFoundError: modules that use this class from the test-jar may
      // not have Testcontainers on their test class path, and then there is simply no Docker.
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

  /** A URI with any user and password replaced, fit for logs and messages. */
  static String redact(String uri) {
    return uri.replaceFirst("(?<=://)[^@/]*@", "***@");
  }

  /** What each source can do; {@link RedisServer} adds the locking and the closed state. */
  private interface Backend {

    String source();

    String uri();

    int port();

    void pause();

    void resume();

    void stop(boolean saveDump);

    void restart(boolean fromDump);

    void flushAll();

    boolean isRunning();

    void close();

    default OptionalLong pid() {
      return OptionalLong.empty();
    }

    default Optional<Path> directory() {
      return Optional.empty();
    }
  }

  /** A server named by {@code REDIS_URL}: someone else's, so it is only connected to. */
  private static final class ExternalRedis implements Backend {

    private final String uri;
    private final int port;

    ExternalRedis(String uri) {
      this.uri = uri;
      URI parsed;
      try {
        parsed = URI.create(uri);
      } catch (IllegalArgumentException e) {
        // The value is not shown: it may hold a password.
        throw new IllegalStateException(
            "REDIS_URL must be a URI such as redis://host:port, but it does not parse", e);
      }
      String authority = parsed.getRawAuthority();
      if (authority == null || authority.endsWith(":")) {
        // "redis://host:" would quietly mean 6379, likely a Redis that is not the tests' own.
        throw new IllegalStateException(
            "REDIS_URL must be a URI such as redis://host:port, but was " + redact(uri));
      }
      // Like Lettuce: no port means Redis's default.
      this.port = parsed.getPort() > 0 ? parsed.getPort() : 6379;
    }

    @Override
    public String source() {
      return SOURCE_ENV;
    }

    @Override
    public String uri() {
      return uri;
    }

    @Override
    public int port() {
      return port;
    }

    @Override
    public void pause() {
      throw unsupported("pause()");
    }

    @Override
    public void resume() {
      throw unsupported("resume()");
    }

    @Override
    public void stop(boolean saveDump) {
      throw unsupported("stop()");
    }

    @Override
    public void restart(boolean fromDump) {
      throw unsupported(fromDump ? "restartFromDump()" : "restart()");
    }

    @Override
    public void flushAll() {
      throw new UnsupportedOperationException(
          "flushAll() is not possible: REDIS_URL points to a Redis these tests do not own ("
              + redact(uri)
              + "), and it may hold data that is not theirs to delete. Use keys unique to the"
              + " test, or a private server from RedisServer.startLocal().");
    }

    @Override
    public boolean isRunning() {
      return true;
    }

    @Override
    public void close() {
      // not ours to stop
    }

    private UnsupportedOperationException unsupported(String operation) {
      return new UnsupportedOperationException(
          operation
              + " is not possible: REDIS_URL points to a Redis these tests do not control ("
              + redact(uri)
              + "). A test that pauses, stops or restarts Redis must use a private server from"
              + " RedisServer.startLocal().");
    }
  }

  /**
   * A {@code redis:7-alpine} container. Only this class names Testcontainers types, so the rest of
   * the support works where Testcontainers is not on the class path.
   */
  private static final class ContainerRedis implements Backend {

    private static final int REDIS_PORT = 6379;

    private final GenericContainer<?> container;
    private final String host;
    private final int port;
    private boolean paused;

    static boolean dockerAvailable() {
      return DockerClientFactory.instance().isDockerAvailable();
    }

    ContainerRedis() {
      GenericContainer<?> started =
          new GenericContainer<>(DockerImageName.parse("redis:7-alpine"))
              .withExposedPorts(REDIS_PORT);
      started.start();
      this.container = started;
      this.host = started.getHost();
      this.port = started.getMappedPort(REDIS_PORT);
    }

    @Override
    public String source() {
      return SOURCE_TESTCONTAINERS;
    }

    @Override
    public String uri() {
      return "redis://" + host + ":" + port;
    }

    @Override
    public int port() {
      return port;
    }

    @Override
    public void pause() {
      if (!paused) {
        container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
        paused = true;
      }
    }

    @Override
    public void resume() {
      if (paused) {
        container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
        paused = false;
      }
    }

    @Override
    public void stop(boolean saveDump) {
      throw unsupported("stop()");
    }

    @Override
    public void restart(boolean fromDump) {
      throw unsupported(fromDump ? "restartFromDump()" : "restart()");
    }

    @Override
    public void flushAll() {
      if (paused) {
        throw new IllegalStateException("flushAll() on a paused server would hang; resume() it");
      }
      LocalRedis.flushAll(host, port);
    }

    @Override
    public boolean isRunning() {
      return container.isRunning();
    }

    @Override
    public void close() {
      try {
        resume();
      } catch (RuntimeException e) {
        log.debug("Could not unpause the Redis container before stopping it", e);
      }
      container.stop();
    }

    private static UnsupportedOperationException unsupported(String operation) {
      return new UnsupportedOperationException(
          operation
              + " is not possible on a Testcontainers Redis: Docker gives a restarted container"
              + " a new host port. A test that stops or restarts Redis must use a private server"
              + " from RedisServer.startLocal().");
    }
  }

  /** A private {@code redis-server} child process with its own temporary directory. */
  private static final class LocalRedis implements Backend {

    private static final String HOST = "127.0.0.1";
    private static final String DUMP = "dump.rdb";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(250);
    private static final int PORT_ATTEMPTS = 3;

    private final Path binary;
    private final List<String> extraArgs;
    private final Path dir;
    private final Path logFile;
    private final Thread cleanup;
    private final int port;
    // volatile: the shutdown hook reads it without the handle's lock
    private volatile @Nullable Process process;
    private boolean paused;

    LocalRedis(Path binary, List<String> extraArgs) {
      this.binary = binary;
      this.extraArgs = List.copyOf(extraArgs);
      try {
        this.dir = Files.createTempDirectory("sessionkit-redis-");
      } catch (IOException e) {
        throw new UncheckedIOException("Could not create a directory for redis-server", e);
      }
      this.logFile = dir.resolve("redis.log");
      this.cleanup = new Thread(this::killAndDelete, "sessionkit-redis-cleanup");
      Runtime.getRuntime().addShutdownHook(cleanup);
      try {
        this.port = launchOnFreePort();
      } catch (RuntimeException | Error e) {
        close();
        throw e;
      }
    }

    @Override
    public String source() {
      return SOURCE_REDIS_SERVER;
    }

    @Override
    public String uri() {
      return "redis://" + HOST + ":" + port;
    }

    @Override
    public int port() {
      return port;
    }

    @Override
    public void pause() {
      Process running = requireRunning("pause()");
      if (!paused) {
        signal(running, "STOP");
        paused = true;
      }
    }

    @Override
    public void resume() {
      Process current = process;
      if (paused && current != null && current.isAlive()) {
        signal(current, "CONT");
      }
      paused = false;
    }

    @Override
    public void stop(boolean saveDump) {
      Process current = process;
      if (current == null || !current.isAlive()) {
        process = null;
        paused = false;
        return;
      }
      // A stopped (SIGSTOP) process reads no SHUTDOWN and acts on no SIGTERM.
      resume();
      String reply;
      try {
        reply = Resp.send(HOST, port, COMMAND_TIMEOUT, "SHUTDOWN", saveDump ? "SAVE" : "NOSAVE");
      } catch (IOException e) {
        if (saveDump) {
          throw new IllegalStateException(
              "redis-server on port " + port + " did not answer SHUTDOWN SAVE" + logTail(), e);
        }
        reply = null; // the signals below still stop it
      }
      if (saveDump && reply != null) {
        // Only a failed SHUTDOWN answers; a successful one just closes the connection.
        throw new IllegalStateException(
            "redis-server on port " + port + " refused SHUTDOWN SAVE: " + reply + logTail());
      }
      terminate(current);
      process = null;
      awaitPortClosed();
    }

    @Override
    public void restart(boolean fromDump) {
      stop(fromDump);
      if (fromDump && !Files.isRegularFile(dir.resolve(DUMP))) {
        throw new IllegalStateException(
            "restartFromDump() found no " + DUMP + " in " + dir + "; stop(true) writes one");
      }
      if (!launch(port, fromDump)) {
        throw new IllegalStateException(
            "redis-server could not restart on port "
                + port
                + ": another process took the port while Redis was stopped"
                + logTail());
      }
    }

    @Override
    public void flushAll() {
      requireRunning("flushAll()");
      if (paused) {
        throw new IllegalStateException("flushAll() on a paused server would hang; resume() it");
      }
      flushAll(HOST, port);
    }

    static void flushAll(String host, int port) {
      String reply;
      try {
        reply = Resp.send(host, port, COMMAND_TIMEOUT, "FLUSHALL");
      } catch (IOException e) {
        throw new IllegalStateException("FLUSHALL on " + host + ":" + port + " failed", e);
      }
      if (!"+OK".equals(reply)) {
        throw new IllegalStateException(
            "FLUSHALL on " + host + ":" + port + " answered " + reply + " instead of +OK");
      }
    }

    @Override
    public boolean isRunning() {
      Process current = process;
      return current != null && current.isAlive();
    }

    @Override
    public void close() {
      try {
        stop(false);
      } catch (RuntimeException e) {
        log.warn("redis-server on port {} did not stop gracefully; killing it", port, e);
      } finally {
        killAndDelete();
        try {
          Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shutdownInProgress) {
          // the hook runs anyway, and does nothing more
        }
      }
    }

    @Override
    public OptionalLong pid() {
      Process current = process;
      return current != null && current.isAlive()
          ? OptionalLong.of(current.pid())
          : OptionalLong.empty();
    }

    @Override
    public Optional<Path> directory() {
      return Optional.of(dir);
    }

    /** Starts on a free port; returns the port. */
    private int launchOnFreePort() {
      // A port found free can be taken before redis-server binds it; another port is the cure.
      for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
        int candidate = freePort();
        if (launch(candidate, false)) {
          return candidate;
        }
        log.debug("Port {} was taken before redis-server could bind it", candidate);
      }
      throw new IllegalStateException(
          "redis-server found no free port in " + PORT_ATTEMPTS + " attempts" + logTail());
    }

    /**
     * Starts redis-server on {@code port} and waits until it is ready.
     *
     * @return false when the port was in use; any other failure throws
     */
    private boolean launch(int port, boolean fromDump) {
      List<String> command = new ArrayList<>();
      command.add(binary.toString());
      command.addAll(
          List.of(
              "--port",
              Integer.toString(port),
              "--bind",
              HOST,
              // no periodic snapshots; SHUTDOWN SAVE still writes the dump
              "--save",
              "",
              "--appendonly",
              "no",
              "--dir",
              dir.toString(),
              "--dbfilename",
              DUMP,
              "--daemonize",
              "no"));
      command.addAll(extraArgs);
      long logOffset;
      Process started;
      try {
        if (!fromDump) {
          Files.deleteIfExists(dir.resolve(DUMP));
        }
        logOffset = Files.exists(logFile) ? Files.size(logFile) : 0;
        started =
            new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
      } catch (IOException e) {
        throw new IllegalStateException("Could not start " + binary + ". " + HOW_TO_PROVIDE, e);
      }
      process = started;
      paused = false;
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (true) {
        // The log line proves that this process bound the port: a PONG alone could come from
        // another Redis that took the port first.
        if (logSince(logOffset).contains("Ready to accept connections")
            && Resp.pong(HOST, port, PROBE_TIMEOUT)) {
          return true;
        }
        if (!started.isAlive()) {
          process = null;
          if (logSince(logOffset).contains("Address already in use")) {
            return false;
          }
          throw new IllegalStateException(
              "redis-server exited with status " + started.exitValue() + logTail());
        }
        if (System.nanoTime() - deadline > 0) {
          started.destroyForcibly();
          process = null;
          throw new IllegalStateException(
              "redis-server did not answer PING on port "
                  + port
                  + " within "
                  + START_TIMEOUT.toSeconds()
                  + " s"
                  + logTail());
        }
        sleep(Duration.ofMillis(20));
      }
    }

    private Process requireRunning(String operation) {
      Process current = process;
      if (current == null || !current.isAlive()) {
        throw new IllegalStateException(
            operation + " needs a running server, but redis-server on port " + port + " is down");
      }
      return current;
    }

    /** Waits for exit, escalating from the SHUTDOWN already sent to SIGTERM and SIGKILL. */
    private static void terminate(Process target) {
      if (waitFor(target, STOP_TIMEOUT)) {
        return;
      }
      target.destroy();
      if (waitFor(target, Duration.ofSeconds(2))) {
        return;
      }
      target.destroyForcibly();
      waitFor(target, STOP_TIMEOUT);
    }

    private void awaitPortClosed() {
      long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
      while (Resp.acceptsConnections(HOST, port, PROBE_TIMEOUT)) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              "redis-server stopped, but port " + port + " still accepts connections");
        }
        sleep(Duration.ofMillis(20));
      }
    }

    /** The shutdown hook, and the last step of close(): no lock, no grace, no exceptions. */
    private void killAndDelete() {
      Process current = process;
      if (current != null) {
        current.destroyForcibly(); // SIGKILL ends a paused process too
        waitFor(current, STOP_TIMEOUT);
        process = null;
      }
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException | UncheckedIOException e) {
        log.debug("Could not delete {}", dir, e);
      }
    }

    /**
     * Sends a POSIX signal. The JDK can only send SIGTERM and SIGKILL, so this runs {@code kill}.
     */
    private static void signal(Process target, String signal) {
      try {
        Process kill =
            new ProcessBuilder("kill", "-" + signal, Long.toString(target.pid()))
                .redirectErrorStream(true)
                .start();
        if (!kill.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            || kill.exitValue() != 0) {
          throw new IllegalStateException(
              "kill -"
                  + signal
                  + " "
                  + target.pid()
                  + " failed: "
                  + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        throw new IllegalStateException("Could not run kill -" + signal, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while sending SIG" + signal, e);
      }
    }

    private static int freePort() {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException("Could not find a free loopback port", e);
      }
    }

    private String logSince(long offset) {
      try {
        byte[] all = Files.readAllBytes(logFile);
        int from = (int) Math.min(offset, all.length);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    }

    /** The end of the server log, to append to a failure message. */
    private String logTail() {
      try {
        List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
        List<String> tail = lines.subList(Math.max(0, lines.size() - 15), lines.size());
        return "\n--- end of " + logFile + " ---\n" + String.join("\n", tail);
      } catch (IOException e) {
        return " (no log: " + e + ")";
      }
    }

    private static boolean waitFor(Process target, Duration timeout) {
      try {
        return target.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !target.isAlive();
      }
    }

    private static void sleep(Duration duration) {
      try {
        Thread.sleep(duration.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for redis-server", e);
      }
    }
  }
}
