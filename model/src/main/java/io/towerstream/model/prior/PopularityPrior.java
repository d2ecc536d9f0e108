package io.towerstream.model.prior;

import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import java.util.Arrays;

/**
 * Recent popularity of each item as an exponentially decayed click count, kept in the "forward
 * decay" form of Cormode et al. (ICDE 2009): {@code L_i = log Σ_clicks exp(λ·(n_click − n₀))}, with
 * {@code n} the stream's event index and {@code λ = ln 2 / halfLife}. The decayed count at event
 * {@code n} is {@code exp(L_i − λ·(n − n₀))}: the second term is the same for every item, so
 * rankings by {@code L_i} equal rankings by decayed count at any instant, and {@code L_i} changes
 * only when item {@code i} is clicked. That is what lets the store hold {@code w·L_i} as an item's
 * score bias, refreshed only when the item is republished anyway, and still rank by recent
 * popularity.
 *
 * <p>{@code L} grows by {@code λ} per event; once it exceeds {@link #REBASE_AT} the origin {@code
 * n₀} moves forward and every item's {@code L} is shifted down by the same amount, keeping float
 * precision in the published bias. A rebase changes every item's bias, so the model republishes
 * every item then. Indexed by item table slot. Not thread-safe.
 */
public final class PopularityPrior {
  /** log-mass above which the origin is moved: float keeps ~1e-4 absolute precision below this. */
  static final double REBASE_AT = 1000;

  private final double lambda;
  private double[] logMass = new double[16];
  private long origin;

  /**
   * @param halfLifeEvents events after which a click counts half; must be positive
   */
  public PopularityPrior(double halfLifeEvents) {
    if (!(halfLifeEvents > 0)) {
      throw new IllegalArgumentException(
          "popularity half-life must be positive, was " + halfLifeEvents);
    }
    this.lambda = Math.log(2) / halfLifeEvents;
    Arrays.fill(logMass, Double.NEGATIVE_INFINITY);
  }

  /** Counts a click of the item in {@code slot} at stream position {@code eventIndex}. */
  public void observe(int slot, long eventIndex) {
    ensure(slot);
    double x = lambda * (eventIndex - origin);
    double l = logMass[slot];
    // log(exp(l) + exp(x)) without overflow
    logMass[slot] =
        l == Double.NEGATIVE_INFINITY ? x : Math.max(l, x) + Math.log1p(Math.exp(-Math.abs(l - x)));
  }

  /** The stream position the log-masses are relative to (moved by {@link #rebaseIfNeeded}). */
  public long origin() {
    return origin;
  }

  /** {@code λ = ln 2 / halfLife}, per event. */
  public double lambda() {
    return lambda;
  }

  /**
   * Adds clicks counted elsewhere (another replica's): {@code logMass} is their log-mass relative
   * to {@code fromOrigin}, as {@link #logMass} would be with that origin. Mutates this.
   */
  public void addLogMass(int slot, double logMass, long fromOrigin) {
    if (logMass == Double.NEGATIVE_INFINITY) {
      return;
    }
    ensure(slot);
    double x = logMass + lambda * (fromOrigin - origin);
    double l = this.logMass[slot];
    this.logMass[slot] =
        l == Double.NEGATIVE_INFINITY ? x : Math.max(l, x) + Math.log1p(Math.exp(-Math.abs(l - x)));
  }

  /** {@code L_i}; −∞ for an item never clicked. */
  public double logMass(int slot) {
    return slot < logMass.length ? logMass[slot] : Double.NEGATIVE_INFINITY;
  }

  /** The item's decayed click count at stream position {@code eventIndex}. */
  public double decayedCount(int slot, long eventIndex) {
    return Math.exp(logMass(slot) - lambda * (eventIndex - origin));
  }

  /** The score bias {@code w·L_i} (0 for an item never clicked, so it is not pushed to −∞). */
  public float bias(int slot, float weight) {
    double l = logMass(slot);
    return weight == 0 || l == Double.NEGATIVE_INFINITY ? 0f : (float) (weight * l);
  }

  /** Forgets an item: its slot was evicted and will belong to another item. */
  public void reset(int slot) {
    if (slot < logMass.length) {
      logMass[slot] = Double.NEGATIVE_INFINITY;
    }
  }

  /**
   * Moves the origin to {@code eventIndex} when the log-masses have grown past {@link #REBASE_AT}.
   *
   * @return whether it did, in which case every item's bias changed by the same amount
   */
  public boolean rebaseIfNeeded(long eventIndex) {
    double shift = lambda * (eventIndex - origin);
    if (shift < REBASE_AT) {
      return false;
    }
    for (int i = 0; i < logMass.length; i++) {
      logMass[i] -= shift;
    }
    origin = eventIndex;
    return true;
  }

  public void writeTo(SnapshotWriter out, int items) {
    out.writeLong(origin).writeInt(items);
    for (int slot = 0; slot < items; slot++) {
      out.writeDouble(logMass(slot));
    }
  }

  public static PopularityPrior readFrom(SnapshotReader in, int items, double halfLifeEvents) {
    PopularityPrior p = new PopularityPrior(halfLifeEvents);
    p.origin = in.readLong();
    int n = in.readLength(8);
    SnapshotReader.check(
        n == items, "popularity prior covers " + n + " items, the item table " + items);
    p.ensure(Math.max(0, n - 1));
    for (int slot = 0; slot < n; slot++) {
      p.logMass[slot] = in.readDouble();
    }
    return p;
  }

  private void ensure(int slot) {
    if (slot >= logMass.length) {
      int old = logMass.length;
      logMass = Arrays.copyOf(logMass, Math.max(slot + 1, old * 2));
      Arrays.fill(logMass, old, logMass.length, Double.NEGATIVE_INFINITY);
    }
  }
}
