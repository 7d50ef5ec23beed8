/*
 * Summarises the CPU samples of a Java Flight Recording (jdk.ExecutionSample events: threads
 * running Java code, sampled every 10 ms with settings=profile) as Markdown tables: the top methods
 * by self samples (the method was on top of the stack), by total samples (the method was anywhere
 * on the stack, counted once per sample), self samples by package, and for each PREFIX given the
 * top methods of that package by total samples (where the time under one library's calls goes). An
 * argument under=CLASS.METHOD adds the top methods by self samples among the samples with that
 * method on the stack (what a call costs, and in what).
 *
 *   java benchmarks/JfrTop.java RECORDING.jfr [TOP=15] [PREFIX...] [under=CLASS.METHOD...]
 *
 * JDK only (single-file source launch).
 */

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

public class JfrTop {

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: java JfrTop.java RECORDING.jfr [TOP] [PREFIX...]");
      System.exit(2);
    }
    int top = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    List<String> rest = args.length > 2 ? List.of(args).subList(2, args.length) : List.of();
    List<String> prefixes = rest.stream().filter(a -> !a.startsWith("under=")).toList();
    List<String> unders =
        rest.stream().filter(a -> a.startsWith("under=")).map(a -> a.substring(6)).toList();
    Map<String, Map<String, Integer>> selfUnder = new HashMap<>();
    Map<String, Integer> samplesUnder = new HashMap<>();
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> total = new HashMap<>();
    Map<String, Integer> selfByPackage = new HashMap<>();
    int samples = 0;
    int truncated = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
      if (!event.getEventType().getName().equals("jdk.ExecutionSample")
          || event.getStackTrace() == null) {
        continue;
      }
      List<RecordedFrame> frames = event.getStackTrace().getFrames();
      if (frames.isEmpty()) {
        continue;
      }
      samples++;
      if (event.getStackTrace().isTruncated()) {
        truncated++;
      }
      RecordedMethod leaf = frames.get(0).getMethod();
      self.merge(name(leaf), 1, Integer::sum);
      selfByPackage.merge(packageOf(leaf), 1, Integer::sum);
      Set<String> seen = new HashSet<>();
      for (RecordedFrame frame : frames) {
        String method = name(frame.getMethod());
        if (seen.add(method)) {
          total.merge(method, 1, Integer::sum);
        }
      }
      for (String under : unders) {
        if (seen.contains(under)) {
          samplesUnder.merge(under, 1, Integer::sum);
          selfUnder.computeIfAbsent(under, u -> new HashMap<>()).merge(name(leaf), 1, Integer::sum);
        }
      }
    }
    System.out.printf(
        "%d execution samples (%d with a truncated stack) in %s%n%n",
        samples,
        truncated,
        Path.of(args[0]).getFileName());
    table("Top " + top + " methods by self samples", self, samples, top);
    table("Top " + top + " methods by total samples (on the stack)", total, samples, top);
    table("Self samples by package", selfByPackage, samples, top);
    for (String prefix : prefixes) {
      Map<String, Integer> focus = new HashMap<>();
      total.forEach(
          (method, count) -> {
            if (method.startsWith(prefix + ".")) {
              focus.put(method, count);
            }
          });
      if (!focus.isEmpty()) {
        table("Top " + top + " methods of " + prefix + " by total samples", focus, samples, top);
      }
    }
    for (String under : unders) {
      int count = samplesUnder.getOrDefault(under, 0);
      if (count > 0) {
        table(
            "Top " + top + " methods by self samples under " + under + " (" + count
                + " samples; % of those)",
            selfUnder.get(under),
            count,
            top);
      }
    }
  }

  static void table(String title, Map<String, Integer> counts, int samples, int top) {
    System.out.println("**" + title + "**");
    System.out.println();
    System.out.println("| # | " + (title.contains("package") ? "package" : "method") + " | samples | % |");
    System.out.println("| ---: | --- | ---: | ---: |");
    int[] rank = {0};
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(top)
        .forEach(
            e ->
                System.out.printf(
                    "| %d | `%s` | %d | %.1f |%n",
                    ++rank[0], e.getKey(), e.getValue(), 100.0 * e.getValue() / samples));
    System.out.println();
  }

  static String name(RecordedMethod method) {
    return method.getType().getName() + "." + method.getName();
  }

  /** The first two package segments; three for io.sessionkit, so its modules show apart. */
  static String packageOf(RecordedMethod method) {
    String type = method.getType().getName();
    String[] parts = type.split("\\.");
    int keep = type.startsWith("io.sessionkit.") ? 3 : 2;
    if (parts.length <= keep) {
      return type.contains(".") ? type.substring(0, type.lastIndexOf('.')) : "(default)";
    }
    return String.join(".", List.of(parts).subList(0, keep));
  }
}
