package io.sessionkit.internal;

import io.sessionkit.RefreshRotation;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * A session's refresh-token state as the in-memory store keeps it; the Redis store keeps the same
 * fields in a hash and applies the same rules in a script.
 *
 * <p>Only the last {@link #MAX_RETIRED} rotated-away hashes are remembered for theft detection; an
 * older token than that is merely {@link RefreshRotation.Status#INVALID}.
 */
public final class RefreshState {

  /** How many rotated-away hashes (besides the previous one) are remembered. */
  public static final int MAX_RETIRED = 64;

  private String current;
  private Optional<String> previous = Optional.empty();
  private Optional<String> sealedNext = Optional.empty();
  private Instant rotatedAt = Instant.EPOCH;
  private final Deque<String> retired = new ArrayDeque<>();

  public RefreshState(String currentHash) {
    this.current = currentHash;
  }

  /** What a rotation finds; callers hold the store's lock. */
  public RefreshRotation.Status rotate(RefreshRotation rotation, Instant now) {
    String presented = rotation.presentedHash();
    if (presented.equals(current)) {
      previous.ifPresent(
          p -> {
            retired.addLast(p);
            if (retired.size() > MAX_RETIRED) {
              retired.removeFirst();
            }
          });
      previous = Optional.of(current);
      current = rotation.nextHash();
      sealedNext = Optional.of(rotation.sealedNext());
      rotatedAt = now;
      return RefreshRotation.Status.ROTATED;
    }
    if (previous.isPresent() && presented.equals(previous.get())) {
      if (rotation.nextHash().equals(current)) {
        // the very rotation that was applied, sent again: its answer was lost
        return RefreshRotation.Status.GRACE_RETRY;
      }
      return now.isAfter(rotatedAt.plus(rotation.grace()))
          ? RefreshRotation.Status.REUSE_DETECTED
          : RefreshRotation.Status.GRACE_RETRY;
    }
    return retired.contains(presented)
        ? RefreshRotation.Status.REUSE_DETECTED
        : RefreshRotation.Status.INVALID;
  }

  /** The hash of the current token. */
  public String currentHash() {
    return current;
  }

  /** The successor sealed at the last rotation. */
  public Optional<String> sealedNext() {
    return sealedNext;
  }
}
