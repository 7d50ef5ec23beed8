package io.sessionkit.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Sends HTTP/1.1 requests byte for byte over a socket, for what {@link java.net.http.HttpClient}
 * refuses to send: raw non-ASCII header bytes, malformed request lines and header names, a forged
 * {@code Host}, several {@code Origin} headers, headers of any size.
 *
 * <p>A server may answer such a request and close the connection before it has read all of it (an
 * oversized header gets its 431 or 400 at once). Writing the rest then fails with "Broken pipe" or
 * "Connection reset", but the answer is already on its way: {@link #send} keeps reading after a
 * failed write and returns the answer that arrived. It fails only when no answer came at all.
 */
public final class RawHttp {

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  private static final byte[] CRLF = {'\r', '\n'};

  private RawHttp() {}

  /** The status code and the whole answer, as ISO-8859-1 text. */
  public record Answer(int status, String text) {

    /** The status line and the headers, without the empty line. */
    public String head() {
      int end = text.indexOf("\r\n\r\n");
      return end < 0 ? text : text.substring(0, end);
    }

    /** The body, de-chunked when the answer was sent in chunks. */
    public String body() {
      int start = text.indexOf("\r\n\r\n");
      String body = start < 0 ? "" : text.substring(start + 4);
      return head().toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")
          ? unchunk(body)
          : body;
    }

    /** The first header of that name, case-insensitively. */
    public Optional<String> header(String name) {
      for (String line : head().split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
          return Optional.of(line.substring(colon + 1).strip());
        }
      }
      return Optional.empty();
    }

    private static String unchunk(String chunked) {
      StringBuilder out = new StringBuilder();
      int at = 0;
      while (at < chunked.length()) {
        int lineEnd = chunked.indexOf("\r\n", at);
        if (lineEnd < 0) {
          break;
        }
        int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].strip(), 16);
        if (size == 0) {
          break;
        }
        out.append(chunked, lineEnd + 2, lineEnd + 2 + size);
        at = lineEnd + 2 + size + 2;
      }
      return out.toString();
    }
  }

  /**
   * Sends {@code head} (the request line and headers, each line ended by CRLF, without the empty
   * line) with {@code Connection: close}, then {@code body}, to {@code 127.0.0.1:port}, and reads
   * the answer until the server closes the connection.
   *
   * @throws UncheckedIOException when no answer arrives (the failed write, if any, is attached)
   * @throws AssertionError when what arrives is not an HTTP/1.1 answer
   */
  public static Answer send(int port, byte[] head, byte[] body) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(Math.toIntExact(READ_TIMEOUT.toMillis()));
      IOException writeFailure = write(socket, head, body);
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      IOException readFailure = readToEnd(socket.getInputStream(), answer);
      if (answer.size() == 0) {
        UncheckedIOException none =
            new UncheckedIOException(
                "no answer from 127.0.0.1:" + port,
                readFailure != null ? readFailure : new IOException("connection closed"));
        if (writeFailure != null) {
          none.addSuppressed(writeFailure);
        }
        throw none;
      }
      String text = answer.toString(StandardCharsets.ISO_8859_1);
      if (!text.startsWith("HTTP/1.1 ")) {
        throw new AssertionError("not an HTTP answer: " + text);
      }
      return new Answer(Integer.parseInt(text.substring(9, 12)), text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot talk to 127.0.0.1:" + port, e);
    }
  }

  /** {@link #send(int, byte[], byte[])} without a body. */
  public static Answer send(int port, byte[] head) {
    return send(port, head, new byte[0]);
  }

  /**
   * {@link #send(int, byte[])} for a head given as text; characters above 0xFF are sent as UTF-8.
   */
  public static Answer send(int port, String head) {
    return send(port, head.getBytes(StandardCharsets.UTF_8));
  }

  /** The request line and {@code Host}, then {@code headers}, each ended by CRLF here. */
  public static byte[] head(String requestLine, int port, byte[]... headers) {
    return head(requestLine.getBytes(StandardCharsets.US_ASCII), port, headers);
  }

  /** {@link #head(String, int, byte[]...)} with a request line of raw bytes. */
  public static byte[] head(byte[] requestLine, int port, byte[]... headers) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(requestLine);
    out.writeBytes(("\r\nHost: 127.0.0.1:" + port + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (byte[] header : headers) {
      out.writeBytes(header);
      out.writeBytes(CRLF);
    }
    return out.toByteArray();
  }

  /** A header line: ASCII text, then raw bytes. */
  public static byte[] header(String ascii, int... rawBytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ascii.getBytes(StandardCharsets.US_ASCII));
    for (int b : rawBytes) {
      out.write(b);
    }
    return out.toByteArray();
  }

  /**
   * Writes the request; returns the failure instead of throwing it, because a server that has
   * answered and closed makes the rest of the write fail while its answer waits to be read.
   */
  private static @Nullable IOException write(Socket socket, byte[] head, byte[] body) {
    try {
      OutputStream out = socket.getOutputStream();
      out.write(head);
      out.write("Connection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      return null;
    } catch (IOException e) {
      return e;
    }
  }

  /**
   * Reads until the end of the stream; returns the failure that ended it early (a reset after the
   * answer, a timeout), keeping what arrived before it.
   */
  private static @Nullable IOException readToEnd(InputStream in, ByteArrayOutputStream answer) {
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        answer.write(buffer, 0, n);
      }
      return null;
    } catch (IOException e) {
      return e;
    }
  }
}
