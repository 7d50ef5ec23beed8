package io.sessionkit.spring;

import io.sessionkit.ActivityLog;
import io.sessionkit.AuthenticationListener;
import io.sessionkit.LoginThrottle;
import io.sessionkit.SessionListener;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.TokenService;
import io.sessionkit.memory.InMemorySessionStore;
import io.sessionkit.redis.RedisSessionStore;
import io.sessionkit.servlet.ClientInfoResolver;
import io.sessionkit.servlet.PathRules;
import io.sessionkit.servlet.SessionAuthenticationFilter;
import io.sessionkit.servlet.SessionCookies;
import io.sessionkit.servlet.SessionEndpoints;
import io.sessionkit.servlet.SessionLogin;
import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;

/**
 * Auto-configures sessionkit from {@link SessionKitProperties} ({@code sessionkit.*}); off with
 * {@code sessionkit.enabled=false}. Every bean backs off when the application defines its own:
 *
 * <ul>
 *   <li>{@link SessionStore} {@code sessionKitStore}: a {@link RedisSessionStore} on {@code
 *       sessionkit.redis.url}, else on {@code spring.data.redis.url} or {@code
 *       spring.data.redis.host}/{@code port}/..., else an {@link InMemorySessionStore} (with a
 *       warning: sessions are lost on restart and not shared between instances);
 *   <li>{@link TokenService} {@code sessionKitTokenService}: HS256 JWTs from {@code
 *       sessionkit.jwt.*};
 *   <li>{@link SessionManager} {@code sessionKitManager}, with every {@link SessionListener} and
 *       {@link AuthenticationListener} bean of the context, in {@code @Order};
 *   <li>{@link ActivityLog} {@code sessionKitActivityLog} (fed by the manager; off with {@code
 *       sessionkit.activity.enabled=false}) and {@link LoginThrottle} {@code
 *       sessionKitLoginThrottle} from {@code sessionkit.activity.*} and {@code
 *       sessionkit.login-throttle.*}: in the Redis of the {@link RedisSessionStore} bean, on its
 *       connection, when there is one, else in memory;
 *   <li>{@link Clock} {@code sessionKitClock} (UTC), injected only where asked for by that name, so
 *       it never competes with an application's own {@code Clock};
 *   <li>with the servlet API present: {@link SessionCookies}, {@link PathRules} (which also permit
 *       the refresh endpoint), {@link ClientInfoResolver} and {@link SessionLogin} {@code
 *       sessionKitLogin} (the one-call login, with the throttle and the activity log);
 *   <li>in a servlet web application: {@link SessionAuthenticationFilter} (registration {@code
 *       sessionKitAuthenticationFilter}, order {@value #AUTHENTICATION_FILTER_ORDER}) and {@link
 *       SessionEndpoints} ({@code sessionKitEndpoints}, order {@value #ENDPOINTS_FILTER_ORDER}; off
 *       with {@code sessionkit.endpoints.enabled=false}), both on {@code /*};
 *   <li>when the application has a {@code corsConfigurationSource} bean: {@code
 *       sessionKitCorsFilter} (order {@value #CORS_FILTER_ORDER}), which applies it to preflights
 *       and to sessionkit's endpoints and refusals;
 *   <li>with Spring MVC: {@code sessionKitStoreUnavailableResolver}, which answers a {@link
 *       io.sessionkit.SessionStoreUnavailableException} from the application's controllers with 503
 *       {@code service_unavailable} and {@code Retry-After} (after the application's own
 *       {@code @ExceptionHandler}s, which win);
 *   <li>with Spring Security (all of it off with {@code sessionkit.spring-security.enabled=false}):
 *       a filter ({@code sessionKitSecurityContextFilter}, order {@value
 *       #SECURITY_CONTEXT_FILTER_ORDER}) that puts a {@link SessionKitAuthenticationToken} into the
 *       request's security context; {@link SessionKitLogoutHandler}, which a customizer ({@code
 *       sessionKitHttpSecurityCustomizer}) adds to every chain's {@code logout()}, and with which
 *       it makes a {@code formLogin()} success start a session; and, when the application has no
 *       user store of its own, an {@code AuthenticationProvider} for sessionkit's tokens, so Boot
 *       generates no password.
 * </ul>
 *
 * <p>Health and metrics have auto-configurations of their own, which run after this one: {@link
 * SessionKitHealthAutoConfiguration} and {@link SessionKitMetricsAutoConfiguration}.
 *
 * <p>The three filters run before Spring Security's filter chain (order -100 by default), so that
 * Spring Security sees the session's authentication and the session endpoints answer without
 * passing through the application's security rules.
 */
// before Boot's in-memory user, which backs off for sessionkit's AuthenticationProvider
@AutoConfiguration(
    beforeName =
        "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration")
@ConditionalOnBooleanProperty(prefix = "sessionkit", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(SessionKitProperties.class)
// In this order: the first store that matches wins, the in-memory one comes last; the activity
// log and throttle then follow the store that won.
@Import({
  StoreConfigurations.RedisStore.class,
  StoreConfigurations.InMemoryStore.class,
  StoreConfigurations.RedisReachability.class,
  StoreConfigurations.RedisActivity.class,
  StoreConfigurations.InMemoryActivity.class
})
public final class SessionKitAutoConfiguration {

  /** Order of the CORS filter: before sessionkit's authentication filter. */
  public static final int CORS_FILTER_ORDER = -111;

  /** Order of the authentication filter: before Spring Security's default of -100. */
  public static final int AUTHENTICATION_FILTER_ORDER = -110;

  /** Order of the filter that hands the session to Spring Security: right after the above. */
  public static final int SECURITY_CONTEXT_FILTER_ORDER = -109;

  /** Order of the session endpoints: after authentication, before Spring Security. */
  public static final int ENDPOINTS_FILTER_ORDER = -108;

  /** Name of the {@link Clock} bean sessionkit uses. */
  public static final String CLOCK_BEAN_NAME = "sessionKitClock";

  /** Called by Spring. */
  public SessionKitAutoConfiguration() {}

  // Not a default candidate: an application's own `Clock` injection points never see it, and an
  // application's own Clock is not used for sessions unless it is named sessionKitClock.
  @Bean(defaultCandidate = false)
  @ConditionalOnMissingBean(name = CLOCK_BEAN_NAME)
  Clock sessionKitClock() {
    return Clock.systemUTC();
  }

  @Bean
  @ConditionalOnMissingBean
  TokenService sessionKitTokenService(
      SessionKitProperties properties, @Qualifier(CLOCK_BEAN_NAME) Clock clock) {
    return SessionKitBuilders.tokenService(properties, clock);
  }

  @Bean
  @ConditionalOnMissingBean
  SessionManager sessionKitManager(
      SessionKitProperties properties,
      SessionStore store,
      TokenService tokens,
      @Qualifier(CLOCK_BEAN_NAME) Clock clock,
      ObjectProvider<SessionListener> listeners,
      ObjectProvider<AuthenticationListener> authenticationListeners) {
    return SessionKitBuilders.sessionManager(
        properties,
        store,
        tokens,
        clock,
        listeners.orderedStream(),
        authenticationListeners.orderedStream());
  }

  /** Cookies, path rules and client-address resolution, wherever the servlet API is present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {"jakarta.servlet.http.HttpServletRequest", "io.sessionkit.servlet.SessionCookies"})
  static class ServletConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SessionCookies sessionKitCookies(
        SessionKitProperties properties,
        @Qualifier(CLOCK_BEAN_NAME) Clock clock,
        Environment environment) {
      return SessionKitBuilders.cookies(
          properties, clock, environment.getProperty("server.servlet.context-path", ""));
    }

    @Bean
    @ConditionalOnMissingBean
    PathRules sessionKitPathRules(
        SessionKitProperties properties,
        SessionManager manager,
        SessionCookies cookies,
        ClientInfoResolver clientInfo) {
      List<String> refresh =
          properties.getEndpoints().isEnabled()
              ? List.of(
                  SessionKitBuilders.endpoints(properties, manager, cookies, clientInfo)
                      .refreshPath())
              : List.of();
      return SessionKitBuilders.pathRules(properties, refresh);
    }

    @Bean
    @ConditionalOnMissingBean
    ClientInfoResolver sessionKitClientInfoResolver(SessionKitProperties properties) {
      return SessionKitBuilders.clientInfo(properties);
    }

    @Bean
    @ConditionalOnMissingBean
    SessionLogin sessionKitLogin(
        SessionManager manager,
        SessionCookies cookies,
        ClientInfoResolver clientInfo,
        ObjectProvider<LoginThrottle> throttle,
        ObjectProvider<ActivityLog> activityLog) {
      SessionLogin.Builder builder =
          SessionLogin.builder(manager).cookies(cookies).clientInfo(clientInfo);
      throttle.ifAvailable(builder::throttle);
      activityLog.ifAvailable(builder::activityLog);
      return builder.build();
    }
  }

  /** The authentication filter and the session endpoints, in a servlet web application. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(
      name = {
        "jakarta.servlet.Filter",
        "io.sessionkit.servlet.SessionAuthenticationFilter",
        "org.springframework.boot.web.servlet.FilterRegistrationBean"
      })
  static class ServletFilterConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "sessionKitAuthenticationFilter")
    FilterRegistrationBean<SessionAuthenticationFilter> sessionKitAuthenticationFilter(
        SessionKitProperties properties,
        SessionManager manager,
        SessionCookies cookies,
        PathRules pathRules,
        ClientInfoResolver clientInfo) {
      FilterRegistrationBean<SessionAuthenticationFilter> registration =
          new FilterRegistrationBean<>(
              SessionKitBuilders.authenticationFilter(
                  properties, manager, cookies, pathRules, clientInfo));
      registration.setName("sessionKitAuthenticationFilter");
      registration.addUrlPatterns("/*");
      registration.setOrder(AUTHENTICATION_FILTER_ORDER);
      return registration;
    }

    @Bean
    @ConditionalOnMissingBean(name = "sessionKitEndpoints")
    @ConditionalOnBooleanProperty(
        prefix = "sessionkit.endpoints",
        name = "enabled",
        matchIfMissing = true)
    FilterRegistrationBean<SessionEndpoints> sessionKitEndpoints(
        SessionKitProperties properties,
        SessionManager manager,
        SessionCookies cookies,
        ClientInfoResolver clientInfo) {
      FilterRegistrationBean<SessionEndpoints> registration =
          new FilterRegistrationBean<>(
              SessionKitBuilders.endpoints(properties, manager, cookies, clientInfo));
      registration.setName("sessionKitEndpoints");
      registration.addUrlPatterns("/*");
      registration.setOrder(ENDPOINTS_FILTER_ORDER);
      return registration;
    }
  }

  /**
   * CORS for sessionkit's filters and endpoints, from the application's {@code
   * corsConfigurationSource} bean (the one Spring Security's {@code http.cors()} uses).
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(
      name = {
        "org.springframework.web.cors.CorsConfigurationSource",
        "org.springframework.boot.web.servlet.FilterRegistrationBean"
      })
  @ConditionalOnBean(name = "corsConfigurationSource")
  static class CorsFilterConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "sessionKitCorsFilter")
    FilterRegistrationBean<SessionKitCorsFilter> sessionKitCorsFilter(
        @Qualifier("corsConfigurationSource")
            org.springframework.web.cors.CorsConfigurationSource source) {
      FilterRegistrationBean<SessionKitCorsFilter> registration =
          new FilterRegistrationBean<>(new SessionKitCorsFilter(source));
      registration.setName("sessionKitCorsFilter");
      registration.addUrlPatterns("/*");
      registration.setOrder(CORS_FILTER_ORDER);
      return registration;
    }
  }

  /**
   * Spring MVC: a {@link SessionStoreUnavailableException} from the application's controllers is
   * answered 503 with {@code Retry-After}, unless the application handles it itself.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(
      name = {
        "org.springframework.web.servlet.HandlerExceptionResolver",
        "io.sessionkit.servlet.StoreUnavailableResponse"
      })
  static class WebMvcConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "sessionKitStoreUnavailableResolver")
    StoreUnavailableExceptionResolver sessionKitStoreUnavailableResolver() {
      return new StoreUnavailableExceptionResolver();
    }
  }

  /** Hands authenticated sessions to Spring Security, when it is on the class path. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(
      name = {
        "org.springframework.security.core.context.SecurityContextHolder",
        "org.springframework.security.web.context.RequestAttributeSecurityContextRepository",
        "io.sessionkit.servlet.SessionAuthenticationFilter",
        "org.springframework.boot.web.servlet.FilterRegistrationBean"
      })
  @ConditionalOnBooleanProperty(
      prefix = "sessionkit.spring-security",
      name = "enabled",
      matchIfMissing = true)
  static class SpringSecurityConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "sessionKitSecurityContextFilter")
    FilterRegistrationBean<SessionKitSecurityContextFilter> sessionKitSecurityContextFilter() {
      FilterRegistrationBean<SessionKitSecurityContextFilter> registration =
          new FilterRegistrationBean<>(new SessionKitSecurityContextFilter());
      registration.setName("sessionKitSecurityContextFilter");
      registration.addUrlPatterns("/*");
      registration.setOrder(SECURITY_CONTEXT_FILTER_ORDER);
      return registration;
    }

    @Bean
    @ConditionalOnMissingBean
    SessionKitLogoutHandler sessionKitLogoutHandler(
        SessionManager manager, SessionCookies cookies, ClientInfoResolver clientInfo) {
      return new SessionKitLogoutHandler(manager, cookies, clientInfo);
    }

    // Sessionkit is the application's authentication: tell Boot so, and it creates no in-memory
    // user with a generated password. Backs off for any user store of the application's own.
    @Bean
    @ConditionalOnMissingBean(
        type = {
          "org.springframework.security.authentication.AuthenticationManager",
          "org.springframework.security.authentication.AuthenticationProvider",
          "org.springframework.security.core.userdetails.UserDetailsService",
          "org.springframework.security.authentication.AuthenticationManagerResolver"
        })
    @Conditional(NoBootUserConfigured.class)
    SessionKitAuthenticationProvider sessionKitAuthenticationProvider() {
      return new SessionKitAuthenticationProvider();
    }

    /** Logout and {@code formLogin()} for every chain the application builds. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(
        name = "org.springframework.security.config.annotation.web.builders.HttpSecurity")
    static class HttpSecurityConfiguration {

      // Spring Security applies every Customizer<HttpSecurity> bean to each HttpSecurity it
      // makes, before the application's own configuration.
      @Bean
      @ConditionalOnMissingBean(name = "sessionKitHttpSecurityCustomizer")
      Customizer<HttpSecurity> sessionKitHttpSecurityCustomizer(
          SessionKitLogoutHandler logoutHandler, SessionLogin logins) {
        return http -> {
          try {
            http.with(new SessionKitHttpConfigurer(logoutHandler, logins), configurer -> {});
          } catch (Exception e) {
            // with() declares Exception for configurers whose init fails; this one adds itself
            throw new IllegalStateException("sessionkit's HttpSecurity configuration failed", e);
          }
        };
      }
    }

    /** No {@code spring.security.user.name} or {@code .password}: nobody asked for Boot's user. */
    static class NoBootUserConfigured extends SpringBootCondition {

      @Override
      public ConditionOutcome getMatchOutcome(
          ConditionContext context, AnnotatedTypeMetadata metadata) {
        for (String property :
            List.of("spring.security.user.name", "spring.security.user.password")) {
          if (context.getEnvironment().containsProperty(property)) {
            return ConditionOutcome.noMatch(property + " is set");
          }
        }
        return ConditionOutcome.match("no spring.security.user.* set");
      }
    }
  }
}
