package io.sessionkit.testing;

import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a {@link RedisServer}, in one of two ways.
 *
 * <p><b>The run's shared server</b>: {@code @ExtendWith(RedisExtension.class)}, then declare a
 * {@code RedisServer} parameter (of a test, a constructor or a {@code @BeforeAll} method); or
 * {@code @RegisterExtension static final RedisExtension REDIS = RedisExtension.shared();} and call
 * {@link #uri()} where no parameter can be declared, such as a Spring
 * {@code @DynamicPropertySource}. All tests of a run share one server, started on first use by
 * {@link RedisServer#start()} ({@code REDIS_URL}, Testcontainers or a private {@code redis-server})
 * and closed by JUnit when the run ends. Sharing keeps the run fast, so tests must not depend on an
 * empty database (use keys unique to the test) and must never pause, stop or flush the shared
 * server.
 *
 * <p><b>A private server per test class</b>: {@code @RegisterExtension static final RedisExtension
 * REDIS = RedisExtension.privateServer();}, for tests that pause, stop, restart or flush Redis, or
 * count its keys. It is a {@code redis-server} process ({@link RedisServer#startLocal(String...)}),
 * started on first use and stopped when the class is done: after every after-all callback, Spring's
 * closing of an application context included, so an application under test never outlives its
 * Redis.
 *
 * <p>When no Redis can be found, every test that asks for one fails with a message that says how to
 * provide one; none is skipped. Thread-safe.
 */
public final class RedisExtension implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RedisExtension.class);

  // how to start the class's private server; null for the run's shared one
  private final @Nullable Supplier<RedisServer> privateFactory;
  private ExtensionContext.@Nullable Store runStore;
  private @Nullable RedisServer privateServer;

  /** The run's shared server; called by JUnit for {@code @ExtendWith(RedisExtension.class)}. */
  public RedisExtension() {
    this(null);
  }

  private RedisExtension(@Nullable Supplier<RedisServer> privateFactory) {
    this.privateFactory = privateFactory;
  }

  /** The run's shared server, for {@code @RegisterExtension static} fields. */
  public static RedisExtension shared() {
    return new RedisExtension();
  }

  /**
   * A private {@code redis-server} for the test class, for {@code @RegisterExtension static}
   * fields.
   *
   * @param extraArgs more {@code redis-server} arguments, as for {@link
   *     RedisServer#startLocal(String...)}
   */
  public static RedisExtension privateServer(String... extraArgs) {
    List<String> args = List.of(extraArgs);
    return new RedisExtension(() -> RedisServer.startLocal(args.toArray(String[]::new)));
  }

  /**
   * A private Redis Cluster for the test class ({@link RedisServer#startCluster()}), started on
   * first use and stopped when the class is done.
   */
  public static RedisExtension privateCluster() {
    return new RedisExtension(RedisServer::startCluster);
  }

  /**
   * A private master, replica and three Sentinels for the test class ({@link
   * RedisServer#startSentinel()}), started on first use and stopped when the class is done.
   */
  public static RedisExtension privateSentinel() {
    return new RedisExtension(RedisServer::startSentinel);
  }

  /** Called by JUnit before the class's tests: remembers where the server lives and ends. */
  @Override
  public synchronized void beforeAll(ExtensionContext context) {
    if (privateFactory == null) {
      runStore = context.getRoot().getStore(NAMESPACE);
    } else {
      // Values of the class's store are closed after all of the class's after-all callbacks.
      context
          .getStore(NAMESPACE.append(context.getRequiredTestClass()))
          .put(RedisServer.class, (AutoCloseable) this::closePrivateServer);
    }
  }

  /**
   * The server, started on first use.
   *
   * @throws IllegalStateException when the extension was not registered with JUnit, or no Redis can
   *     be found (the message says how to provide one)
   */
  public synchronized RedisServer server() {
    if (privateFactory != null) {
      if (privateServer == null) {
        privateServer = privateFactory.get();
      }
      return privateServer;
    }
    if (runStore == null) {
      throw new IllegalStateException(
          "RedisExtension.shared() must be registered: @RegisterExtension static final");
    }
    return shared(runStore);
  }

  /** {@code server().uri()}: for {@code registry.add("…redis.url", REDIS::uri)}. */
  public String uri() {
    return server().uri();
  }

  /** Whether the parameter is a {@link RedisServer}. */
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == RedisServer.class;
  }

  /** This extension's server: the run's shared one, or the class's private one. */
  @Override
  public RedisServer resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return privateFactory == null ? shared(context.getRoot().getStore(NAMESPACE)) : server();
  }

  // The root store lives for the whole run, and JUnit closes AutoCloseable values in it at the
  // end, which stops the server.
  private static RedisServer shared(ExtensionContext.Store root) {
    return root.computeIfAbsent(RedisServer.class, key -> RedisServer.start(), RedisServer.class);
  }

  private synchronized void closePrivateServer() {
    if (privateServer != null) {
      privateServer.close();
      privateServer = null;
    }
  }
}
