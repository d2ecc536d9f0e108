package io.towerstream.model.sampling;

import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import java.util.Arrays;

/**
 * Streaming estimate of how often each item occurs in a training batch, after Yi et al. (RecSys
 * 2019, Algorithm 2), with one exact entry per item row instead of their hashed arrays (our tables
 * are collisionless, so the estimator can be too).
 *
 * <p>Per row: {@code A}, the last step the item occurred in, and {@code B}, an exponential moving
 * average of the gap between its occurrences. Observing the item at step {@code t}: {@code B ←
 * (1−α)B + α(t−A)}, {@code A ← t}. Then {@code q_batch ≈ min(1, 1/B)}: an item occurring every
 * {@code k} steps has {@code B → k}, i.e. it occurs in a given batch with probability {@code 1/k}.
 *
 * <p>An item's first observation has no gap to measure; it starts from a caller-supplied prior gap
 * (the model uses the uniform-catalogue gap {@code max(1, items / batchSize)}), which the EMA then
 * forgets at rate α. Observe each distinct item at most once per step: the estimate is the
 * probability of occurring in a batch, not the count within it. Rows are dense item slots; {@link
 * #reset} clears an evicted slot.
 */
public final class FrequencyEstimator {
  private static final long NEVER = -1;
  private final double alpha;
  private long[] lastStep = new long[0];
  private float[] gap = new float[0];

  /**
   * @param alpha EMA rate in (0, 1] ({@code model.frequency.decay})
   */
  public FrequencyEstimator(double alpha) {
    if (!(alpha > 0 && alpha <= 1)) {
      throw new IllegalArgumentException("frequency decay must be in (0, 1], was " + alpha);
    }
    this.alpha = alpha;
  }

  /**
   * The gap estimate right now; {@code priorGap} for a row never observed (or -1, a row not yet
   * created).
   */
  public double gap(int row, double priorGap) {
    return row < 0 || row >= lastStep.length || lastStep[row] == NEVER ? priorGap : gap[row];
  }

  /**
   * The gap estimate {@link #observe} would leave for {@code row} at {@code step}, without changing
   * anything.
   */
  public double gapAfterObserving(int row, long step, double priorGap) {
    if (row < 0 || row >= lastStep.length || lastStep[row] == NEVER) {
      return (float) priorGap;
    }
    if (lastStep[row] == step) {
      return gap[row]; // already counted in this step
    }
    return (float) ((1 - alpha) * gap[row] + alpha * (step - lastStep[row]));
  }

  /** Records that the item in {@code row} occurred in the batch of {@code step}. */
  public void observe(int row, long step, double priorGap) {
    ensureCapacity(row + 1);
    gap[row] = (float) gapAfterObserving(row, step, priorGap);
    lastStep[row] = step;
  }

  /** {@code min(1, 1/gap)}: the probability that the item occurs in a batch. */
  public static double batchProbability(double gap) {
    return Math.min(1.0, 1.0 / gap);
  }

  /** Forgets a row (its item was evicted and the slot will hold another item). */
  public void reset(int row) {
    if (row < lastStep.length) {
      lastStep[row] = NEVER;
      gap[row] = 0f;
    }
  }

  public void writeTo(SnapshotWriter out) {
    out.writeInt(lastStep.length)
        .writeLongs(lastStep, 0, lastStep.length)
        .writeFloats(gap, 0, gap.length);
  }

  public static FrequencyEstimator readFrom(SnapshotReader in, double alpha) {
    FrequencyEstimator e = new FrequencyEstimator(alpha);
    int n = in.readLength(12);
    e.lastStep = new long[n];
    e.gap = new float[n];
    in.readLongs(e.lastStep, 0, n);
    in.readFloats(e.gap, 0, n);
    return e;
  }

  private void ensureCapacity(int rows) {
    if (rows > lastStep.length) {
      int old = lastStep.length;
      int grown = Math.max(rows, Math.max(64, old * 2));
      lastStep = Arrays.copyOf(lastStep, grown);
      gap = Arrays.copyOf(gap, grown);
      Arrays.fill(lastStep, old, grown, NEVER);
    }
  }
}
