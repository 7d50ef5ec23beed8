package io.sessionkit.servlet;

import io.sessionkit.ActivityEntry;
import io.sessionkit.ActivityLog;
import io.sessionkit.ClientInfo;
import io.sessionkit.Login;
import io.sessionkit.LoginThrottle;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStoreUnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A host's login handler in one call: the throttle, the host's credential check, the session, the
 * cookies and the failed-login feed entry, in the right order.
 *
 * <pre>{@code
 * LoginAttempt attempt =
 *     logins.login(request, response, username, () -> users.check(username, password)
 *         .map(user -> CredentialCheck.accepted(user.id(), user.roles()))
 *         .orElseGet(CredentialCheck::rejected));
 * switch (attempt.status()) {
 *   case LOGGED_IN -> ... // 200; attempt.login() has the session and tokens, the cookies are set
 *   case REJECTED, THROTTLED -> attempt.sendRefusal(response); // 401, or 429 with Retry-After
 * }
 * }</pre>
 *
 * <p>{@link #login(HttpServletRequest, HttpServletResponse, String, Supplier)}:
 *
 * <ol>
 *   <li>counts the attempt with the {@linkplain Builder#throttle throttle} (if any), keyed by the
 *       account and the client address; when refused, answers {@link LoginAttempt.Status#THROTTLED}
 *       without checking the credentials;
 *   <li>runs the host's credential check;
 *   <li>when it rejects, records {@link ActivityEntry.Type#LOGIN_FAILED} in the named user's feed
 *       (with an {@linkplain Builder#activityLog activity log}, and only when the check named the
 *       user) and answers {@link LoginAttempt.Status#REJECTED};
 *   <li>when it accepts, creates the session ({@link SessionManager#login}), takes the attempt back
 *       from the throttle, writes both cookies and answers {@link LoginAttempt.Status#LOGGED_IN}.
 * </ol>
 *
 * <p>Nothing is written to the response except the cookies of a successful login. The {@code login}
 * feed entry comes from the manager's {@code CREATED} event, as for every login. Instances are
 * immutable and thread-safe.
 */
public final class SessionLogin {

  private final SessionManager manager;
  private final SessionCookies cookies;
  private final ClientInfoResolver clientInfo;
  private final Optional<LoginThrottle> throttle;
  private final Optional<ActivityLog> activity;

  private SessionLogin(Builder b) {
    this.manager = b.manager;
    this.cookies = b.cookies;
    this.clientInfo = b.clientInfo;
    this.throttle = b.throttle;
    this.activity = b.activity;
  }

  /** A builder for logins into {@code manager}. */
  public static Builder builder(SessionManager manager) {
    return new Builder(manager);
  }

  /**
   * A login attempt, as described in the class description.
   *
   * @param account the account the attempt names (the username as typed, normalised the way the
   *     host's own lookup normalises it, such as lower-cased): the throttle's key, never stored in
   *     clear
   * @param check the host's credential check; called at most once, and not when throttled
   * @throws SessionStoreUnavailableException when the session cannot be created because the store
   *     is unreachable in {@code DENY} mode (the Spring Boot starter answers it with 503; see
   *     {@link StoreUnavailableResponse})
   */
  public LoginAttempt login(
      HttpServletRequest request,
      HttpServletResponse response,
      String account,
      Supplier<CredentialCheck> check) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(response, "response");
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(check, "check");
    ClientInfo client = clientInfo.resolve(request);
    if (throttle.isPresent()) {
      LoginThrottle.Decision decision = throttle.get().attempt(account, client.ip());
      if (!decision.allowed()) {
        return LoginAttempt.throttled(decision.retryAfter());
      }
    }
    CredentialCheck verdict = Objects.requireNonNull(check.get(), "the credential check's answer");
    if (verdict.user().isEmpty()) {
      verdict
          .failedUserId()
          .ifPresent(
              userId ->
                  activity.ifPresent(
                      log ->
                          log.record(
                              manager.activityEntry(
                                  userId, ActivityEntry.Type.LOGIN_FAILED, client))));
      return LoginAttempt.rejected();
    }
    CredentialCheck.LoginUser user = verdict.user().get();
    Login login = manager.login(user.userId(), user.roles(), client, user.attributes());
    throttle.ifPresent(t -> t.succeeded(account, client.ip()));
    cookies.write(response, login.accessToken(), login.refreshToken());
    return LoginAttempt.loggedIn(login);
  }

  /**
   * Starts a session for a user someone else has already authenticated (Spring Security, an SSO
   * callback): creates it and writes both cookies. No throttle, no feed entry of its own.
   *
   * @throws SessionStoreUnavailableException as {@link SessionManager#login} does
   */
  public Login start(
      HttpServletRequest request,
      HttpServletResponse response,
      String userId,
      Set<String> roles,
      Map<String, String> attributes) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(response, "response");
    Login login = manager.login(userId, roles, clientInfo.resolve(request), attributes);
    cookies.write(response, login.accessToken(), login.refreshToken());
    return login;
  }

  @Override
  public String toString() {
    return "SessionLogin[throttle="
        + throttle.isPresent()
        + ", activityLog="
        + activity.isPresent()
        + ", "
        + cookies
        + "]";
  }

  /**
   * Builds a {@link SessionLogin}. Every setter validates its argument at once. Not thread-safe.
   */
  public static final class Builder {

    private final SessionManager manager;
    private SessionCookies cookies = SessionCookies.defaults();
    private ClientInfoResolver clientInfo = ClientInfoResolver.direct();
    private Optional<LoginThrottle> throttle = Optional.empty();
    private Optional<ActivityLog> activity = Optional.empty();

    private Builder(SessionManager manager) {
      this.manager = Objects.requireNonNull(manager, "manager");
    }

    /** The cookies to write; use the filter's. Default {@link SessionCookies#defaults()}. */
    public Builder cookies(SessionCookies cookies) {
      this.cookies = Objects.requireNonNull(cookies, "cookies");
      return this;
    }

    /**
     * How the client's address (the throttle's second key) and user agent are found; use the
     * filter's. Default {@link ClientInfoResolver#direct()}.
     */
    public Builder clientInfo(ClientInfoResolver clientInfo) {
      this.clientInfo = Objects.requireNonNull(clientInfo, "clientInfo");
      return this;
    }

    /** The throttle every attempt goes through. Default none: attempts are not limited. */
    public Builder throttle(LoginThrottle throttle) {
      this.throttle = Optional.of(Objects.requireNonNull(throttle, "throttle"));
      return this;
    }

    /**
     * The feed that failed logins are recorded in. Default none. Register the same log as a {@link
     * io.sessionkit.SessionListener} of the manager for the other entries.
     */
    public Builder activityLog(ActivityLog activityLog) {
      this.activity = Optional.of(Objects.requireNonNull(activityLog, "activityLog"));
      return this;
    }

    /** The login handler. */
    public SessionLogin build() {
      return new SessionLogin(this);
    }
  }
}
