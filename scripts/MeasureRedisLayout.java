import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.sessionkit.ActivityLog;
import io.sessionkit.ClientInfo;
import io.sessionkit.Login;
import io.sessionkit.LoginThrottle;
import io.sessionkit.Refresh;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionPage;
import io.sessionkit.SessionStore;
import io.sessionkit.internal.SessionIds;
import io.sessionkit.jwt.JwtTokenService;
import io.sessionkit.jwt.SigningKey;
import io.sessionkit.redis.RedisActivityLog;
import io.sessionkit.redis.RedisLoginThrottle;
import io.sessionkit.redis.RedisSessionStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Measures the Redis layout on a private redis-server: bytes per session (fresh and after 100
 * refreshes), bytes per activity entry, the slowest sessionkit command with one user at the ceiling
 * of sessions (SLOWLOG), the commands each operation sends (MONITOR), and the near-cache's tracking
 * table. Not a test: its numbers
 * go into docs/redis-layout.md and the notes. Run it with scripts/measure-redis-layout.sh.
 */
public final class MeasureRedisLayout {

  static final String BROWSER =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/131.0.0.0 Safari/537.36";
  static final SigningKey KEY = SigningKey.hmacSha256("k1", "0123456789abcdef0123456789abcdef");

  public static void main(String[] args) throws Exception {
    int users = intArg(args, "--users", 1000);
    int refreshes = intArg(args, "--refreshes", 100);
    Path dir = Files.createTempDirectory("sessionkit-layout");
    int port = freePort();
    Process redis =
        new ProcessBuilder(
                "redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    try {
      String uri = "redis://127.0.0.1:" + port;
      awaitPing(port);
      RedisClient client = RedisClient.create(uri);
      try (StatefulRedisConnection<String, String> connection = client.connect()) {
        RedisCommands<String, String> cli = connection.sync();
        System.out.println("redis-server " + cli.info("server").lines()
            .filter(l -> l.startsWith("redis_version:")).findFirst().orElse("?").substring(14));
        if (!List.of(args).contains("--tracking-only")) {
          memory(uri, cli, users, refreshes);
          cli.flushall();
          ceiling(uri, cli);
          cli.flushall();
          roundTrips(uri, port);
          cli.flushall();
        }
        tracking(uri, cli, users * 10);
      } finally {
        client.shutdown();
      }
    } finally {
      redis.destroy();
      redis.waitFor();
    }
  }

  // --- bytes per session ---

  static void memory(String uri, RedisCommands<String, String> cli, int users, int refreshes)
      throws Exception {
    int perUser = 10;
    try (RedisSessionStore store = RedisSessionStore.builder().uri(uri).build();
        // no reuse grace while refreshing every session a hundred times in a row: with one, the
        // run would hold a grace key for thousands of sessions at once, which real traffic never
        // does (a session refreshes once per access-token lifetime); its cost is measured apart
        SessionManager manager = manager(store, b -> b.refreshReuseGrace(Duration.ZERO))) {
      // load every script and fill the connection's buffers before the baseline
      Login warm = manager.login("warm-up", Set.of("USER"), new ClientInfo("", BROWSER));
      manager.refresh(warm.refreshToken().value(), ClientInfo.unknown());
      manager.authenticate(warm.accessToken().value());
      manager.sessions("warm-up");
      manager.logoutAll("warm-up", ClientInfo.unknown());
      Thread.sleep(3_000);
      cli.del("user-logged-out:{" + SessionIds.userTag("warm-up") + "}");
      long before = usedMemory(cli);
      List<Login> logins = new ArrayList<>();
      for (int u = 0; u < users; u++) {
        String user = "5f2b7c9e-1d4a-4c6b-9e8f-" + String.format("%012d", u);
        for (int s = 0; s < perUser; s++) {
          logins.add(
              manager.login(
                  user, Set.of("USER"), new ClientInfo("203.0.113." + (s + 1), BROWSER)));
        }
      }
      int sessions = logins.size();
      long fresh = usedMemory(cli) - before;
      System.out.printf(
          "%n== Memory: %d users x %d sessions, a %d-character browser user agent%n",
          users, perUser, BROWSER.length());
      System.out.printf("fresh:                       %6d bytes per session (INFO used_memory)%n",
          fresh / sessions);
      String user0 = logins.get(0).session().userId();
      String tag = SessionIds.userTag(user0);
      Map<String, Long> usage = new LinkedHashMap<>();
      usage.put("session record (string), each", cli.memoryUsage(
          "session:{" + tag + "}:" + logins.get(0).session().id()));
      usage.put("user-sessions index (zset), per user", cli.memoryUsage("user-sessions:{" + tag + "}"));
      usage.put("user-session-states (hash), per user", cli.memoryUsage("user-session-states:{" + tag + "}"));
      usage.put("user-devices (zset), per user", cli.memoryUsage("user-devices:{" + tag + "}"));
      usage.forEach((k, v) -> System.out.printf("  MEMORY USAGE %-40s %6d bytes%n", k, v));
      System.out.printf("  encodings: index %s, states %s%n",
          cli.objectEncoding("user-sessions:{" + tag + "}"),
          cli.objectEncoding("user-session-states:{" + tag + "}"));

      // the first fifth of the users' sessions are refreshed; their growth per session is what
      // every session would grow by
      int refreshed = sessions / 5;
      long freshTotal = usedMemory(cli) - before;
      List<String> tokens = new ArrayList<>();
      for (Login login : logins.subList(0, refreshed)) {
        tokens.add(login.refreshToken().value());
      }
      long start = System.nanoTime();
      for (int r = 0; r < refreshes; r++) {
        for (int i = 0; i < tokens.size(); i++) {
          Refresh refresh = manager.refresh(tokens.get(i), ClientInfo.unknown());
          tokens.set(i, refresh.refreshToken().orElseThrow().value());
        }
      }
      long refreshMillis = (System.nanoTime() - start) / 1_000_000;
      while (cli.dbsize() > 3L * users + sessions + 2) {
        Thread.sleep(500);
      }
      long growth = usedMemory(cli) - before - freshTotal;
      System.out.printf(
          "after %d refreshes:                          %6d bytes per session"
              + " (fresh %d + %d grown per refreshed session, %d of them)%n",
          refreshes,
          freshTotal / sessions + growth / refreshed,
          freshTotal / sessions,
          growth / refreshed,
          refreshed);
      System.out.printf("  MEMORY USAGE user-session-states (hash), per user %6d bytes, encoding %s%n",
          cli.memoryUsage("user-session-states:{" + tag + "}"),
          cli.objectEncoding("user-session-states:{" + tag + "}"));
      System.out.printf("  (%d refreshes took %d ms)%n", refreshes * refreshed, refreshMillis);
      try (SessionManager withGrace = manager(store, b -> {})) {
        Login one = withGrace.login("grace", Set.of("USER"), new ClientInfo("", BROWSER));
        withGrace.refresh(one.refreshToken().value(), ClientInfo.unknown());
        System.out.printf(
            "  MEMORY USAGE session-grace (string), for 10 s after each refresh: %d bytes%n",
            cli.memoryUsage("session-grace:{" + SessionIds.userTag("grace") + "}:" + one.session().id()));
      }

      ActivityLog activity = RedisActivityLog.sharing(store, 50, Duration.ofDays(7));
      long beforeFeed = usedMemory(cli);
      int entries = 0;
      for (Login login : logins) {
        activity.record(io.sessionkit.ActivityEntry.of(
            io.sessionkit.SessionEvent.of(io.sessionkit.SessionEvent.Type.CREATED,
                login.session().createdAt(), login.session(),
                new ClientInfo("203.0.113.9", BROWSER), Optional.empty())).orElseThrow());
        entries++;
      }
      System.out.printf("activity feed:               %6d bytes per entry (counted apart)%n",
          (usedMemory(cli) - beforeFeed) / entries);
    }
  }

  // --- the slowest command with one user at the ceiling ---

  static void ceiling(String uri, RedisCommands<String, String> cli) throws Exception {
    int ceiling = SessionStore.MAX_SESSIONS_PER_USER;
    try (RedisSessionStore store = RedisSessionStore.builder().uri(uri).build();
        SessionManager manager = manager(store, b -> {})) {
      String user = "at-the-ceiling";
      List<Login> logins = new ArrayList<>();
      for (int i = 0; i < ceiling; i++) {
        logins.add(manager.login(user, Set.of("USER"), new ClientInfo("203.0.113.1", "Agent/" + (i % 7))));
      }
      Map<String, String> names = scriptNames(cli);
      cli.configSet("slowlog-log-slower-than", "0");
      cli.configSet("slowlog-max-len", "100000");
      Map<String, Long> worst = new TreeMap<>();
      Map<String, Integer> calls = new TreeMap<>();

      measure(cli, names, worst, calls, "login at the ceiling (evicts one)", () -> {
        for (int i = 0; i < 50; i++) {
          logins.add(manager.login(user, Set.of("USER"), new ClientInfo("", "Agent/x")));
        }
        return null;
      });
      measure(cli, names, worst, calls, "list (10 pages of 100)", () -> {
        Optional<String> after = Optional.empty();
        for (int i = 0; i < 10; i++) {
          SessionPage page = manager.sessions(user, after, 100);
          after = page.next();
        }
        return null;
      });
      measure(cli, names, worst, calls, "authenticate (touch)", () -> {
        for (int i = 0; i < 200; i++) {
          manager.authenticate(logins.get(logins.size() - 1 - i).accessToken().value());
        }
        return null;
      });
      measure(cli, names, worst, calls, "refresh", () -> {
        for (int i = 0; i < 200; i++) {
          manager.refresh(logins.get(logins.size() - 1 - i).refreshToken().value(), ClientInfo.unknown());
        }
        return null;
      });
      measure(cli, names, worst, calls, "logout", () -> {
        for (int i = 0; i < 50; i++) {
          manager.logout(logins.get(logins.size() - 300 - i).session().id(), ClientInfo.unknown());
        }
        return null;
      });
      int before = store.list(user, Optional.empty(), 1).liveCount();
      measure(cli, names, worst, calls, "logout-all of " + before + " sessions, then reclaim", () -> {
        manager.logoutAll(user, ClientInfo.unknown());
        // reclaiming runs off the request path: wait for it to finish
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (cli.exists("user-sessions-revoked:{" + SessionIds.userTag(user) + "}") > 0
            && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
        return null;
      });
      System.out.printf("%n== SLOWLOG with one user at the ceiling of %d sessions%n", ceiling);
      System.out.printf("%-45s %10s%n", "sessionkit command", "max µs");
      worst.forEach((k, v) -> System.out.printf("%-45s %10d   (%d calls)%n", k, v, calls.get(k)));
    }
  }

  static void measure(RedisCommands<String, String> cli, Map<String, String> names,
      Map<String, Long> worst, Map<String, Integer> calls, String operation, Supplier<Void> run) {
    cli.slowlogReset();
    run.get();
    for (Object entry : cli.slowlogGet(100000)) {
      List<?> fields = (List<?>) entry;
      long micros = (Long) fields.get(2);
      List<?> argv = (List<?>) fields.get(3);
      String command = String.valueOf(argv.get(0)).toUpperCase();
      if (command.equals("SLOWLOG") || command.equals("CONFIG") || command.equals("EXISTS")) {
        continue;
      }
      String name = command.startsWith("EVAL")
          ? names.getOrDefault(String.valueOf(argv.get(1)), "script") : command;
      String key = operation + ": " + name;
      worst.merge(key, micros, Math::max);
      calls.merge(key, 1, Integer::sum);
    }
  }

  static Map<String, String> scriptNames(RedisCommands<String, String> cli) throws Exception {
    Map<String, String> names = new TreeMap<>();
    for (String name : List.of("create", "find", "touch", "list", "revoke", "revoke_all",
        "rotate", "reclaim_pending", "reclaim", "activity_record", "throttle",
        "throttle_succeeded")) {
      String body = new String(MeasureRedisLayout.class.getClassLoader()
          .getResourceAsStream("io/sessionkit/redis/" + name + ".lua").readAllBytes(),
          StandardCharsets.UTF_8);
      String prologue = new String(MeasureRedisLayout.class.getClassLoader()
          .getResourceAsStream("io/sessionkit/redis/prologue.lua").readAllBytes(),
          StandardCharsets.UTF_8);
      int firstLine = body.indexOf('\n') + 1;
      String source = body.substring(0, firstLine) + prologue + body.substring(firstLine);
      names.put(sha1(source), name + ".lua");
    }
    return names;
  }

  // --- the near-cache's cost in Redis: its tracking table ---

  static void tracking(String uri, RedisCommands<String, String> cli, int users) throws Exception {
    try (RedisSessionStore plain = RedisSessionStore.builder().uri(uri).build();
        RedisSessionStore cached =
            RedisSessionStore.builder().uri(uri).nearCache(Duration.ofMinutes(1), users).build();
        SessionManager writer = manager(plain, b -> {});
        SessionManager reader = manager(cached, b -> {})) {
      // a private server: start from nothing, so that keys of the sections before (grace keys
      // expiring) do not move used_memory while the tracking table is measured
      cli.flushall();
      List<Login> logins = new ArrayList<>();
      for (int u = 0; u < users; u++) {
        logins.add(writer.login("tracked-" + u, Set.of("USER"), new ClientInfo("", BROWSER)));
      }
      reader.authenticate(logins.get(0).accessToken().value());
      long before = settledUsedMemory(cli);
      long start = System.nanoTime();
      for (Login login : logins) {
        reader.authenticate(login.accessToken().value());
      }
      long fillMicros = (System.nanoTime() - start) / 1_000 / users;
      long grown = settledUsedMemory(cli) - before;
      Map<String, String> stats = new TreeMap<>();
      cli.info("stats").lines().filter(l -> l.startsWith("tracking_"))
          .forEach(l -> stats.put(l.substring(0, l.indexOf(':')), l.substring(l.indexOf(':') + 1).strip()));
      System.out.printf("%n== Near-cache: %d users, one session each, cached by one instance%n", users);
      System.out.printf("tracking table: %s keys, %s items; %d bytes per cached user"
              + " (INFO used_memory); a fill took %d µs on average%n",
          stats.get("tracking_total_keys"), stats.get("tracking_total_items"), grown / users,
          fillMicros);
      start = System.nanoTime();
      for (Login login : logins) {
        reader.authenticate(login.accessToken().value());
      }
      System.out.printf("cached authenticate: %.1f µs on average%n",
          (System.nanoTime() - start) / 1_000.0 / users);
    }
  }

  // --- commands per operation ---

  static void roundTrips(String uri, int port) throws Exception {
    try (RedisSessionStore store = RedisSessionStore.builder().uri(uri).build();
        SessionManager manager =
            manager(store, b -> b.listener(RedisActivityLog.sharing(store, 50, Duration.ofDays(7))))) {

      LoginThrottle throttle =
          RedisLoginThrottle.sharing(store, LoginThrottle.Limits.of(5, Duration.ofMinutes(1)));
      ActivityLog feed = RedisActivityLog.sharing(store, 50, Duration.ofDays(7));
      String user = "round-trips";
      // warm every script up, so that no NOSCRIPT retry is counted
      Login warm = manager.login(user, Set.of("USER"), new ClientInfo("", BROWSER));
      manager.authenticate(warm.accessToken().value());
      manager.refresh(warm.refreshToken().value(), ClientInfo.unknown());
      manager.sessions(user);
      manager.logout(warm.session().id(), ClientInfo.unknown());
      manager.logoutAll(user, ClientInfo.unknown());
      throttle.attempt("k", "a");
      throttle.succeeded("k", "a");
      feed.record(failedLogin(user));
      for (int i = 0; i < 10; i++) {
        manager.login(user, Set.of("USER"), new ClientInfo("", BROWSER));
      }
      Thread.sleep(500);

      Map<String, List<String>> seen = new LinkedHashMap<>();
      Login[] login = new Login[1];
      seen.put("login (throttle attempt, create; then activity feed, throttle success)", monitor(port, () -> {
        throttle.attempt(user, "203.0.113.1");
        login[0] = manager.login(user, Set.of("USER"), new ClientInfo("203.0.113.1", BROWSER));
        throttle.succeeded(user, "203.0.113.1");
      }));
      seen.put("failed login (throttle attempt; then activity feed)", monitor(port, () -> {
        throttle.attempt(user, "203.0.113.2");
        feed.record(failedLogin(user));
      }));
      seen.put("authenticate", monitor(port, () -> manager.authenticate(login[0].accessToken().value())));
      Refresh[] refresh = new Refresh[1];
      seen.put("refresh", monitor(port, () ->
          refresh[0] = manager.refresh(login[0].refreshToken().value(), ClientInfo.unknown())));
      seen.put("list one page", monitor(port, () -> manager.sessions(user)));
      seen.put("logout", monitor(port, () -> manager.logout(login[0].session().id(), ClientInfo.unknown())));
      seen.put("logout-all of 10 sessions", monitor(port, () -> manager.logoutAll(user, ClientInfo.unknown())));
      System.out.printf("%n== Commands each operation sends (MONITOR; scripts' own calls not counted)%n");
      seen.forEach((op, commands) -> System.out.printf("%-50s %d: %s%n", op, commands.size(), commands));
    }
  }

  static io.sessionkit.ActivityEntry failedLogin(String user) {
    return new io.sessionkit.ActivityEntry(user, io.sessionkit.ActivityEntry.Type.LOGIN_FAILED,
        java.time.Instant.now(), "203.0.113.2", BROWSER, Optional.empty());
  }

  static List<String> monitor(int port, Runnable operation) throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.getOutputStream().write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
      BufferedReader in = new BufferedReader(
          new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      in.readLine();
      operation.run();
      Thread.sleep(300); // what runs off the request path right after, too
      socket.setSoTimeout(300);
      List<String> commands = new ArrayList<>();
      try {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (line.contains(" lua] ")) {
            continue;
          }
          String[] parts = line.split("\"");
          commands.add(parts.length > 1 ? parts[1].toUpperCase() : line);
        }
      } catch (SocketTimeoutException drained) {
        // nothing more
      }
      return commands;
    }
  }

  // --- helpers ---

  static SessionManager manager(
      SessionStore store, java.util.function.Consumer<SessionManager.Builder> settings) {
    SessionManager.Builder builder = SessionManager.builder()
        .store(store)
        .tokenService(JwtTokenService.builder().signingKey(KEY).build());
    settings.accept(builder);
    return builder.build();
  }

  // Redis trims idle clients' buffers in its cron (a client idle for 2 s): wait for that, so that
  // the buffers of the logins just sent do not shrink in the middle of a measurement
  static long settledUsedMemory(RedisCommands<String, String> cli) throws InterruptedException {
    Thread.sleep(3_000);
    return usedMemory(cli);
  }

  static long usedMemory(RedisCommands<String, String> cli) {
    return cli.info("memory").lines()
        .filter(l -> l.startsWith("used_memory:"))
        .mapToLong(l -> Long.parseLong(l.substring(12).strip()))
        .findFirst().orElseThrow();
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  static void awaitPing(int port) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("redis-server did not start");
  }

  static String sha1(String source) throws Exception {
    return java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
  }

  static int intArg(String[] args, String name, int fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }
}
