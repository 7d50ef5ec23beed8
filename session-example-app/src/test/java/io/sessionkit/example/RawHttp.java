package io.sessionkit.example;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Sends requests byte for byte over a socket, for what {@link java.net.http.HttpClient} refuses to
 * send, such as raw non-ASCII bytes in a header.
 */
final class RawHttp {

  private RawHttp() {}

  /** The status code and the whole answer, as ISO-8859-1 text. */
  record Answer(int status, String text) {

    String head() {
      int end = text.indexOf("\r\n\r\n");
      return end < 0 ? text : text.substring(0, end);
    }

    String body() {
      int start = text.indexOf("\r\n\r\n");
      String body = start < 0 ? "" : text.substring(start + 4);
      return head().toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")
          ? unchunk(body)
          : body;
    }

    Optional<String> header(String name) {
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
   * line) with {@code Connection: close}, then {@code body}, and reads the answer to the end.
   */
  static Answer send(int port, byte[] head, byte[] body) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(head);
      out.write("Connection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      in.transferTo(answer);
      String text = answer.toString(StandardCharsets.ISO_8859_1);
      if (!text.startsWith("HTTP/1.1 ")) {
        throw new AssertionError("not an HTTP answer: " + text);
      }
      return new Answer(Integer.parseInt(text.substring(9, 12)), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@link #send(int, byte[], byte[])} without a body. */
  static Answer send(int port, byte[] head) {
    return send(port, head, new byte[0]);
  }

  /** The request line and {@code Host}, then {@code headers} (each ended by CRLF here). */
  static byte[] head(String requestLine, int port, byte[]... headers) {
    return head(requestLine.getBytes(StandardCharsets.US_ASCII), port, headers);
  }

  /** {@link #head(String, int, byte[]...)} with a request line of raw bytes. */
  static byte[] head(byte[] requestLine, int port, byte[]... headers) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(requestLine);
    out.writeBytes(("\r\nHost: 127.0.0.1:" + port + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (byte[] header : headers) {
      out.writeBytes(header);
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    return out.toByteArray();
  }

  /** A header line: ASCII text, then raw bytes. */
  static byte[] header(String ascii, int... rawBytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ascii.getBytes(StandardCharsets.US_ASCII));
    for (int b : rawBytes) {
      out.write(b);
    }
    return out.toByteArray();
  }
}
