package io.sessionkit.testing;

import io.sessionkit.RefreshRotation;
import io.sessionkit.Session;
import io.sessionkit.SessionCreation;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A store that forwards to another one until {@link #goDown()}, and from then on fails every call
 * as an unreachable store would, until {@link #comeBack()}. For testing what callers do during an
 * outage without breaking a real server.
 */
public final class OutageStore implements SessionStore {

  private final SessionStore delegate;
  private volatile boolean down;

  public OutageStore(SessionStore delegate) {
    this.delegate = delegate;
  }

  public void goDown() {
    down = true;
  }

  public void comeBack() {
    down = false;
  }

  private <T> T call(Supplier<T> call) {
    if (down) {
      throw new SessionStoreUnavailableException(
          "store is down for this test", new java.io.IOException("connection refused"));
    }
    return call.get();
  }

  @Override
  public SessionCreation create(Session session, String refreshTokenHash, int maxSessionsPerUser) {
    return call(() -> delegate.create(session, refreshTokenHash, maxSessionsPerUser));
  }

  @Override
  public Optional<Session> find(String sessionId) {
    return call(() -> delegate.find(sessionId));
  }

  @Override
  public Optional<Session> touch(String sessionId, Duration minInterval) {
    return call(() -> delegate.touch(sessionId, minInterval));
  }

  @Override
  public List<Session> listByUser(String userId) {
    return call(() -> delegate.listByUser(userId));
  }

  @Override
  public int countByUser(String userId) {
    return call(() -> delegate.countByUser(userId));
  }

  @Override
  public Optional<Session> revoke(String sessionId) {
    return call(() -> delegate.revoke(sessionId));
  }

  @Override
  public List<Session> revokeAllOfUser(String userId) {
    return call(() -> delegate.revokeAllOfUser(userId));
  }

  @Override
  public RefreshRotation.Outcome rotateRefreshToken(RefreshRotation rotation) {
    return call(() -> delegate.rotateRefreshToken(rotation));
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
