package io.sessionkit;

/** What {@link SessionManager#authenticate(String)} does while the session store is unreachable. */
public enum FallbackMode {
  /**
   * Accept any access token whose signature and expiry verify, unless this instance saw its session
   * end while the store was unreachable. Revocations made on other instances during the outage are
   * not seen until the store is back.
   */
  JWT_ONLY,
  /** Refuse authentication with {@link AuthenticationResult.Status#STORE_UNAVAILABLE}. */
  DENY
}
