package io.sessionkit;

/**
 * Root of the exceptions sessionkit throws. They mean a bug, a misuse or an infrastructure failure;
 * expected outcomes such as a bad token or a revoked session are returned as values.
 */
public class SessionKitException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public SessionKitException(String message) {
    super(message);
  }

  public SessionKitException(String message, Throwable cause) {
    super(message, cause);
  }
}
