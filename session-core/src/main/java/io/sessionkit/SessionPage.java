package io.sessionkit;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a user's live sessions, newest first (by the time each would end, which is creation
 * order unless sessions have an idle timeout).
 *
 * @param sessions the sessions on this page, at most the limit asked for
 * @param liveCount how many live sessions the user has in all
 * @param next the cursor for the page after this one; empty on the last page
 */
public record SessionPage(List<Session> sessions, int liveCount, Optional<String> next) {

  /** The most sessions one page holds. */
  public static final int MAX_PAGE_SIZE = 100;

  public SessionPage {
    sessions = List.copyOf(sessions);
    Objects.requireNonNull(next, "next");
    if (liveCount < 0) {
      throw new IllegalArgumentException("liveCount must be >= 0, but was " + liveCount);
    }
  }

  /** A page with no sessions. */
  public static SessionPage empty() {
    return new SessionPage(List.of(), 0, Optional.empty());
  }
}
