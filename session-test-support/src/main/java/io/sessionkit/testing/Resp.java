package io.sessionkit.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Just enough of the Redis protocol to ping, flush and shut down a test server over a plain socket.
 * The test support talks to Redis this way, not through Lettuce, so that it keeps working while the
 * Redis client code under test is broken.
 */
final class Resp {

  private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(5);

  private Resp() {}

  /**
   * Sends one command on a fresh connection and reads the first line of the reply.
   *
   * @return the reply's first line without the CRLF, such as {@code +PONG}, {@code +OK} or {@code
   *     -ERR ...}; {@code null} when the server closed the connection without answering, which is
   *     what a successful {@code SHUTDOWN} does
   * @throws IOException when the server cannot be reached or does not answer within {@code timeout}
   */
  static @Nullable String send(String host, int port, Duration timeout, String... args)
      throws IOException {
    int millis = Math.toIntExact(Math.max(1, timeout.toMillis()));
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), millis);
      socket.setSoTimeout(millis);
      OutputStream out = socket.getOutputStream();
      out.write(encode(args));
      out.flush();
      return readLine(socket.getInputStream());
    }
  }

  /**
   * Sends one command on a fresh connection and reads its whole reply: a simple or bulk string as a
   * {@code String}, an integer as a {@code Long}, an array as a {@code List}, a nil as {@code
   * null}.
   *
   * @throws IOException when the server cannot be reached, does not answer within {@code timeout},
   *     or answers an error (its message is the exception's)
   */
  static @Nullable Object call(String host, int port, Duration timeout, String... args)
      throws IOException {
    int millis = Math.toIntExact(Math.max(1, timeout.toMillis()));
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), millis);
      socket.setSoTimeout(millis);
      OutputStream out = socket.getOutputStream();
      out.write(encode(args));
      out.flush();
      return readReply(socket.getInputStream());
    }
  }

  /** {@link #call} for a command whose reply is a string (INFO, CLUSTER NODES, …). */
  static String text(String host, int port, Duration timeout, String... args) throws IOException {
    Object reply = call(host, port, timeout, args);
    if (!(reply instanceof String text)) {
      throw new IOException(String.join(" ", args) + " answered " + reply + ", not a string");
    }
    return text;
  }

  private static @Nullable Object readReply(InputStream in) throws IOException {
    String line = readLine(in);
    if (line == null || line.isEmpty()) {
      throw new IOException("the connection closed before a reply");
    }
    String rest = line.substring(1);
    switch (line.charAt(0)) {
      case '+':
        return rest;
      case '-':
        throw new IOException(rest);
      case ':':
        return Long.parseLong(rest);
      case '$':
        {
          int length = Integer.parseInt(rest);
          if (length < 0) {
            return null;
          }
          byte[] data = in.readNBytes(length + 2);
          if (data.length < length + 2) {
            throw new IOException("the connection closed inside a reply");
          }
          return new String(data, 0, length, StandardCharsets.UTF_8);
        }
      case '*':
        {
          int count = Integer.parseInt(rest);
          if (count < 0) {
            return null;
          }
          List<@Nullable Object> items = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            items.add(readReply(in));
          }
          return items;
        }
      default:
        throw new IOException("not a RESP2 reply: " + line);
    }
  }

  /** Whether anything accepts TCP connections on the port; never throws. */
  static boolean acceptsConnections(String host, int port, Duration timeout) {
    try (Socket socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(host, port), Math.toIntExact(Math.max(1, timeout.toMillis())));
      return true;
    } catch (IOException refusedOrTimedOut) {
      return false;
    }
  }

  /** Whether Redis answers {@code PING} with {@code +PONG} (not {@code -LOADING}); never throws. */
  static boolean pong(String host, int port, Duration timeout) {
    try {
      return "+PONG".equals(send(host, port, timeout, "PING"));
    } catch (IOException notYet) {
      return false;
    }
  }

  /**
   * Deletes every key with {@code FLUSHALL}.
   *
   * @throws IllegalStateException when the server does not answer {@code +OK}
   */
  static void flushAll(String host, int port) {
    String reply;
    try {
      reply = send(host, port, FLUSH_TIMEOUT, "FLUSHALL");
    } catch (IOException e) {
      throw new IllegalStateException("FLUSHALL on " + host + ":" + port + " failed", e);
    }
    if (!"+OK".equals(reply)) {
      throw new IllegalStateException(
          "FLUSHALL on " + host + ":" + port + " answered " + reply + " instead of +OK");
    }
  }

  /** A command as a RESP array of bulk strings, the form Redis accepts for every command. */
  private static byte[] encode(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (String arg : args) {
      byte[] data = arg.getBytes(StandardCharsets.UTF_8);
      bytes.writeBytes(("$" + data.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      bytes.writeBytes(data);
      bytes.writeBytes(new byte[] {'\r', '\n'});
    }
    return bytes.toByteArray();
  }

  private static @Nullable String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        break;
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    if (b == -1 && line.size() == 0) {
      return null;
    }
    return line.toString(StandardCharsets.UTF_8);
  }
}
