package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every script gets every key it touches in {@code KEYS[]}: none builds a key name, so all run on a
 * Redis Cluster during a slot migration (Redis answers ASK or TRYAGAIN before the script starts)
 * and on Redis-compatible servers that refuse undeclared keys. And each declares whether it writes.
 */
class RedisScriptsTest {

  static List<String> scripts() {
    return List.of(
        "create",
        "find",
        "touch",
        "list",
        "revoke",
        "revoke_all",
        "rotate",
        "reclaim_pending",
        "reclaim",
        "activity_record",
        "throttle");
  }

  private static final Set<String> READ_ONLY = Set.of("find", "list", "reclaim_pending");

  // commands whose first argument is not a key
  private static final Set<String> KEYLESS = Set.of("TIME", "PUBLISH");

  private static final Pattern CALL =
      Pattern.compile("redis\\.p?call\\(\\s*'([A-Za-z]+)'\\s*(?:,\\s*([^,)]+))?");

  @ParameterizedTest
  @MethodSource("scripts")
  void everyKeyAScriptTouchesIsPassedInKeys(String name) {
    String source = withoutComments(RedisScript.load(name).source());

    Matcher call = CALL.matcher(source);
    List<String> calls = new ArrayList<>();
    while (call.find()) {
      String command = call.group(1).toUpperCase(java.util.Locale.ROOT);
      calls.add(command);
      if (KEYLESS.contains(command)) {
        continue;
      }
      String firstArgument = call.group(2).strip();
      assertThat(firstArgument)
          .as("%s: the key of %s", name, command)
          // KEYS[...] itself, or the parameter of the prologue's keep_at_least(key, ttl)
          .matches("KEYS\\[[^\\]]+\\]|key");
    }
    assertThat(calls).as("%s calls Redis", name).isNotEmpty();
    Matcher helper = Pattern.compile("keep_at_least\\(([^,]+),").matcher(source);
    while (helper.find()) {
      assertThat(helper.group(1).strip())
          .as("%s: keep_at_least's key", name)
          .matches("KEYS\\[[^\\]]+\\]|key");
    }
    // key names have a colon or a hash tag: no string a script writes may hold either
    Matcher literal = Pattern.compile("'([^']*)'").matcher(source);
    while (literal.find()) {
      assertThat(literal.group(1)).as("%s: string literal", name).doesNotContain(":", "{", "}");
    }
  }

  @ParameterizedTest
  @MethodSource("scripts")
  void everyScriptSaysWhetherItWrites(String name) throws IOException {
    String body = resource(name);
    String firstLine = body.lines().findFirst().orElseThrow();

    if (READ_ONLY.contains(name)) {
      assertThat(firstLine).isEqualTo("#!lua flags=no-writes");
      // the script's own lines; the shared prologue's helpers that write are not called
      assertThat(withoutComments(body))
          .doesNotContainPattern("'(SET|DEL|HSET|HDEL|ZADD|ZREM|PEXPIRE|UNLINK|RENAME)'")
          .doesNotContain("keep_at_least(");
    } else {
      assertThat(firstLine).isEqualTo("#!lua");
    }
  }

  private static String withoutComments(String lua) {
    StringBuilder code = new StringBuilder();
    for (String line : lua.split("\n")) {
      int comment = line.indexOf("--");
      code.append(comment < 0 ? line : line.substring(0, comment)).append('\n');
    }
    return code.toString();
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = RedisScript.class.getResourceAsStream(name + ".lua")) {
      assertThat(in).as("%s.lua on the classpath", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
