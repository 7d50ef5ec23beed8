package io.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class SessionKitPropertiesTest {

  private static final Path CONFIGURATION_DOCS = Path.of("..", "docs", "configuration.md");

  // A row of the docs' durations table: | `sessionkit.x` | seconds |
  private static final Pattern DURATION_ROW =
      Pattern.compile(
          "^\\| `(sessionkit\\.[a-z.-]+)` \\| (seconds|milliseconds) \\|", Pattern.MULTILINE);

  @Test
  void everyDurationPropertyIsInTheDocsWithTheUnitOfAPlainNumber() throws IOException {
    assertThat(documentedUnits().keySet())
        .as("the durations table of docs/configuration.md")
        .containsExactlyInAnyOrderElementsOf(durationProperties().keySet());
  }

  @Test
  void everyDurationPropertyBindsAPlainNumberInTheDocumentedUnit() throws Exception {
    Map<String, ChronoUnit> units = documentedUnits();
    for (Map.Entry<String, List<Field>> property : durationProperties().entrySet()) {
      String name = property.getKey();
      SessionKitProperties bound =
          new Binder(new MapConfigurationPropertySource(Map.of(name, "7")))
              .bind("sessionkit", SessionKitProperties.class)
              .get();

      assertThat(read(bound, property.getValue()))
          .as("%s=7", name)
          .isEqualTo(Duration.of(7, units.get(name)));
    }
  }

  /** Each {@code Duration} property's name, and the fields that lead to it from the root. */
  private static Map<String, List<Field>> durationProperties() {
    Map<String, List<Field>> properties = new TreeMap<>();
    collect(SessionKitProperties.class, "sessionkit", List.of(), properties);
    assertThat(properties).as("Duration properties found").hasSizeGreaterThan(10);
    return properties;
  }

  private static void collect(
      Class<?> type, String prefix, List<Field> path, Map<String, List<Field>> found) {
    for (Field field : type.getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers())) {
        continue;
      }
      String name = prefix + "." + kebab(field.getName());
      List<Field> next = new java.util.ArrayList<>(path);
      next.add(field);
      if (field.getType() == Duration.class) {
        found.put(name, next);
      } else if (field.getType().getDeclaringClass() == SessionKitProperties.class) {
        collect(field.getType(), name, next, found);
      }
    }
  }

  private static Object read(Object root, List<Field> path) throws IllegalAccessException {
    Object value = root;
    for (Field field : path) {
      field.setAccessible(true);
      value = field.get(value);
    }
    return value;
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  private static Map<String, ChronoUnit> documentedUnits() throws IOException {
    Matcher rows = DURATION_ROW.matcher(Files.readString(CONFIGURATION_DOCS));
    Map<String, ChronoUnit> units = new TreeMap<>();
    while (rows.find()) {
      units.put(
          rows.group(1), rows.group(2).equals("seconds") ? ChronoUnit.SECONDS : ChronoUnit.MILLIS);
    }
    return units;
  }
}
