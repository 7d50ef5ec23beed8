package io.sessionkit.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.testing.RedisExtension;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
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
import tools.jackson.databind.JsonNode;

/**
 * The web page at {@code /}, driven in a real browser (Debian's Chromium through Selenium) against
 * the app on a random port with a private Redis: log in through the form, see both devices, revoke
 * the other one, log out everywhere; the API confirms each step.
 *
 * <p>Needs {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} ({@code apt-get install
 * chromium chromium-driver}); without them it fails, it is never skipped. Selenium is pointed at
 * both binaries, so it never downloads a browser or a driver.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    classes = ExampleApplication.class,
    properties = "sessionkit.cookie.secure=false")
@DirtiesContext
class BrowserIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String PASSWORD = "correct-horse-battery";
  private static final String PHONE_USER_AGENT =
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15"
          + " (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
  private static final Path SCREENSHOTS =
      Path.of(System.getProperty("basedir", ".")).resolve("target").resolve("screenshots");

  @RegisterExtension static final RedisExtension REDIS = RedisExtension.privateServer();

  @DynamicPropertySource
  static void redisUrl(DynamicPropertyRegistry registry) {
    registry.add("sessionkit.redis.url", REDIS::uri);
  }

  @LocalServerPort int port;

  private Path profile;
  private WebDriver driver;
  private WebDriverWait wait;

  @BeforeEach
  void startBrowser() throws IOException {
    assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
        .withFailMessage(
            "BrowserIT drives Debian's Chromium: %s and %s must exist. Install them with"
                + " `apt-get install -y chromium chromium-driver` (.ci/run does this).",
            CHROMIUM, CHROMEDRIVER)
        .isTrue();
    // Never let Selenium Manager look for (or download) a browser or driver.
    System.setProperty("SE_OFFLINE", "true");
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());

    profile = Files.createTempDirectory("browser-it-profile");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,900",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--user-data-dir=" + profile);
    Files.createDirectories(SCREENSHOTS);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .withLogFile(SCREENSHOTS.resolveSibling("chromedriver.log").toFile())
            .build();
    driver = new ChromeDriver(service, options);
    wait = new WebDriverWait(driver, WAIT);
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

  @Test
  void aUserSeesTheirDevicesRevokesTheOtherOneAndLogsOutEverywhere() throws Exception {
    String username = "browser_" + HexFormat.of().formatHex(randomBytes(5));
    assertThat(ApiClient.on(port).register(username, PASSWORD).status()).isEqualTo(201);

    // A second device: the same user on a phone, over the API.
    JsonNode phone =
        ContractSupport.json(
            ApiClient.on(port).userAgent(PHONE_USER_AGENT).loggedIn(username, PASSWORD));
    String phoneSession = phone.get("session_id").asString();
    String phoneToken = phone.get("access_token").asString();

    try {
      // Log in through the form.
      driver.get(base() + "/");
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
      driver.findElement(By.id("login-username")).sendKeys(username);
      driver.findElement(By.id("login-password")).sendKeys(PASSWORD);
      driver.findElement(By.id("login-submit")).click();

      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signed-in")));
      wait.until(ExpectedConditions.textToBe(By.id("current-user"), username));
      assertThat(driver.findElement(By.id("signed-out")).isDisplayed()).isFalse();

      // Two devices: this browser (current, first) and the phone (revocable).
      List<WebElement> devices =
          wait.until(
              ExpectedConditions.numberOfElementsToBe(By.cssSelector("#devices .device"), 2));
      assertThat(driver.findElements(By.cssSelector("#devices .device.current"))).hasSize(1);
      WebElement current = driver.findElement(By.cssSelector("#devices .device.current"));
      String browserSession = current.getAttribute("data-session-id");
      assertThat(browserSession).isNotBlank().isNotEqualTo(phoneSession);
      assertThat(current.getText()).contains("This device");
      assertThat(current.findElements(By.cssSelector(".revoke"))).isEmpty();
      assertThat(devices.get(0)).isEqualTo(current);
      WebElement other = driver.findElement(By.cssSelector("#devices .device:not(.current)"));
      assertThat(other.getAttribute("data-session-id")).isEqualTo(phoneSession);
      assertThat(other.getText()).contains("Safari on iOS");
      assertThat(other.findElements(By.cssSelector(".revoke"))).hasSize(1);
      wait.until(
          ExpectedConditions.presenceOfElementLocated(
              By.cssSelector("#activity .activity-entry[data-type='new_device_login']")));
      screenshot("devices.png");

      String browserToken = cookie("access_token");
      assertThat(sessionIds(browserToken)).containsExactlyInAnyOrder(browserSession, phoneSession);

      // The access token goes away, as when it expires: the page's next call gets 401, refreshes
      // once with the refresh cookie and retries. Revoke the phone: one device left, and the
      // phone's token is refused at once.
      driver.manage().deleteCookieNamed("access_token");
      other.findElement(By.cssSelector(".revoke")).click();
      wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#devices .device"), 1));
      assertThat(driver.findElements(By.cssSelector("#devices .device.current"))).hasSize(1);
      assertThat(driver.findElements(By.cssSelector("#devices .revoke"))).isEmpty();
      String refreshedToken = cookie("access_token");
      assertThat(refreshedToken).isNotEqualTo(browserToken);
      assertThat(sessionIds(refreshedToken)).containsExactly(browserSession);
      assertThat(driver.findElement(By.id("error")).isDisplayed()).isFalse();
      assertThat(bearer("/api/v1/auth/me", phoneToken).status()).isEqualTo(401);

      // Log out everywhere, through the page's own confirm step.
      assertThat(driver.findElement(By.id("logout-all-confirm")).isDisplayed()).isFalse();
      driver.findElement(By.id("logout-all")).click();
      wait.until(ExpectedConditions.elementToBeClickable(By.id("logout-all-confirm"))).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
      wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("signed-in")));
      screenshot("logged-out.png");

      // Nothing of the user is left: the browser's token is refused, and a new login is alone.
      assertThat(bearer("/api/v1/auth/me", browserToken).status()).isEqualTo(401);
      JsonNode fresh =
          ContractSupport.json(
              ApiClient.on(port).userAgent("BrowserIT/1.0").loggedIn(username, PASSWORD));
      assertThat(sessionIds(fresh.get("access_token").asString()))
          .containsExactly(fresh.get("session_id").asString());
    } catch (Throwable failure) {
      screenshot("failure.png");
      throw failure;
    }
  }

  // ---------------------------------------------------------------- helpers

  private String base() {
    return "http://127.0.0.1:" + port;
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }

  /** A request with {@code Authorization: Bearer}, from a client without cookies. */
  private ApiClient.Reply bearer(String path, String accessToken) {
    return ApiClient.on(port).get(path, "Authorization", "Bearer " + accessToken);
  }

  /** The ids in {@code GET /api/v1/auth/sessions} for this access token. */
  private List<String> sessionIds(String accessToken) {
    ApiClient.Reply response = bearer("/api/v1/auth/sessions", accessToken);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonNode body = ContractSupport.json(response);
    assertThat(body.get("redis_available").asBoolean()).isTrue();
    return body.get("sessions").valueStream().map(s -> s.get("session_id").asString()).toList();
  }

  /** A cookie of the browser's (WebDriver sees HttpOnly cookies too). */
  private String cookie(String name) {
    Cookie cookie = driver.manage().getCookieNamed(name);
    assertThat(cookie).as("the browser's %s cookie", name).isNotNull();
    return cookie.getValue();
  }

  /** Saves the whole page (the window grown to fit it) under target/screenshots. */
  private void screenshot(String name) {
    if (driver == null) {
      return;
    }
    try {
      JavascriptExecutor js = (JavascriptExecutor) driver;
      long pageHeight =
          ((Number) js.executeScript("return document.documentElement.scrollHeight")).longValue();
      long chrome =
          ((Number) js.executeScript("return window.outerHeight - window.innerHeight")).longValue();
      Dimension size = driver.manage().window().getSize();
      int height = (int) Math.min(4000, Math.max(size.getHeight(), pageHeight + chrome));
      if (height != size.getHeight()) {
        driver.manage().window().setSize(new Dimension(size.getWidth(), height));
      }
      File png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
      Files.createDirectories(SCREENSHOTS);
      Files.copy(png.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    } catch (RuntimeException | IOException e) {
      // A screenshot is an artifact: failing to save one must not hide the test's own result.
      System.err.println("BrowserIT: could not save screenshot " + name + ": " + e);
    }
  }
}
