package io.sessionkit;

/**
 * Receives {@link SessionEvent}s from a {@link SessionManager}, synchronously, on the thread that
 * caused them and after the store has been changed. A listener that throws is logged and does not
 * affect the operation or the other listeners; a slow one slows that operation, so hand expensive
 * work to an executor.
 */
@FunctionalInterface
public interface SessionListener {

  void onEvent(SessionEvent event);
}
