package io.sessionkit.testing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A {@code redis:7-alpine} container. Only this class names Testcontainers types, so the rest of
 * the support works where Testcontainers is not on the class path.
 */
final class ContainerRedis implements RedisDeployment {

  private static final Logger log = LoggerFactory.getLogger(ContainerRedis.class);
  private static final int REDIS_PORT = 6379;

  private final GenericContainer<?> container;
  private final String host;
  private final int port;
  private boolean paused;

  static boolean dockerAvailable() {
    return DockerClientFactory.instance().isDockerAvailable();
  }

  ContainerRedis() {
    GenericContainer<?> started =
        new GenericContainer<>(DockerImageName.parse("redis:7-alpine"))
            .withExposedPorts(REDIS_PORT);
    started.start();
    this.container = started;
    this.host = started.getHost();
    this.port = started.getMappedPort(REDIS_PORT);
  }

  @Override
  public String source() {
    return RedisServer.SOURCE_TESTCONTAINERS;
  }

  @Override
  public String uri() {
    return "redis://" + host + ":" + port;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public void pause() {
    if (!paused) {
      container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
      paused = true;
    }
  }

  @Override
  public void resume() {
    if (paused) {
      container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
      paused = false;
    }
  }

  @Override
  public void flushAll() {
    if (paused) {
      throw new IllegalStateException("flushAll() on a paused server would hang; resume() it");
    }
    Resp.flushAll(host, port);
  }

  @Override
  public boolean isRunning() {
    return container.isRunning();
  }

  @Override
  public void close() {
    try {
      resume();
    } catch (RuntimeException e) {
      log.debug("Could not unpause the Redis container before stopping it", e);
    }
    container.stop();
  }

  @Override
  public UnsupportedOperationException unsupported(String operation) {
    return new UnsupportedOperationException(
        operation
            + " is not possible on a Testcontainers Redis: Docker gives a restarted container"
            + " a new host port. A test that stops or restarts Redis must use a private server"
            + " from RedisServer.startLocal().");
  }
}
