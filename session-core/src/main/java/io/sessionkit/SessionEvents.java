package io.sessionkit;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every {@link SessionListener} of each event, on the calling thread; a listener that throws
 * is logged and does not keep the others from hearing. Immutable and thread-safe.
 */
final class SessionEvents {

  private static final Logger log = LoggerFactory.getLogger(SessionEvents.class);

  private final List<SessionListener> listeners;

  SessionEvents(List<SessionListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  void emit(SessionEvent event) {
    for (SessionListener listener : listeners) {
      try {
        listener.onEvent(event);
      } catch (RuntimeException e) {
        log.warn(
            "Session listener {} failed on {} of user {}",
            listener,
            event.type(),
            event.userId(),
            e);
      }
    }
  }
}
