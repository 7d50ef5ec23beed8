package io.sessionkit.example;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads and forges JWTs the way an attacker or a curious client would: by hand, base64url and
 * HMAC-SHA256, with no help from the app.
 */
final class Tokens {

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64_DECODE = Base64.getUrlDecoder();

  private Tokens() {}

  static JsonNode header(String jwt) {
    return part(jwt, 0);
  }

  static JsonNode payload(String jwt) {
    return part(jwt, 1);
  }

  private static JsonNode part(String jwt, int index) {
    String[] parts = jwt.split("\\.");
    return ApiClient.JSON.readTree(
        new String(B64_DECODE.decode(parts[index]), StandardCharsets.UTF_8));
  }

  /** A compact JWS of these parts, HS256-signed with {@code secret}. */
  static String signed(JsonNode header, JsonNode payload, String secret) {
    String signingInput = encode(header) + "." + encode(payload);
    return signingInput + "." + B64.encodeToString(hmac(signingInput, secret));
  }

  /** The same token with its payload replaced and its signature kept: a forgery. */
  static String withPayload(String jwt, JsonNode payload) {
    String[] parts = jwt.split("\\.");
    return parts[0] + "." + encode(payload) + "." + parts[2];
  }

  /** An unsecured JWT ({@code alg: none}, empty signature) with this payload. */
  static String unsecured(JsonNode payload) {
    ObjectNode header = ApiClient.JSON.createObjectNode().put("alg", "none").put("typ", "JWT");
    return encode(header) + "." + encode(payload) + ".";
  }

  static ObjectNode copy(JsonNode node) {
    return (ObjectNode) node.deepCopy();
  }

  private static String encode(JsonNode json) {
    return B64.encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] hmac(String input, String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
