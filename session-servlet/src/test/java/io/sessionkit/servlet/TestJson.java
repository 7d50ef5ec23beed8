package io.sessionkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionkit.testing.CookieClient;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON for tests. */
final class TestJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private TestJson() {}

  static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode read(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + json, e);
    }
  }

  /** The reply's body as JSON. */
  static JsonNode json(CookieClient.Reply reply) {
    return read(reply.body());
  }
}
