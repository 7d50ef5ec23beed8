package io.sessionkit.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects a {@link RedisServer} into test constructors and methods:
 * {@code @ExtendWith(RedisExtension.class)}, then declare a {@code RedisServer} parameter.
 *
 * <p>All tests of a run share one server, started on first use by {@link RedisServer#start()} and
 * closed by JUnit when the run ends. Sharing keeps the run fast, so tests must not depend on an
 * empty database: use keys unique to the test (or {@link RedisServer#flushAll()} where the server
 * is private), and never pause or stop the shared server. A test that breaks Redis starts its own
 * with {@link RedisServer#startLocal(String...)} in try-with-resources.
 *
 * <p>When no Redis can be found, every test that asks for one fails with the message of {@link
 * RedisServer#start()}, which says how to provide one; none is skipped.
 */
public final class RedisExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RedisExtension.class);

  /** Called by JUnit. */
  public RedisExtension() {}

  /** Whether the parameter is a {@link RedisServer}. */
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == RedisServer.class;
  }

  /** The run's shared {@link RedisServer}, started on first use. */
  @Override
  public RedisServer resolveParameter(ParameterContext parameter, ExtensionContext context) {
    // The root store lives for the whole run, and JUnit closes AutoCloseable values in it at the
    // end, which stops the server.
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .computeIfAbsent(RedisServer.class, key -> RedisServer.start(), RedisServer.class);
  }
}
