package io.sessionkit;

import java.time.Duration;

/**
 * Told of every {@link SessionManager#authenticate(String)} and how long it took, for metrics.
 * Called synchronously on the request thread: keep it cheap. A listener that throws is logged and
 * ignored.
 */
@FunctionalInterface
public interface AuthenticationListener {

  void onAuthentication(AuthenticationResult result, Duration took);
}
