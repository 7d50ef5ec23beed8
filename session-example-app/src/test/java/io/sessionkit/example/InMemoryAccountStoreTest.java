package io.sessionkit.example;

class InMemoryAccountStoreTest extends AccountStoreContract {

  @Override
  AccountStore store() {
    return new InMemoryAccountStore();
  }
}
