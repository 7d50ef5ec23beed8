package io.sessionkit.servlet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Sends requests byte for byte over a socket, for what {@link java.net.http.HttpClient} refuses to
 * send: raw non-ASCII header bytes, a forged {@code Host}, several {@code Origin} headers.
 */
final class RawHttp {

  private RawHttp() {}

  /** The status code and the whole response, as ISO-8859-1 text. */
  record Answer(int status, String text) {
    String body() {
      int start = text.indexOf("\r\n\r\n");
      return start < 0 ? "" : text.substring(start + 4);
    }
  }

  /**
   * Sends {@code head} (the request line and headers, each line ended by CRLF, without the empty
   * line) with {@code Connection: close}, then reads the answer to the end.
   */
  static Answer send(int port, byte[] head) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(head);
      out.write("Connection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
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

  /**
   * {@link #send(int, byte[])} for a head given as text; characters above 0xFF are sent as UTF-8.
   */
  static Answer send(int port, String head) {
    return send(port, head.getBytes(StandardCharsets.UTF_8));
  }
}
