package io.sessionkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class AggregatedWarningTest {

  /** A logger that keeps the arguments of every warn(String, Object) line. */
  private static Logger recording(List<Object> lines) {
    return (Logger)
        Proxy.newProxyInstance(
            AggregatedWarningTest.class.getClassLoader(),
            new Class<?>[] {Logger.class},
            (proxy, method, args) -> {
              if (method.getName().equals("warn") && args != null && args.length == 2) {
                lines.add(args[1]);
              }
              return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
            });
  }

  @Test
  void aBurstWithinThePeriodWritesOneLineNotOnePerOccurrence() throws Exception {
    // issue 9, finding 5: an outage or an attack wrote a WARN line per request
    List<Object> lines = Collections.synchronizedList(new ArrayList<>());
    AggregatedWarning warning =
        new AggregatedWarning(recording(lines), Duration.ofHours(1), "{} times");
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(
            threads.submit(
                () -> {
                  for (int i = 0; i < 2_500; i++) {
                    warning.record();
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }

    assertThat(lines).containsExactly(1L);
  }

  @Test
  void theNextLineAfterThePeriodCarriesTheCountSinceTheLastOne() {
    List<Object> lines = new ArrayList<>();
    AggregatedWarning warning = new AggregatedWarning(recording(lines), Duration.ZERO, "{} times");

    warning.record();
    warning.record();

    // a zero period: every occurrence is due, and each line counts one
    assertThat(lines).containsExactly(1L, 1L);
  }
}
