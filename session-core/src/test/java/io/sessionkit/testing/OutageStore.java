package io.sessionkit.testing;

import io.sessionkit.NewSession;
import io.sessionkit.RefreshRotation;
import io.sessionkit.Session;
import io.sessionkit.SessionCheck;
import io.sessionkit.SessionCreation;
import io.sessionkit.SessionPage;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A store that forwards to another one until {@link #goDown()}, and from then on fails every call
 * as an unreachable store would, until {@link #comeBack()}; or, after {@link #loseAnswers()},
 * applies every call and then fails it, as when the answer is lost on the way back. For testing
 * what callers do during an outage without breaking a real server.
 */
public final class OutageStore implements SessionStore {

  private final SessionStore delegate;
  private volatile boolean down;
  private volatile boolean answersLost;

  public OutageStore(SessionStore delegate) {
    this.delegate = delegate;
  }

  public void goDown() {
    down = true;
  }

  /** From now on every call reaches the store, but its answer is lost. */
  public void loseAnswers() {
    answersLost = true;
  }

  public void comeBack() {
    down = false;
    answersLost = false;
  }

  private <T> T call(Supplier<T> call) {
    if (down) {
      throw new SessionStoreUnavailableException(
          "store is down for this test", new java.io.IOException("connection refused"));
    }
    T answer = call.get();
    if (answersLost) {
      throw new SessionStoreUnavailableException(
          "answer lost for this test", new java.io.IOException("connection reset"));
    }
    return answer;
  }

  @Override
  public String newSessionId(String userId) {
    return delegate.newSessionId(userId);
  }

  @Override
  public SessionCreation create(NewSession session, int maxSessionsPerUser) {
    return call(() -> delegate.create(session, maxSessionsPerUser));
  }

  @Override
  public Optional<Session> find(String sessionId) {
    return call(() -> delegate.find(sessionId));
  }

  @Override
  public SessionCheck touch(String userId, String sessionId, Duration minInterval) {
    return call(() -> delegate.touch(userId, sessionId, minInterval));
  }

  @Override
  public SessionPage list(String userId, Optional<String> after, int limit) {
    return call(() -> delegate.list(userId, after, limit));
  }

  @Override
  public Optional<Session> revoke(String sessionId, Duration markAtLeast) {
    return call(() -> delegate.revoke(sessionId, markAtLeast));
  }

  @Override
  public int revokeAll(String userId, Instant asOf, Duration sessionLifetime) {
    return call(() -> delegate.revokeAll(userId, asOf, sessionLifetime));
  }

  @Override
  public RefreshRotation.Outcome rotate(RefreshRotation rotation) {
    return call(() -> delegate.rotate(rotation));
  }

  @Override
  public Reclaimed reclaim(String userId) {
    return call(() -> delegate.reclaim(userId));
  }

  @Override
  public boolean ping() {
    return !down && delegate.ping();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
