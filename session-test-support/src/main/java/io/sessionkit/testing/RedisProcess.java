package io.sessionkit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private {@code redis-server} child process on a free loopback port, with its own temporary
 * directory: the standalone deployment, and the building block of a topology of several servers.
 * Extra arguments (such as {@code --replicaof} or {@code --cluster-enabled yes}) are passed on; a
 * {@link Launch} also says what comes first (a Sentinel's configuration file) and which log line
 * means ready.
 */
final class RedisProcess implements RedisDeployment {

  private static final Logger log = LoggerFactory.getLogger(RedisProcess.class);

  private static final String HOST = "127.0.0.1";
  private static final String DUMP = "dump.rdb";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration PROBE_TIMEOUT = Duration.ofMillis(250);
  private static final Duration PROBE_INTERVAL = Duration.ofMillis(20);
  private static final int PORT_ATTEMPTS = 3;
  // a cluster node also binds port + 10000 for the cluster bus, which must stay below 65536
  private static final int HIGHEST_CLUSTER_PORT = 55535;
  private static final String READY = "Ready to accept connections";

  /**
   * How to start the process.
   *
   * @param leadingArgs given the process's private directory, the arguments that come before all
   *     others (a configuration file it may write there first); called once
   * @param extraArgs arguments after the defaults, which they override
   * @param readyLine the log line that says this process bound its port and is ready
   * @param clusterBus whether port + 10000 must be free too (a cluster node)
   */
  record Launch(
      Function<Path, List<String>> leadingArgs,
      List<String> extraArgs,
      String readyLine,
      boolean clusterBus) {

    /** A standalone server with {@code extraArgs}. */
    static Launch server(List<String> extraArgs) {
      return new Launch(dir -> List.of(), extraArgs, READY, false);
    }
  }

  private final Path binary;
  private final List<String> leadingArgs;
  private final List<String> extraArgs;
  private final String readyLine;
  private final boolean clusterBus;
  private final Path dir;
  private final Path logFile;
  private final Thread cleanup;
  private final int port;
  // volatile: the shutdown hook reads it without the handle's lock
  private volatile @Nullable Process process;
  private boolean paused;

  /** Starts {@code binary} on a free port and returns once it answers {@code PING}. */
  RedisProcess(Path binary, List<String> extraArgs) {
    this(binary, Launch.server(extraArgs));
  }

  /** Starts {@code binary} as {@code launch} says, on a free port; returns once it is ready. */
  RedisProcess(Path binary, Launch launch) {
    this.binary = binary;
    this.extraArgs = List.copyOf(launch.extraArgs());
    this.readyLine = launch.readyLine();
    this.clusterBus = launch.clusterBus() || extraArgs.contains("--cluster-enabled");
    try {
      this.dir = Files.createTempDirectory("sessionkit-redis-");
    } catch (IOException e) {
      throw new UncheckedIOException("Could not create a directory for redis-server", e);
    }
    this.leadingArgs = List.copyOf(launch.leadingArgs().apply(dir));
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
    return RedisServer.SOURCE_REDIS_SERVER;
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
    if (!Await.atMost(STOP_TIMEOUT)
        .every(PROBE_INTERVAL)
        .holds(() -> !Resp.acceptsConnections(HOST, port, PROBE_TIMEOUT))) {
      throw new IllegalStateException(
          "redis-server stopped, but port " + port + " still accepts connections");
    }
  }

  /**
   * SIGKILL, as when the machine dies: no save, no goodbye to replicas or clients. Nothing when
   * already down.
   */
  void kill() {
    Process current = process;
    if (current != null) {
      current.destroyForcibly(); // SIGKILL, paused or not
      if (!waitFor(current, STOP_TIMEOUT)) {
        throw new IllegalStateException("redis-server on port " + port + " survived SIGKILL");
      }
    }
    process = null;
    paused = false;
  }

  /** The server's log so far, for failure messages. */
  String log() {
    return logSince(0);
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
    Resp.flushAll(HOST, port);
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
      int candidate = clusterBus ? freeClusterPort() : freePort();
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
    command.addAll(leadingArgs);
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
      throw new IllegalStateException(
          "Could not start " + binary + ". " + RedisServer.HOW_TO_PROVIDE, e);
    }
    process = started;
    paused = false;
    // The log line proves that this process bound the port: a PONG alone could come from
    // another Redis that took the port first.
    boolean ready =
        Await.atMost(START_TIMEOUT)
            .every(PROBE_INTERVAL)
            .holds(
                () ->
                    !started.isAlive()
                        || (logSince(logOffset).contains(readyLine)
                            && Resp.pong(HOST, port, PROBE_TIMEOUT)));
    if (!started.isAlive()) {
      process = null;
      if (logSince(logOffset).contains("Address already in use")) {
        return false;
      }
      throw new IllegalStateException(
          "redis-server exited with status " + started.exitValue() + logTail());
    }
    if (!ready) {
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
    return true;
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

  /** Sends a POSIX signal. The JDK can only send SIGTERM and SIGKILL, so this runs {@code kill}. */
  private static void signal(Process target, String signal) {
    try {
      Process kill =
          new ProcessBuilder("kill", "-" + signal, Long.toString(target.pid()))
              .redirectErrorStream(true)
              .start();
      if (!kill.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
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

  // a port whose cluster bus port (+10000) is free as well
  private static int freeClusterPort() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int candidate = freePort();
      if (candidate <= HIGHEST_CLUSTER_PORT && isFree(candidate + 10000)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "Found no free loopback port P <= " + HIGHEST_CLUSTER_PORT + " with P + 10000 free");
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException taken) {
      return false;
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
}
