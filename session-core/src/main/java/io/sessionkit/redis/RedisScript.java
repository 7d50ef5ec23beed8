package io.sessionkit.redis;

import io.sessionkit.SessionKitException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** One of the store's Lua scripts, loaded from the classpath, with its SHA-1 for EVALSHA. */
record RedisScript(String name, String source, String sha) {

  static RedisScript load(String name) {
    String resource = name + ".lua";
    try (InputStream in = RedisScript.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new SessionKitException("script " + resource + " is missing from the sessionkit jar");
      }
      String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new RedisScript(name, source, sha1(source));
    } catch (IOException e) {
      throw new SessionKitException("cannot read script " + resource, e);
    }
  }

  private static String sha1(String source) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-1", e);
    }
  }
}
