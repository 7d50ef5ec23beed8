package io.sessionkit.servlet;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/** The one Jackson mapper of this package: thread-safe once configured, so shared. */
final class Json {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  /** {@code value} (maps, lists, strings, numbers, booleans, nulls) as UTF-8 JSON. */
  static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      // only plain maps, lists and scalars are written here
      throw new IllegalStateException("could not write a JSON response", e);
    }
  }

  /** The JSON object in {@code body}, or empty when it is not exactly one JSON object. */
  static Optional<JsonNode> readObject(byte[] body) {
    try {
      JsonNode node = MAPPER.readTree(body);
      return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      // any malformed input, including Jackson's own limits on depth and length
      return Optional.empty();
    }
  }
}
