package io.sessionkit;

/**
 * Decides whether the session behind a verified access token is still live.
 *
 * <p>{@link #storeBacked(SessionStore, java.time.Duration)} asks the store (one round trip,
 * recording activity at most once per touch interval); the JWT-only fallback that {@link
 * SessionManager} uses while the store is unreachable trusts the token's signature and expiry, plus
 * a local record of sessions ended during the outage. Implementations are thread-safe.
 *
 * <p>Not public: the manager's guarantees (a revocation holds on the very next request, an end
 * recorded during an outage stays an end) are made by these two policies together, and a policy
 * plugged in from outside could only weaken them. The extension point is {@link SessionStore}: a
 * store that wraps another (a cache, a metric) is checked by the same rules.
 */
interface RevocationPolicy {

  /**
   * Checks the session of a token whose signature and expiry have already been verified.
   *
   * @throws SessionStoreUnavailableException when the policy needs the store and cannot reach it
   */
  SessionCheck check(TokenClaims claims);

  /**
   * The policy that asks the store, recording activity when the last record is at least {@code
   * touchInterval} old. A token whose user does not own the session it names is refused.
   */
  static RevocationPolicy storeBacked(SessionStore store, java.time.Duration touchInterval) {
    return new StoreRevocationPolicy(store, touchInterval);
  }
}
