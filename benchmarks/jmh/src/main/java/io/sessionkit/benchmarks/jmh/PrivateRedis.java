package io.sessionkit.benchmarks.jmh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the benchmark's own on a free loopback port, without persistence ({@code
 * REDIS_SERVER_BIN} names another binary). Never the machine's shared Redis.
 */
final class PrivateRedis implements AutoCloseable {

  private final Process process;
  private final int port;

  private PrivateRedis(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static PrivateRedis start() {
    try {
      int port;
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = socket.getLocalPort();
      }
      Path dir = Files.createTempDirectory("sessionkit-jmh-redis-");
      String bin = System.getenv().getOrDefault("REDIS_SERVER_BIN", "redis-server");
      Process process =
          new ProcessBuilder(
                  bin,
                  "--port",
                  Integer.toString(port),
                  "--bind",
                  "127.0.0.1",
                  "--save",
                  "",
                  "--appendonly",
                  "no",
                  "--dir",
                  dir.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("redis.log").toFile())
              .start();
      PrivateRedis redis = new PrivateRedis(process, port);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline) {
        if (redis.pong()) {
          return redis;
        }
        Thread.sleep(50);
      }
      redis.close();
      throw new IllegalStateException(
          "redis-server did not answer within 10 s; see " + dir.resolve("redis.log"));
    } catch (IOException e) {
      throw new IllegalStateException(
          "could not start redis-server (install it, or set REDIS_SERVER_BIN)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  private boolean pong() {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(1000);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] answer = in.readNBytes(5);
      return new String(answer, StandardCharsets.US_ASCII).equals("+PONG");
    } catch (IOException notYet) {
      return false;
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
