import io.sessionkit.ClientInfo;
import io.sessionkit.Login;
import io.sessionkit.SessionManager;
import io.sessionkit.jwt.JwtTokenService;
import io.sessionkit.jwt.SigningKey;
import io.sessionkit.redis.RedisSessionStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;

/**
 * What the replica wait ({@code WAIT 1}) costs per logout: a master with one replica on loopback,
 * the same logouts timed with the wait on and off, and on a master without a replica. Not a test:
 * its numbers go into docs/production.md and the notes. Run it with
 * scripts/measure-replica-wait.sh.
 */
public final class MeasureReplicaWait {

  static final SigningKey KEY = SigningKey.hmacSha256("k1", "0123456789abcdef0123456789abcdef");
  static final ClientInfo CLIENT = new ClientInfo("198.51.100.1", "MeasureReplicaWait");

  public static void main(String[] args) throws Exception {
    int logouts = args.length > 1 && args[0].equals("--logouts") ? Integer.parseInt(args[1]) : 2000;
    Path dir = Files.createTempDirectory("sessionkit-wait");
    int masterPort = freePort();
    int replicaPort = freePort();
    Process master = redis(dir.resolve("master"), masterPort);
    Process replica =
        redis(dir.resolve("replica"), replicaPort, "--replicaof", "127.0.0.1", Integer.toString(masterPort));
    try {
      awaitReplica(masterPort);
      String uri = "redis://127.0.0.1:" + masterPort;
      System.out.printf("logouts per run: %d, one client thread, loopback%n", logouts);
      // warm-up, then the runs alternate so that machine noise falls on both
      run("warm-up", uri, Duration.ZERO, logouts / 4);
      for (int round = 1; round <= 2; round++) {
        run("replica, no wait       ", uri, Duration.ZERO, logouts);
        run("replica, WAIT 1 (200ms)", uri, Duration.ofMillis(200), logouts);
      }
      replica.destroy();
      replica.waitFor();
      awaitNoReplica(masterPort);
      run("no replica, wait on    ", uri, Duration.ofMillis(200), logouts);
    } finally {
      replica.destroy();
      master.destroy();
      replica.waitFor();
      master.waitFor();
    }
  }

  static void run(String name, String uri, Duration wait, int logouts) {
    try (RedisSessionStore store = RedisSessionStore.builder().uri(uri).replicaWait(wait).build();
        SessionManager manager =
            SessionManager.builder()
                .store(store)
                .tokenService(JwtTokenService.builder().signingKey(KEY).build())
                .build()) {
      String[] ids = new String[logouts];
      String run = Long.toString(System.nanoTime(), 36);
      for (int i = 0; i < logouts; i++) {
        Login login = manager.login("wait-" + run + "-" + i, Set.of("USER"), CLIENT);
        ids[i] = login.session().id();
      }
      long[] micros = new long[logouts];
      for (int i = 0; i < logouts; i++) {
        long start = System.nanoTime();
        if (!manager.logout(ids[i], CLIENT)) {
          throw new IllegalStateException("a logout found no session");
        }
        micros[i] = (System.nanoTime() - start) / 1000;
      }
      if (name.equals("warm-up")) {
        return;
      }
      Arrays.sort(micros);
      System.out.printf(
          "%s  mean %6.1f µs  p50 %6d µs  p95 %6d µs  p99 %6d µs  max %6d µs%n",
          name,
          Arrays.stream(micros).average().orElse(0),
          micros[logouts / 2],
          micros[(int) (logouts * 0.95)],
          micros[(int) (logouts * 0.99)],
          micros[logouts - 1]);
    }
  }

  static Process redis(Path dir, int port, String... extra) throws Exception {
    Files.createDirectories(dir);
    java.util.List<String> command =
        new java.util.ArrayList<>(
            java.util.List.of(
                "redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString()));
    command.addAll(Arrays.asList(extra));
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (command(port, "PING").startsWith("+PONG")) {
          return p;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("redis-server did not start on " + port);
  }

  static void awaitReplica(int masterPort) throws Exception {
    awaitInfo(masterPort, "connected_slaves:1");
  }

  static void awaitNoReplica(int masterPort) throws Exception {
    awaitInfo(masterPort, "connected_slaves:0");
  }

  static void awaitInfo(int port, String line) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      if (command(port, "INFO", "replication").contains(line)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("no " + line + " on " + port);
  }

  /** One command; the whole answer as text. */
  static String command(int port, String... parts) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(2000);
      StringBuilder out = new StringBuilder("*" + parts.length + "\r\n");
      for (String part : parts) {
        out.append('$').append(part.length()).append("\r\n").append(part).append("\r\n");
      }
      OutputStream o = socket.getOutputStream();
      o.write(out.toString().getBytes(StandardCharsets.UTF_8));
      o.flush();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[16384];
      int n = in.read(buffer);
      return n < 0 ? "" : new String(buffer, 0, n, StandardCharsets.UTF_8);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
