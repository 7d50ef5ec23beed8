package io.sessionkit.internal;

import io.sessionkit.RefreshRotation;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A session's refresh-token state in this process (the in-memory store, and the outage record): the
 * same fields the Redis store keeps, and the same rules its rotate script applies (see {@link
 * RefreshRotation} and {@link RefreshTokens}). Constant size, however often the session is
 * refreshed. Not thread-safe: callers hold their own lock.
 */
public final class RefreshState {

  private record Grace(String previousHash, String nextHash, String sealedNext, Instant until) {}

  private final String sessionId;
  private final String tagKey;
  private int generation;
  private String currentHash;
  private Optional<Grace> grace = Optional.empty();

  /**
   * The state of a session's token of {@code generation} whose nonce hashes to {@code currentHash}.
   */
  public RefreshState(String sessionId, String tagKey, int generation, String currentHash) {
    this.sessionId = sessionId;
    this.tagKey = tagKey;
    this.generation = generation;
    this.currentHash = currentHash;
  }

  /** What a rotation finds, applying it when the presented token is current. */
  public RefreshRotation.Status rotate(RefreshRotation rotation, Instant now) {
    int presented = rotation.presentedGeneration();
    if (presented == generation && rotation.presentedHash().equals(currentHash)) {
      grace =
          rotation.grace().isZero()
              ? Optional.empty()
              : Optional.of(
                  new Grace(
                      currentHash,
                      rotation.nextHash(),
                      rotation.sealedNext(),
                      now.plus(rotation.grace())));
      generation++;
      currentHash = rotation.nextHash();
      return RefreshRotation.Status.ROTATED;
    }
    if (presented == generation - 1) {
      Optional<Grace> open = grace.filter(g -> now.isBefore(g.until()));
      if (open.isPresent() && rotation.presentedHash().equals(open.get().previousHash())) {
        return RefreshRotation.Status.GRACE_RETRY;
      }
      if (rotation.nextHash().equals(currentHash)) {
        return RefreshRotation.Status.ALREADY_APPLIED;
      }
    }
    if (presented < generation && tagMatches(presented, rotation.presentedTag())) {
      return RefreshRotation.Status.REUSE_DETECTED;
    }
    return RefreshRotation.Status.INVALID;
  }

  private boolean tagMatches(int presentedGeneration, String tagHex) {
    byte[] tag;
    try {
      tag = HexFormat.of().parseHex(tagHex);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return RefreshTokens.tagMatches(tagKey, sessionId, presentedGeneration, tag);
  }

  /** The generation of the current token. */
  public int generation() {
    return generation;
  }

  /** The hash of the current token's nonce. */
  public String currentHash() {
    return currentHash;
  }

  /** The key the session's tags are made with. */
  public String tagKey() {
    return tagKey;
  }

  /** The nonce sealed at the last rotation, while its grace lasts. */
  public Optional<String> sealedNext(Instant now) {
    return grace.filter(g -> now.isBefore(g.until())).map(Grace::sealedNext);
  }
}
