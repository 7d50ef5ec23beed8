package io.sessionkit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

  @Test
  void returnsTheFirstAnswerThatSatisfiesTheCondition() {
    AtomicInteger polls = new AtomicInteger();

    int answer =
        Await.atMost(Duration.ofSeconds(5))
            .every(Duration.ofMillis(1))
            .until("three polls", polls::incrementAndGet, n -> n >= 3);

    assertThat(answer).isEqualTo(3);
  }

  @Test
  void failsWithWhatWasAwaitedAndTheLastAnswer() {
    assertThatThrownBy(
            () ->
                Await.atMost(Duration.ofMillis(30))
                    .every(Duration.ofMillis(5))
                    .until("the answer 42", () -> 41, n -> n == 42))
        .isInstanceOf(AssertionError.class)
        .hasMessage("Expected the answer 42 within 30 ms, last saw: 41");
  }

  @Test
  void asksOnceMoreAfterTheDeadline() {
    AtomicInteger polls = new AtomicInteger();

    // the first ask fails, the sleep outlasts the time, and the last ask holds
    boolean held =
        Await.atMost(Duration.ofMillis(10))
            .every(Duration.ofMillis(50))
            .holds(() -> polls.incrementAndGet() == 2);

    assertThat(held).isTrue();
    assertThat(polls).hasValue(2);
  }

  @Test
  void passesOnWhatTheConditionThrows() {
    assertThatThrownBy(
            () ->
                Await.atMost(Duration.ofSeconds(5))
                    .until(
                        "nothing",
                        () -> {
                          throw new IllegalStateException("broken");
                        }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("broken");
  }

  @Test
  void refusesANonPositiveInterval() {
    assertThatThrownBy(() -> Await.atMost(Duration.ofSeconds(1)).every(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interval must be > 0, but was PT0S");
  }
}
