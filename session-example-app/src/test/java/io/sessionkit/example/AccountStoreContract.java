package io.sessionkit.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What every {@link AccountStore} does; one subclass per implementation. */
abstract class AccountStoreContract {

  /** A fresh store for each test. */
  abstract AccountStore store();

  static User account(String username) {
    return new User(
        UUID.randomUUID().toString(), username, "$2a$10$hash-of-" + username, Set.of("USER"));
  }

  static String newUsername(String hint) {
    return hint + "_" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36);
  }

  @Test
  void anAddedAccountIsFoundByItsUsernameInAnyCaseAndByItsId() {
    AccountStore store = store();
    User alice = account(newUsername("Alice"));

    assertThat(store.add(alice)).isTrue();

    assertThat(store.byUsername(alice.username())).contains(alice);
    assertThat(store.byUsername(alice.username().toUpperCase(Locale.ROOT))).contains(alice);
    assertThat(store.byUsername(alice.username().toLowerCase(Locale.ROOT))).contains(alice);
    assertThat(store.byId(alice.id())).contains(alice);
  }

  @Test
  void aTakenUsernameIsNotAddedAgainWhateverItsCase() {
    AccountStore store = store();
    User first = account(newUsername("taken"));
    User second = account(first.username().toUpperCase(Locale.ROOT));

    assertThat(store.add(first)).isTrue();
    assertThat(store.add(second)).isFalse();

    assertThat(store.byUsername(first.username())).contains(first);
    assertThat(store.byId(second.id())).isEmpty();
  }

  @Test
  void unknownUsernamesAndIdsFindNothing() {
    AccountStore store = store();

    assertThat(store.byUsername(newUsername("nobody"))).isEmpty();
    assertThat(store.byId(UUID.randomUUID().toString())).isEmpty();
  }

  @Test
  void ofConcurrentAddsOfOneUsernameExactlyOneSucceeds() throws Exception {
    AccountStore store = store();
    // the race is between the adds, not between first uses of a connection
    assertThat(store.byUsername(newUsername("warm-up"))).isEmpty();
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 10; round++) {
        String username = newUsername("race");
        CyclicBarrier together = new CyclicBarrier(threads);
        List<User> candidates = new ArrayList<>();
        List<Future<Boolean>> added = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          User candidate = account(i % 2 == 0 ? username : username.toUpperCase(Locale.ROOT));
          candidates.add(candidate);
          added.add(
              pool.submit(
                  () -> {
                    together.await(10, TimeUnit.SECONDS);
                    return store.add(candidate);
                  }));
        }
        List<User> winners = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          if (added.get(i).get(10, TimeUnit.SECONDS)) {
            winners.add(candidates.get(i));
          }
        }

        assertThat(winners).as("round %s", round).hasSize(1);
        assertThat(store.byUsername(username)).contains(winners.get(0));
        for (User candidate : candidates) {
          assertThat(store.byId(candidate.id()).isPresent())
              .as("found by id: %s", candidate)
              .isEqualTo(candidate == winners.get(0));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
