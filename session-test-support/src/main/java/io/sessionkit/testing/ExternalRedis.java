package io.sessionkit.testing;

import java.net.URI;

/** A server named by {@code REDIS_URL}: someone else's, so it is only connected to. */
final class ExternalRedis implements RedisDeployment {

  private final String uri;
  private final int port;

  ExternalRedis(String uri) {
    this.uri = uri;
    URI parsed;
    try {
      parsed = URI.create(uri);
    } catch (IllegalArgumentException e) {
      // The value is not shown: it may hold a password.
      throw new IllegalStateException(
          "REDIS_URL must be a URI such as redis://host:port, but it does not parse", e);
    }
    String authority = parsed.getRawAuthority();
    if (authority == null || authority.endsWith(":")) {
      // "redis://host:" would quietly mean 6379, likely a Redis that is not the tests' own.
      throw new IllegalStateException(
          "REDIS_URL must be a URI such as redis://host:port, but was " + RedisServer.redact(uri));
    }
    // Like Lettuce: no port means Redis's default.
    this.port = parsed.getPort() > 0 ? parsed.getPort() : 6379;
  }

  @Override
  public String source() {
    return RedisServer.SOURCE_ENV;
  }

  @Override
  public String uri() {
    return uri;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public void flushAll() {
    throw new UnsupportedOperationException(
        "flushAll() is not possible: REDIS_URL points to a Redis these tests do not own ("
            + RedisServer.redact(uri)
            + "), and it may hold data that is not theirs to delete. Use keys unique to the"
            + " test, or a private server from RedisServer.startLocal().");
  }

  @Override
  public boolean isRunning() {
    return true;
  }

  @Override
  public void close() {
    // not ours to stop
  }

  @Override
  public UnsupportedOperationException unsupported(String operation) {
    return new UnsupportedOperationException(
        operation
            + " is not possible: REDIS_URL points to a Redis these tests do not control ("
            + RedisServer.redact(uri)
            + "). A test that pauses, stops or restarts Redis must use a private server from"
            + " RedisServer.startLocal().");
  }
}
