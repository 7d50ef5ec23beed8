package io.sessionkit.example;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A front end on a second origin (the same host, another port) uses the API in a real browser
 * (Debian's Chromium through Selenium): its page logs in with {@code fetch(..., {credentials:
 * "include"})}, which needs a CORS preflight for the JSON body, and then lists the sessions with
 * the cookie the login set. The app allows the page's origin through {@code ALLOWED_ORIGINS}.
 * Sessions in memory.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    classes = ExampleApplication.class,
    properties = "sessionkit.cookie.secure=false")
@DirtiesContext
class CrossOriginBrowserIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String PASSWORD = "correct-horse-battery";

  // the second origin: a page server of its own, started before the app so that the app can
  // be told its origin
  private static final HttpServer PAGES = startPageServer();
  private static volatile String page = "";

  @DynamicPropertySource
  static void allowThePagesOrigin(DynamicPropertyRegistry registry) {
    registry.add("sessionkit.allowed-origins", CrossOriginBrowserIT::pageOrigin);
  }

  @LocalServerPort int port;

  private Path profile;
  private WebDriver driver;

  @BeforeEach
  void startBrowser() throws IOException {
    assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
        .withFailMessage(
            "CrossOriginBrowserIT drives Debian's Chromium: %s and %s must exist. Install them"
                + " with `apt-get install -y chromium chromium-driver` (.ci/run does this).",
            CHROMIUM, CHROMEDRIVER)
        .isTrue();
    System.setProperty("SE_OFFLINE", "true");
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    profile = Files.createTempDirectory("cross-origin-it-profile");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    driver = new ChromeDriver(service, options);
  }

  @AfterEach
  void closeBrowser() throws IOException {
    try {
      if (driver != null) {
        driver.quit();
      }
    } finally {
      if (profile != null) {
        try (Stream<Path> files = Files.walk(profile)) {
          files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
      }
    }
  }

  @AfterAll
  static void stopPageServer() {
    PAGES.stop(0);
  }

  @Test
  void aPageOnAnotherOriginLogsInAndListsTheSessionsThroughTheApi() {
    String username = "cors_" + HexFormat.of().formatHex(randomBytes(5));
    assertThat(ApiClient.on(port).register(username, PASSWORD).status()).isEqualTo(201);
    page = frontEnd("http://127.0.0.1:" + port, username);

    driver.get(pageOrigin() + "/");
    new WebDriverWait(driver, WAIT).until(ExpectedConditions.textToBe(By.id("done"), "done"));

    assertThat(driver.findElement(By.id("error")).getText()).isEmpty();
    assertThat(driver.findElement(By.id("login-status")).getText()).isEqualTo("200");
    assertThat(driver.findElement(By.id("sessions-status")).getText()).isEqualTo("200");
    assertThat(driver.findElement(By.id("active-sessions")).getText()).isEqualTo("1");
    assertThat(driver.findElement(By.id("current-marked")).getText()).isEqualTo("true");
  }

  /** The front end: log in, then list the sessions, both cross-origin with credentials. */
  private static String frontEnd(String api, String username) {
    return """
        <!doctype html>
        <html><body>
        <p>login <span id="login-status"></span></p>
        <p>sessions <span id="sessions-status"></span>
           <span id="active-sessions"></span> <span id="current-marked"></span></p>
        <p id="error"></p><p id="done"></p>
        <script>
        const api = "%s/api/v1/auth";
        async function run() {
          const login = await fetch(api + "/login", {
            method: "POST",
            credentials: "include",
            headers: {"Content-Type": "application/json"},
            body: JSON.stringify({username: "%s", password: "%s"})
          });
          document.getElementById("login-status").textContent = login.status;
          const list = await fetch(api + "/sessions", {credentials: "include"});
          document.getElementById("sessions-status").textContent = list.status;
          const body = await list.json();
          document.getElementById("active-sessions").textContent = body.active_sessions;
          document.getElementById("current-marked").textContent =
              String(body.sessions.some(s => s.current));
        }
        run()
          .catch(e => { document.getElementById("error").textContent = String(e); })
          .finally(() => { document.getElementById("done").textContent = "done"; });
        </script>
        </body></html>
        """
        .formatted(api, username, PASSWORD);
  }

  private static String pageOrigin() {
    return "http://127.0.0.1:" + PAGES.getAddress().getPort();
  }

  private static HttpServer startPageServer() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext(
          "/",
          exchange -> {
            byte[] body = page.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }
}
