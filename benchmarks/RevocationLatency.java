/*
 * Revocation propagation between two instances of the example app on one Redis: how long after
 * instance A answers a revocation does instance B refuse the revoked session's token?
 *
 * Per trial: log in on A (a new session), poll B until it accepts that session's token, revoke the
 * session on A (by logout, by DELETE /api/v1/auth/sessions/{id} from the user's other session, or
 * by logout-all: one third each, in turn), then poll B with the token back to back until it answers
 * 401. Recorded: the time from A's answer to B's first 401, and how many requests B still accepted
 * in between (0 when revocation holds on the next request). Prints a Markdown table per kind.
 *
 *   java benchmarks/RevocationLatency.java --a http://127.0.0.1:PA --b http://127.0.0.1:PB
 *       [--trials 200] [--warmup-trials 30] [--poll-path /api/v1/auth/me] [--csv FILE]
 *
 * The warm-up trials run first, the same way, and are not recorded (so B's JIT is warm).
 *
 * The wrapper benchmarks/revocation-latency.sh starts Redis and both instances. JDK only.
 */

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class RevocationLatency {

  enum Kind {
    LOGOUT("logout"),
    DELETE("DELETE /sessions/{id}"),
    LOGOUT_ALL("logout-all");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /** One trial: micros from A's answer to B's first 401 (-1: none within the limit). */
  record Trial(int number, Kind kind, long revokeMicros, long propagationMicros, int staleAccepts, int polls) {}

  record Login(String sessionId, String token) {}

  static final Pattern SESSION_ID = Pattern.compile("\"session_id\":\"([A-Za-z0-9_-]+)\"");
  static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\":\"([A-Za-z0-9_.-]+)\"");
  static final String PASSWORD = "revocation-password-1";
  static final Duration POLL_LIMIT = Duration.ofSeconds(10);

  static final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  static String a;
  static String b;
  static String user;

  public static void main(String[] args) throws Exception {
    int trials = 200;
    int warmupTrials = 30;
    String pollPath = "/api/v1/auth/me";
    Path csv = null;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--a" -> a = args[i + 1];
        case "--b" -> b = args[i + 1];
        case "--trials" -> trials = Integer.parseInt(args[i + 1]);
        case "--warmup-trials" -> warmupTrials = Integer.parseInt(args[i + 1]);
        case "--poll-path" -> pollPath = args[i + 1];
        case "--csv" -> csv = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (a == null || b == null) {
      throw new IllegalArgumentException("--a and --b must give both instances' base URLs");
    }

    user = "revoke_" + Long.toString(System.nanoTime(), 36);
    expect(send("POST", a + "/api/v1/auth/register", null, credentials()), 201, "register on A");
    // the user's other device, which revokes the trial's session in the DELETE trials
    Login other = login();

    List<Trial> results = new ArrayList<>();
    for (int i = -warmupTrials; i < trials; i++) {
      Kind kind = Kind.values()[Math.floorMod(i, Kind.values().length)];
      Login session = login();
      waitUntilAccepted(session, pollPath);

      long sent = System.nanoTime();
      switch (kind) {
        case LOGOUT ->
            expect(send("POST", a + "/api/v1/auth/logout", session.token(), null), 200, "logout");
        case DELETE ->
            expect(
                send("DELETE", a + "/api/v1/auth/sessions/" + session.sessionId(), other.token(), null),
                204,
                "DELETE /sessions/{id}");
        case LOGOUT_ALL ->
            expect(send("POST", a + "/api/v1/auth/logout-all", session.token(), null), 200, "logout-all");
      }
      long answered = System.nanoTime();

      int stale = 0;
      int polls = 0;
      long propagation = -1;
      long deadline = answered + POLL_LIMIT.toNanos();
      while (System.nanoTime() < deadline) {
        HttpResponse<String> r = send("GET", b + pollPath, session.token(), null);
        polls++;
        if (r.statusCode() == 401) {
          propagation = (System.nanoTime() - answered) / 1000;
          break;
        }
        if (r.statusCode() != 200) {
          throw new IllegalStateException("B answered " + r.statusCode() + " " + r.body());
        }
        stale++;
      }
      if (i >= 0) {
        results.add(new Trial(i + 1, kind, (answered - sent) / 1000, propagation, stale, polls));
      }
      if (kind == Kind.LOGOUT_ALL) {
        other = login(); // logout-all ended the other device too
      }
    }

    if (csv != null) {
      try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv))) {
        out.println("trial,kind,revoke_us,propagation_us,stale_accepts,polls");
        for (Trial t : results) {
          out.printf("%d,%s,%d,%d,%d,%d%n", t.number(), t.kind().label, t.revokeMicros(),
              t.propagationMicros(), t.staleAccepts(), t.polls());
        }
      }
    }
    report(results, pollPath);
  }

  static void report(List<Trial> results, String pollPath) {
    System.out.printf(
        "Polled on B: GET %s with the revoked session's token, back to back. A latency includes"
            + " B's answer time for one request: with revocation on the next request it is just that.%n%n",
        pollPath);
    System.out.println("| revoked by | trials | p50 ms | p99 ms | max ms | trials with B still accepting | most stale accepts in a trial | never refused within "
        + POLL_LIMIT.toSeconds() + " s | A's revoke answer p50 ms |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    Map<String, List<Trial>> byKind = new LinkedHashMap<>();
    for (Kind kind : Kind.values()) {
      byKind.put(kind.label, results.stream().filter(t -> t.kind() == kind).toList());
    }
    byKind.put("all", results);
    for (Map.Entry<String, List<Trial>> e : byKind.entrySet()) {
      List<Trial> trials = e.getValue();
      if (trials.isEmpty()) {
        continue;
      }
      long[] latencies = trials.stream().filter(t -> t.propagationMicros() >= 0)
          .mapToLong(Trial::propagationMicros).sorted().toArray();
      long[] revokes = trials.stream().mapToLong(Trial::revokeMicros).sorted().toArray();
      long withStale = trials.stream().filter(t -> t.staleAccepts() > 0).count();
      int mostStale = trials.stream().mapToInt(Trial::staleAccepts).max().orElse(0);
      long never = trials.stream().filter(t -> t.propagationMicros() < 0).count();
      System.out.printf("| %s | %d | %s | %s | %s | %d | %d | %d | %.2f |%n", e.getKey(), trials.size(),
          ms(latencies, 50), ms(latencies, 99), ms(latencies, 100), withStale, mostStale, never,
          percentile(revokes, 50) / 1000.0);
    }
  }

  static String ms(long[] sortedMicros, int p) {
    return sortedMicros.length == 0 ? "n/a" : String.format("%.2f", percentile(sortedMicros, p) / 1000.0);
  }

  /** Nearest rank. */
  static long percentile(long[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  /** Until B accepts the new session's token: it must be live there before it is revoked. */
  static void waitUntilAccepted(Login session, String pollPath) throws InterruptedException {
    long deadline = System.nanoTime() + POLL_LIMIT.toNanos();
    int last = -1;
    while (System.nanoTime() < deadline) {
      last = send("GET", b + pollPath, session.token(), null).statusCode();
      if (last == 200) {
        return;
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("B never accepted a session made on A (last answer " + last
        + "); do both instances share JWT_SECRET and Redis?");
  }

  static Login login() {
    HttpResponse<String> r = send("POST", a + "/api/v1/auth/login", null, credentials());
    expect(r, 200, "login on A");
    Matcher id = SESSION_ID.matcher(r.body());
    Matcher token = ACCESS_TOKEN.matcher(r.body());
    if (!id.find() || !token.find()) {
      throw new IllegalStateException("login answer without session_id or access_token");
    }
    return new Login(id.group(1), token.group(1));
  }

  static String credentials() {
    return "{\"username\":\"" + user + "\",\"password\":\"" + PASSWORD + "\"}";
  }

  static void expect(HttpResponse<String> r, int status, String what) {
    if (r.statusCode() != status) {
      throw new IllegalStateException(what + " answered " + r.statusCode() + " " + r.body());
    }
  }

  static HttpResponse<String> send(String method, String url, String bearer, String json) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    if (json != null) {
      request.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + url + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
