package io.sessionkit;

import java.util.Objects;

/**
 * What is known about the client at login or refresh, kept as session metadata and in events.
 *
 * @param ip the client address, or an empty string when unknown
 * @param userAgent the {@code User-Agent} the client sent, or an empty string when unknown
 */
public record ClientInfo(String ip, String userAgent) {

  private static final ClientInfo UNKNOWN = new ClientInfo("", "");

  /** Longest user agent kept; longer ones are cut, so a client cannot bloat the store. */
  public static final int MAX_USER_AGENT_LENGTH = 512;

  public ClientInfo {
    Objects.requireNonNull(ip, "ip");
    Objects.requireNonNull(userAgent, "userAgent");
    if (userAgent.length() > MAX_USER_AGENT_LENGTH) {
      userAgent = userAgent.substring(0, MAX_USER_AGENT_LENGTH);
    }
  }

  /** A client about which nothing is known. */
  public static ClientInfo unknown() {
    return UNKNOWN;
  }
}
