package io.sessionkit.redis;

import io.sessionkit.SessionKitException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One of the store's Lua scripts, loaded from the classpath, with its SHA-1 for EVALSHA.
 *
 * <p>Each script file starts with a {@code #!lua} line (with {@code flags=no-writes} when it only
 * reads, so it may run on a replica); the shared {@code prologue.lua} is inserted after that line.
 */
record RedisScript(String name, String source, String sha) {

  private static final String PROLOGUE = read("prologue.lua");

  static RedisScript load(String name) {
    String script = read(name + ".lua");
    int firstLineEnd = script.indexOf('\n');
    if (!script.startsWith("#!lua") || firstLineEnd < 0) {
      throw new SessionKitException("script " + name + ".lua must start with a #!lua line");
    }
    String source =
        script.substring(0, firstLineEnd + 1) + PROLOGUE + script.substring(firstLineEnd + 1);
    return new RedisScript(name, source, sha1(source));
  }

  /** Whether the script declares that it never writes. */
  boolean readOnly() {
    return source.startsWith("#!lua flags=no-writes");
  }

  private static String read(String resource) {
    try (InputStream in = RedisScript.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new SessionKitException("script " + resource + " is missing from the sessionkit jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
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
