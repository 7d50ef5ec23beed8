package io.sessionkit.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreContract;
import io.sessionkit.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemorySessionStoreTest extends SessionStoreContract {

  private InMemorySessionStore memory;

  @Override
  protected SessionStore createStore(MutableClock clock) {
    memory = InMemorySessionStore.create(clock);
    return memory;
  }

  @Test
  void expiredSessionsOfOtherUsersAreReclaimedByTheSweep() {
    for (int i = 0; i < 100; i++) {
      created(newUser());
    }
    assertThat(memory.size()).isEqualTo(100);

    clock.advance(LIFETIME.plusMinutes(1));
    Held fresh = created(newUser());

    assertThat(memory.size()).isEqualTo(1);
    assertThat(memory.find(fresh.session().id())).contains(fresh.session());
  }

  @Test
  void endedSessionsLeaveNothingBehind() {
    String user = newUser();
    Held a = created(user);
    created(user);
    memory.revoke(a.session().id());
    memory.revokeAll(user, clock.instant(), LIFETIME);

    assertThat(memory.size()).isZero();
  }

  @Test
  void aClosedStoreRefusesCalls() {
    memory.close();

    assertThatThrownBy(() -> memory.find("x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> memory.touch("u", "x", Duration.ZERO))
        .isInstanceOf(IllegalStateException.class);
  }
}
