/*
 * Load-and-fault run for the example app: a concurrent client load against running app instances
 * while their Redis fails. Standalone: Redis is paused, resumed, shut down and restarted from its
 * dump. Cluster (3 masters, 1 replica each): a master is killed (SIGKILL), its replica takes over,
 * the killed node comes back as a replica. Sentinel (master, replica, 3 Sentinels): the master is
 * killed, the Sentinels promote the replica, the old master comes back as its replica. Prints
 * requests by status and latency percentiles per phase, then checks every session the clients
 * believe live or ended against every instance and against Redis. Exits non-zero on any 500 or
 * any lost or resurrected session.
 *
 * With --instances 2 (or more) the instances share the one Redis deployment, and each request goes
 * to an instance picked at random: every user is registered on one instance and logs in on all of
 * them, so that each instance knows every account before the outage. A session logged out during
 * the outage is then also tried on an instance that did not end it: the instance that ended it
 * must refuse it at once; the others accept it until Redis is back and the record is written (what
 * docs/outages.md says, "Other instances, during the outage"), and must refuse it after that.
 *
 * Usage (the wrapper scripts/load-and-fault.sh builds the jar first):
 *   java scripts/LoadAndFault.java --jar session-example-app/target/sessionkit-example-app-*.jar \
 *       [--topology standalone|cluster|sentinel] [--mode jwt-only|deny] [--instances 1]
 *       [--clients 16] [--users 20] [--phase-seconds 10]
 *
 * JDK only (single-file source launch); starts its own redis-server processes (and redis-cli
 * --cluster create for a cluster) and app instances on free loopback ports.
 */

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class LoadAndFault {

  record Phase(String name, Runnable before) {}

  record Sample(String phase, int status, long micros) {}

  /**
   * A session as the clients know it: its access token, whether they ended it, and, for an end
   * during an outage, the instance that ended it.
   */
  static final class Known {
    final String userAgent;
    final String sessionId;
    final String token;
    final String createdOn;
    final String createdInPhase;
    volatile boolean ended;
    volatile String endedDuringOutageOn;
    volatile String endedOn;
    volatile String endedInPhase;
    // a logout answered 503 (or not at all) may or may not have taken effect: either is right
    volatile String uncertainSince;

    Known(String userAgent, String sessionId, String token, String createdOn, String createdInPhase) {
      this.userAgent = userAgent;
      this.sessionId = sessionId;
      this.token = token;
      this.createdOn = createdOn;
      this.createdInPhase = createdInPhase;
    }

    /** Where and when it began and ended, for a problem report. */
    String history() {
      return "made on " + createdOn + " in " + createdInPhase
          + (endedOn != null ? ", logged out on " + endedOn + " in " + endedInPhase : "");
    }
  }

  /** The phases in which Redis does not answer. */
  static final List<String> OUTAGE = List.of("redis-paused", "redis-stopped");

  static final Pattern SESSION_ID = Pattern.compile("\"session_id\":\"([A-Za-z0-9_-]+)\"");
  static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\":\"([A-Za-z0-9_.-]+)\"");

  static String mode = "jwt-only";
  static String topology = "standalone";
  static int clients = 16;
  static int users = 20;
  static int phaseSeconds = 10;
  static int instances = 1;
  static Path jar;

  static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();
  static final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
  static final Map<String, Known> sessions = new ConcurrentHashMap<>();
  static final List<String> userNames = new ArrayList<>();
  static final AtomicReference<String> phase = new AtomicReference<>("setup");
  static final List<String> serverErrors = Collections.synchronizedList(new ArrayList<>());
  static final List<String> bases = new ArrayList<>();
  // a session ended during an outage, tried on an instance that did not end it:
  // "ended in phase -> tried in phase" -> status -> count
  static final Map<String, Map<Integer, Integer>> otherInstance = new ConcurrentHashMap<>();

  public static void main(String[] args) throws Exception {
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--mode" -> mode = args[i + 1];
        case "--topology" -> topology = args[i + 1];
        case "--clients" -> clients = Integer.parseInt(args[i + 1]);
        case "--users" -> users = Integer.parseInt(args[i + 1]);
        case "--phase-seconds" -> phaseSeconds = Integer.parseInt(args[i + 1]);
        case "--instances" -> instances = Integer.parseInt(args[i + 1]);
        case "--jar" -> jar = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (jar == null || !Files.isRegularFile(jar)) {
      throw new IllegalArgumentException("--jar must name the example app's jar, but was " + jar);
    }
    Path dir = Files.createTempDirectory("sessionkit-load-");
    if (instances < 1) {
      throw new IllegalArgumentException("--instances must be >= 1, but was " + instances);
    }
    Topology redis = switch (topology) {
      case "standalone" -> new Standalone(Redis.start(dir));
      case "cluster" -> Cluster.start(dir);
      case "sentinel" -> Sentinels.start(dir);
      default -> throw new IllegalArgumentException("--topology is standalone, cluster or sentinel");
    };
    List<Process> apps = new ArrayList<>();
    int exit = 1;
    try {
      List<String> logs = new ArrayList<>();
      for (int n = 0; n < instances; n++) {
        int appPort = freePort();
        bases.add("http://127.0.0.1:" + appPort);
        Path log = dir.resolve(instances == 1 ? "app.log" : "app-" + (char) ('a' + n) + ".log");
        logs.add(log.toString());
        ProcessBuilder pb = new ProcessBuilder("java", "-jar", jar.toString());
        pb.environment().put("SERVER_PORT", Integer.toString(appPort));
        redis.configure(pb.environment());
        pb.environment().put("JWT_SECRET", "load-and-fault-secret-0123456789-abcdefghij");
        pb.environment().put("COOKIE_SECURE", "false");
        pb.environment().put("SESSION_FALLBACK", mode);
        pb.environment().put("LOGIN_MAX_ATTEMPTS", "1000000");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        apps.add(pb.start());
      }
      for (String base : bases) {
        waitForApp(base);
      }
      System.out.printf("topology=%s mode=%s instances=%d clients=%d users=%d phase=%ds apps=%s redis=%s logs=%s%n",
          topology, mode, instances, clients, users, phaseSeconds, bases, redis, logs);

      setup();
      List<Phase> phases = redis.phases();
      List<Thread> workers = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        Thread worker = new Thread(LoadAndFault::work, "client-" + i);
        worker.setDaemon(true);
        workers.add(worker);
        worker.start();
      }
      for (Phase p : phases) {
        p.before().run();
        phase.set(p.name());
        Thread.sleep(phaseSeconds * 1000L);
      }
      phase.set("done");
      for (Thread worker : workers) {
        worker.join(5000);
      }
      report(phases);
      exit = verify(redis) ? 0 : 1;
    } finally {
      for (Process app : apps) {
        app.destroy();
      }
      for (Process app : apps) {
        app.waitFor();
      }
      redis.stop();
    }
    System.exit(exit);
  }

  /** Registers every user on one instance and logs it in on each (so that each knows it). */
  static void setup() throws Exception {
    for (int i = 0; i < users; i++) {
      String name = "load" + i + "_" + Long.toString(System.nanoTime(), 36);
      String on = bases.get(i % bases.size());
      int status = send(on, "POST", "/api/v1/auth/register", null, "{\"username\":\"" + name + "\",\"password\":\"password-" + i + "\"}", "setup").statusCode();
      if (status != 201) {
        throw new IllegalStateException("register answered " + status);
      }
      userNames.add(name);
      for (String base : bases) {
        login(base, i);
      }
    }
  }

  /** Logs user i in from a new device; the session is remembered if the login succeeded. */
  static void login(String base, int i) {
    String agent = "LoadAndFault/" + i + "/" + ThreadLocalRandom.current().nextInt(1_000_000);
    String current = phase.get();
    HttpResponse<String> r = send(base, "POST", "/api/v1/auth/login", null,
        "{\"username\":\"" + userNames.get(i) + "\",\"password\":\"password-" + i + "\"}", agent);
    if (r != null && r.statusCode() == 200) {
      Matcher id = SESSION_ID.matcher(r.body());
      Matcher token = ACCESS_TOKEN.matcher(r.body());
      if (id.find() && token.find()) {
        sessions.put(id.group(1), new Known(agent, id.group(1), token.group(1), base, current));
      }
    }
  }

  static void work() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (!phase.get().equals("done")) {
      String base = bases.get(random.nextInt(bases.size()));
      int roll = random.nextInt(100);
      if (roll < 3) {
        login(base, random.nextInt(userNames.size()));
        continue;
      }
      if (roll < 8 && bases.size() > 1) {
        tryEndedElsewhere(random);
        continue;
      }
      Known known = pick(random);
      if (known == null) {
        continue;
      }
      if (roll < 10) {
        String current = phase.get();
        HttpResponse<String> r = send(base, "POST", "/api/v1/auth/logout", known.token, null, known.userAgent);
        if (r != null && r.statusCode() == 200) {
          known.endedOn = base;
          known.endedInPhase = current;
          known.ended = true;
          if (OUTAGE.contains(current) && OUTAGE.contains(phase.get())) {
            known.endedDuringOutageOn = base;
          }
        } else if (r == null || r.statusCode() == 503) {
          known.uncertainSince = current;
        }
      } else if (roll < 20) {
        send(base, "GET", "/api/v1/auth/sessions", known.token, null, known.userAgent);
      } else {
        send(base, "GET", "/api/v1/auth/me", known.token, null, known.userAgent);
      }
    }
  }

  /**
   * Tries a session logged out during the outage on the instance that ended it (which must refuse
   * it) and on another one (whose answer is counted per phase).
   */
  static void tryEndedElsewhere(ThreadLocalRandom random) {
    List<Known> ended = sessions.values().stream().filter(k -> k.endedDuringOutageOn != null).toList();
    if (ended.isEmpty()) {
      return;
    }
    Known k = ended.get(random.nextInt(ended.size()));
    String current = phase.get();
    HttpResponse<String> there = send(k.endedDuringOutageOn, "GET", "/api/v1/auth/me", k.token, null, k.userAgent);
    if (there != null && there.statusCode() != 401) {
      serverErrors.add(current + " the instance that ended " + k.sessionId + " answered " + there.statusCode());
    }
    List<String> others = bases.stream().filter(b -> !b.equals(k.endedDuringOutageOn)).toList();
    String other = others.get(random.nextInt(others.size()));
    HttpResponse<String> elsewhere = send(other, "GET", "/api/v1/auth/me", k.token, null, k.userAgent);
    if (elsewhere != null && phase.get().equals(current)) {
      otherInstance.computeIfAbsent(k.endedInPhase + " -> " + current, p -> new ConcurrentHashMap<>())
          .merge(elsewhere.statusCode(), 1, Integer::sum);
    }
  }

  static Known pick(ThreadLocalRandom random) {
    List<Known> live = sessions.values().stream().filter(k -> !k.ended).toList();
    return live.isEmpty() ? null : live.get(random.nextInt(live.size()));
  }

  static HttpResponse<String> send(String base, String method, String path, String bearer, String json, String agent) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(10))
        .header("User-Agent", agent);
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    if (json != null) {
      b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    String current = phase.get();
    long start = System.nanoTime();
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      samples.add(new Sample(current, r.statusCode(), (System.nanoTime() - start) / 1000));
      if (r.statusCode() >= 500 && r.statusCode() != 503) {
        serverErrors.add(current + " " + method + " " + path + " -> " + r.statusCode() + " " + r.body());
      }
      return r;
    } catch (IOException e) {
      samples.add(new Sample(current, -1, (System.nanoTime() - start) / 1000));
      serverErrors.add(current + " " + method + " " + path + " -> " + e);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  static void report(List<Phase> phases) {
    System.out.printf("%-27s %8s  %-40s %8s %8s %8s %8s%n", "phase", "requests", "by status", "p50 ms", "p95 ms", "p99 ms", "max ms");
    List<String> names = new ArrayList<>(List.of("setup"));
    phases.forEach(p -> names.add(p.name()));
    for (String name : names) {
      List<Sample> in = samples.stream().filter(s -> s.phase().equals(name)).toList();
      if (in.isEmpty()) {
        continue;
      }
      Map<Integer, Integer> byStatus = new TreeMap<>();
      in.forEach(s -> byStatus.merge(s.status(), 1, Integer::sum));
      long[] micros = in.stream().mapToLong(Sample::micros).sorted().toArray();
      System.out.printf("%-27s %8d  %-40s %8.1f %8.1f %8.1f %8.1f%n", name, in.size(), byStatus,
          pct(micros, 50), pct(micros, 95), pct(micros, 99), micros[micros.length - 1] / 1000.0);
    }
    if (bases.size() > 1) {
      System.out.println("sessions logged out during an outage, /me on an instance that did not end them, by status"
          + " (ended in phase -> tried in phase):");
      for (String ended : OUTAGE) {
        for (String tried : names) {
          Map<Integer, Integer> counts = otherInstance.get(ended + " -> " + tried);
          if (counts != null) {
            System.out.printf("  %-55s %s%n", ended + " -> " + tried, new TreeMap<>(counts));
          }
        }
      }
    }
  }

  static double pct(long[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1000.0;
  }

  /** After recovery: every session the clients hold live is live in the app and in Redis; every ended one is gone. */
  static boolean verify(Topology redis) throws Exception {
    // the app writes what it recorded during the outage within seconds of Redis answering
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<String> problems;
    do {
      problems = new ArrayList<>();
      for (Known k : sessions.values()) {
        // the user tag, the id's first 16 characters (docs/redis-layout.md)
        String key = "session:{" + k.sessionId.substring(0, 16) + "}:" + k.sessionId;
        boolean inRedis = redis.exists(key);
        for (String base : bases) {
          HttpResponse<String> me = send(base, "GET", "/api/v1/auth/me", k.token, null, k.userAgent);
          int status = me == null ? -1 : me.statusCode();
          if (!k.ended && k.uncertainSince != null && !inRedis && status == 401) {
            continue; // its logout was answered 503 and took effect after all
          }
          if (!k.ended && (!inRedis || status != 200)) {
            problems.add("lost session " + k.sessionId + " on " + base + ": in redis=" + inRedis + ", /me=" + status + " (" + k.history() + ")");
          }
          if (k.ended && (inRedis || status != 401)) {
            problems.add("ended session came back " + k.sessionId + " on " + base + ": in redis=" + inRedis + ", /me=" + status + " (" + k.history() + ")");
          }
        }
      }
      if (problems.isEmpty()) {
        break;
      }
      Thread.sleep(500);
    } while (System.nanoTime() < deadline);

    long live = sessions.values().stream().filter(k -> !k.ended).count();
    long uncertain = sessions.values().stream()
        .filter(k -> !k.ended && k.uncertainSince != null).count();
    System.out.printf("logouts answered 503, whose outcome either way is right: %d%n", uncertain);
    long endedInOutage = sessions.values().stream().filter(k -> k.endedDuringOutageOn != null).count();
    System.out.printf("sessions: %d live and %d ended (%d of them during the outage) as the clients know them, each checked on %d instance(s); problems: %d; 500s, transport errors or ended sessions accepted by the instance that ended them: %d%n",
        live, sessions.size() - live, endedInOutage, bases.size(), problems.size(), serverErrors.size());
    problems.stream().limit(20).forEach(p -> System.out.println("  " + p));
    serverErrors.stream().limit(20).forEach(e -> System.out.println("  " + e));
    boolean ok = problems.isEmpty() && serverErrors.isEmpty();
    System.out.println(ok ? "RESULT: PASS" : "RESULT: FAIL");
    return ok;
  }

  static void waitForApp(String base) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the app did not start within 120 s");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Where the app's Redis is, and the faults of its phases. */
  interface Topology {
    /** Points the app at it. */
    void configure(Map<String, String> env);

    /** The phases of the run, each with the fault it starts with. */
    List<Phase> phases();

    /** Whether the key exists, asked of the node that holds it. */
    boolean exists(String key) throws IOException;

    /** Stops every process. */
    void stop();
  }

  /** One redis-server: paused, resumed, shut down with a dump, restarted from it. */
  record Standalone(Redis redis) implements Topology {
    public void configure(Map<String, String> env) {
      env.put("REDIS_URL", "redis://127.0.0.1:" + redis.port);
    }

    public List<Phase> phases() {
      return List.of(
          new Phase("baseline", () -> {}),
          new Phase("redis-paused", redis::pause),
          new Phase("redis-resumed", redis::resume),
          new Phase("redis-stopped", redis::shutdownSave),
          new Phase("redis-restarted-from-dump", redis::restart));
    }

    public boolean exists(String key) throws IOException {
      return redis.exists(key);
    }

    public void stop() {
      redis.stop();
    }

    public String toString() {
      return "127.0.0.1:" + redis.port;
    }
  }

  /** Three masters with a replica each; the master holding the first user's keys is killed. */
  record Cluster(List<Redis> nodes) implements Topology {
    static Cluster start(Path dir) throws Exception {
      List<Redis> nodes = new ArrayList<>();
      List<String> create = new ArrayList<>(List.of(
          System.getenv().getOrDefault("REDIS_CLI_BIN", "redis-cli"), "--cluster", "create"));
      for (int i = 0; i < 6; i++) {
        Path nodeDir = Files.createDirectories(dir.resolve("node-" + i));
        Redis node = new Redis(nodeDir, freeClusterPort(), List.of(),
            List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", "2000"));
        node.launch();
        nodes.add(node);
        create.add("127.0.0.1:" + node.port);
      }
      create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
      Process p = new ProcessBuilder(create).redirectErrorStream(true)
          .redirectOutput(dir.resolve("cluster-create.log").toFile()).start();
      if (p.waitFor() != 0) {
        throw new IllegalStateException("redis-cli --cluster create failed; see " + dir.resolve("cluster-create.log"));
      }
      Cluster cluster = new Cluster(nodes);
      cluster.awaitOk();
      return cluster;
    }

    void awaitOk() throws Exception {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        boolean ok = true;
        for (Redis node : nodes) {
          if (node.process == null || !node.process.isAlive()) {
            continue;
          }
          String info = node.bulk("CLUSTER", "INFO");
          String replication = node.bulk("INFO", "replication");
          ok &= info.contains("cluster_state:ok") && info.contains("cluster_slots_ok:16384")
              && (replication.contains("role:master") || replication.contains("master_link_status:up"));
        }
        if (ok) {
          return;
        }
        Thread.sleep(100);
      }
      throw new IllegalStateException("the cluster did not become healthy within 60 s");
    }

    public void configure(Map<String, String> env) {
      env.put("REDIS_CLUSTER_NODES", String.join(",",
          nodes.stream().map(n -> "127.0.0.1:" + n.port).toList()));
    }

    public List<Phase> phases() {
      Redis[] victim = new Redis[1];
      return List.of(
          new Phase("baseline", () -> {}),
          new Phase("master-killed", () -> {
            victim[0] = masterOf("{" + sessions.values().iterator().next().sessionId.substring(0, 16) + "}");
            System.out.println("killing master 127.0.0.1:" + victim[0].port);
            victim[0].kill();
          }),
          new Phase("replica-promoted", () -> {}),
          new Phase("killed-node-restarted", () -> {
            victim[0].restart();
            try {
              awaitOk();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }));
    }

    /** The node that answers for key: the master of its slot (the others answer MOVED). */
    Redis masterOf(String key) {
      for (Redis node : nodes) {
        try {
          if (node.process != null && node.process.isAlive() && node.command("EXISTS", key).startsWith(":")) {
            return node;
          }
        } catch (IOException skip) {
          // a dead node
        }
      }
      throw new IllegalStateException("no master holds " + key);
    }

    public boolean exists(String key) throws IOException {
      return masterOf(key).exists(key);
    }

    public void stop() {
      nodes.forEach(Redis::stop);
    }

    public String toString() {
      return "cluster " + nodes.stream().map(n -> "127.0.0.1:" + n.port).toList();
    }
  }

  /** A master, a replica and three Sentinels; the master is killed, the Sentinels promote. */
  record Sentinels(List<Redis> data, List<Redis> sentinels) implements Topology {
    static Sentinels start(Path dir) throws Exception {
      Redis master = new Redis(Files.createDirectories(dir.resolve("master")), freePort(), List.of(), List.of());
      master.launch();
      Redis replica = new Redis(Files.createDirectories(dir.resolve("replica")), freePort(), List.of(),
          List.of("--replicaof", "127.0.0.1", Integer.toString(master.port)));
      replica.launch();
      List<Redis> sentinels = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Path sentinelDir = Files.createDirectories(dir.resolve("sentinel-" + i));
        Path conf = sentinelDir.resolve("sentinel.conf");
        Files.writeString(conf, "sentinel monitor mymaster 127.0.0.1 " + master.port + " 2\n"
            + "sentinel down-after-milliseconds mymaster 2000\n"
            + "sentinel failover-timeout mymaster 10000\n");
        Redis sentinel = new Redis(sentinelDir, freePort(), List.of(conf.toString(), "--sentinel"), List.of());
        sentinel.launch();
        sentinels.add(sentinel);
      }
      Sentinels group = new Sentinels(List.of(master, replica), sentinels);
      group.awaitOk();
      return group;
    }

    void awaitOk() throws Exception {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        boolean ok = true;
        for (Redis sentinel : sentinels) {
          String info = sentinel.bulk("INFO", "sentinel");
          ok &= info.contains("status=ok") && info.contains("slaves=1") && info.contains("sentinels=3");
        }
        for (Redis node : data) {
          String replication = node.bulk("INFO", "replication");
          ok &= replication.contains("role:master") || replication.contains("master_link_status:up");
        }
        if (ok) {
          return;
        }
        Thread.sleep(100);
      }
      throw new IllegalStateException("the Sentinel group did not become healthy within 60 s");
    }

    public void configure(Map<String, String> env) {
      env.put("REDIS_URL", "redis-sentinel://" + String.join(",",
          sentinels.stream().map(s -> "127.0.0.1:" + s.port).toList()) + "#mymaster");
    }

    public List<Phase> phases() {
      Redis[] victim = new Redis[1];
      return List.of(
          new Phase("baseline", () -> {}),
          new Phase("master-killed", () -> {
            victim[0] = master();
            System.out.println("killing master 127.0.0.1:" + victim[0].port);
            victim[0].kill();
          }),
          new Phase("replica-promoted", () -> {}),
          new Phase("old-master-restarted", () -> {
            victim[0].restart();
            try {
              awaitOk();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }));
    }

    Redis master() {
      for (Redis node : data) {
        try {
          if (node.process != null && node.process.isAlive()
              && node.bulk("INFO", "replication").contains("role:master")) {
            return node;
          }
        } catch (IOException skip) {
          // down
        }
      }
      throw new IllegalStateException("no master");
    }

    public boolean exists(String key) throws IOException {
      return master().exists(key);
    }

    public void stop() {
      sentinels.forEach(Redis::stop);
      data.forEach(Redis::stop);
    }

    public String toString() {
      return "sentinels " + sentinels.stream().map(s -> "127.0.0.1:" + s.port).toList();
    }
  }

  static int freeClusterPort() throws IOException {
    while (true) {
      int port = freePort();
      if (port <= 55535) {
        try (ServerSocket bus = new ServerSocket(port + 10000, 1, InetAddress.getLoopbackAddress())) {
          return port;
        } catch (IOException taken) {
          // another
        }
      }
    }
  }

  /** A private redis-server that can be paused, killed, shut down with a dump, and restarted. */
  static final class Redis {
    final Path dir;
    final int port;
    final List<String> leading;
    final List<String> extra;
    Process process;

    Redis(Path dir, int port, List<String> leading, List<String> extra) {
      this.dir = dir;
      this.port = port;
      this.leading = leading;
      this.extra = extra;
    }

    static Redis start(Path dir) throws Exception {
      Redis redis = new Redis(dir, freePort(), List.of(), List.of());
      redis.launch();
      return redis;
    }

    void launch() throws Exception {
      String bin = System.getenv().getOrDefault("REDIS_SERVER_BIN", "redis-server");
      List<String> command = new ArrayList<>(List.of(bin));
      command.addAll(leading);
      command.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1",
          "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--dbfilename", "dump.rdb"));
      command.addAll(extra);
      process = new ProcessBuilder(command)
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
          .start();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline) {
        try {
          if ("+PONG".equals(command("PING"))) {
            return;
          }
        } catch (IOException notYet) {
          // starting
        }
        Thread.sleep(50);
      }
      throw new IllegalStateException("redis-server did not start; see " + dir.resolve("redis.log"));
    }

    void pause() {
      signal("-STOP");
    }

    void kill() {
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** A command whose answer is a bulk string (INFO, CLUSTER INFO); "" when it is not. */
    String bulk(String... parts) throws IOException {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.setSoTimeout(2000);
        send(socket, parts);
        InputStream in = socket.getInputStream();
        String header = readLine(in);
        if (!header.startsWith("$")) {
          return "";
        }
        byte[] body = in.readNBytes(Integer.parseInt(header.substring(1)));
        return new String(body, StandardCharsets.UTF_8);
      }
    }

    private static String readLine(InputStream in) throws IOException {
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c != -1 && c != '\r'; c = in.read()) {
        line.append((char) c);
      }
      in.read(); // \n
      return line.toString();
    }

    private static void send(Socket socket, String... parts) throws IOException {
      StringBuilder out = new StringBuilder("*" + parts.length + "\r\n");
      for (String part : parts) {
        out.append('$').append(part.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(part).append("\r\n");
      }
      OutputStream o = socket.getOutputStream();
      o.write(out.toString().getBytes(StandardCharsets.UTF_8));
      o.flush();
    }

    void resume() {
      signal("-CONT");
    }

    void shutdownSave() {
      try {
        command("SHUTDOWN", "SAVE");
      } catch (IOException expected) {
        // the server closes the connection as it exits
      }
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void restart() {
      try {
        launch();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    boolean exists(String key) throws IOException {
      return ":1".equals(command("EXISTS", key));
    }

    void stop() {
      if (process != null) {
        signal("-CONT");
        process.destroy();
        try {
          process.waitFor();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    private void signal(String signal) {
      try {
        new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start().waitFor();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    /** One command over RESP; the first line of the answer. */
    String command(String... parts) throws IOException {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.setSoTimeout(2000);
        StringBuilder out = new StringBuilder("*" + parts.length + "\r\n");
        for (String part : parts) {
          out.append('$').append(part.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(part).append("\r\n");
        }
        OutputStream o = socket.getOutputStream();
        o.write(out.toString().getBytes(StandardCharsets.UTF_8));
        o.flush();
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\r'; c = in.read()) {
          line.append((char) c);
        }
        return line.toString();
      }
    }
  }
}
