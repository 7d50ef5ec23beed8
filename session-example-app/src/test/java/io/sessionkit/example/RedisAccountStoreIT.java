package io.sessionkit.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.api.sync.RedisCommands;
import io.sessionkit.testing.RedisExtension;
import io.sessionkit.testing.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RedisAccountStore} on a real Redis: the contract, then what only Redis brings: the keys an
 * operator sees, a stray id key, and what the store does while Redis cannot be reached.
 */
class RedisAccountStoreIT extends AccountStoreContract {

  @RegisterExtension static final RedisExtension REDIS = RedisExtension.privateServer();

  private final List<AutoCloseable> opened = new ArrayList<>();

  @Override
  AccountStore store() {
    return storeAt(REDIS.uri());
  }

  private RedisAccountStore<?> storeAt(String uri) {
    RedisAccountStore<?> store =
        RedisAccountStore.on(
            AccountsRedis.single(uri, Duration.ofMillis(500), Duration.ofSeconds(1)));
    opened.add(store);
    return store;
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable store : opened) {
      store.close();
    }
  }

  @AfterAll
  static void closeOperatorConnection() {
    ContractSupport.closeOperatorConnection();
  }

  @Test
  void anIdKeyWhoseNameKeyHoldsAnotherAccountFindsNothing() {
    RedisCommands<String, String> redis = ContractSupport.cli(REDIS);
    User owner = account(newUsername("owner"));
    assertThat(store().add(owner)).isTrue();
    // what a losing registration leaves when its instance stops before deleting its id key
    redis.set(
        RedisAccountStore.idKey("stray-id"), owner.username().toLowerCase(java.util.Locale.ROOT));

    assertThat(store().byId("stray-id")).isEmpty();
    assertThat(store().byId(owner.id())).contains(owner);
  }

  @Test
  void aKnownAccountIsServedWhileRedisIsUnreachableAndAnythingElseIsUnavailable() {
    try (TcpProxy proxy = TcpProxy.start(REDIS.server().port())) {
      RedisAccountStore<?> store = storeAt(proxy.uri());
      User known = account(newUsername("known"));
      assertThat(store.add(known)).isTrue();
      User elsewhere = account(newUsername("elsewhere"));
      assertThat(store().add(elsewhere)).isTrue();

      proxy.drop();

      assertThat(store.byUsername(known.username())).contains(known);
      assertThat(store.byId(known.id())).contains(known);
      assertThatThrownBy(() -> store.byUsername(elsewhere.username()))
          .isInstanceOf(AccountsUnavailableException.class)
          .hasMessageContaining("unavailable for accounts");
      assertThatThrownBy(() -> store.byId(elsewhere.id()))
          .isInstanceOf(AccountsUnavailableException.class);
      User during = account(newUsername("during"));
      assertThatThrownBy(() -> store.add(during)).isInstanceOf(AccountsUnavailableException.class);

      proxy.pass();

      assertThat(store().byUsername(during.username())).isEmpty();
      assertThat(store().byId(during.id())).isEmpty();
    }
  }
}
