package io.sessionkit;

/**
 * The session store could not be reached or did not answer in time. The {@link SessionManager} acts
 * on this type according to its {@link FallbackMode}; it never signals a bad input.
 */
public class SessionStoreUnavailableException extends SessionKitException {

  private static final long serialVersionUID = 1L;

  public SessionStoreUnavailableException(String message) {
    super(message);
  }

  public SessionStoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
