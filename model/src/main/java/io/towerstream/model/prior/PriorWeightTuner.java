package io.towerstream.model.prior;

import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import java.util.Arrays;

/**
 * Chooses the weight {@code w} of the popularity prior online, by test-then-train on the stream
 * itself: each observed event is ranked, before the model trains on it, under every candidate
 * weight of a fixed grid (score {@code s_j + w·L_j}), and each candidate keeps an exponentially
 * decayed hit rate at 10. The weight in use moves to the best candidate once that one leads by a
 * relative {@link #SWITCH_MARGIN}, so that noise does not make it (and with it every item's
 * published bias) flap.
 *
 * <p>Why: how much recent popularity should add to the towers' score is a property of the data, not
 * of the model. MovieLens, where what is watched this week predicts next week, wants a large
 * weight; a catalogue without trends wants none (the prior then only pushes popular items above
 * relevant ones). A fixed default fits one of them; the ranking quality of the recent past measures
 * which one the stream is. Not thread-safe.
 */
public final class PriorWeightTuner {
  /**
   * The candidate weights: 0 and powers of two from 1/64 to 8, in dot-product units per log-count.
   */
  public static final float[] GRID = {
    0f, 1f / 64, 1f / 32, 1f / 16, 1f / 8, 1f / 4, 1f / 2, 1f, 2f, 4f, 8f
  };

  /**
   * The cut-off of the hit rate that is compared: HR@10, the stream's test-then-train target
   * metric.
   */
  static final int CUTOFF = 10;

  /** The relative lead a candidate needs over the weight in use before it replaces it. */
  static final double SWITCH_MARGIN = 0.02;

  /** Events the tuner must have scored before it leaves the initial weight. */
  static final long MIN_EVENTS = 500;

  private final double decay;
  private final double[] hits = new double[GRID.length];
  private double mass;
  private long events;
  private int current;
  private long switches;

  /**
   * @param initialWeight the weight until the stream has shown a better one; the nearest grid
   *     weight is used
   * @param halfLifeEvents scored events after which a hit counts half
   */
  public PriorWeightTuner(float initialWeight, double halfLifeEvents) {
    if (!(halfLifeEvents >= 1)) {
      throw new IllegalArgumentException(
          "prior tuning half-life must be at least 1 event, was " + halfLifeEvents);
    }
    this.decay = Math.pow(0.5, 1 / halfLifeEvents);
    this.current = nearest(initialWeight);
  }

  /** The weight in use. */
  public float weight() {
    return GRID[current];
  }

  /** Times the weight in use changed. */
  public long switches() {
    return switches;
  }

  /** Events scored so far. */
  public long events() {
    return events;
  }

  /** The decayed HR@10 of each {@link #GRID} weight (0 before any event). Returns a fresh array. */
  public double[] hitRates() {
    double[] out = new double[GRID.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = mass == 0 ? 0 : hits[k] / mass;
    }
    return out;
  }

  /**
   * Scores one event under every candidate weight: {@code scores} without the prior, {@code
   * logMass} the prior's {@code L} per item (−∞ for an item without clicks counts as 0, as in
   * {@link PopularityPrior#bias}), {@code target} the clicked item, {@code excluded} the indices
   * (the user's earlier items) not ranked, or null. Reads its arguments only.
   */
  public void observe(float[] scores, double[] logMass, int target, int[] excluded) {
    for (int k = 0; k < hits.length; k++) {
      hits[k] *= decay;
    }
    mass = mass * decay + 1;
    events++;
    for (int k = 0; k < GRID.length; k++) {
      if (rankOf(scores, logMass, GRID[k], target, excluded) < CUTOFF) {
        hits[k] += 1;
      }
    }
  }

  /**
   * Moves the weight in use to the leading candidate when it leads by the margin.
   *
   * @return whether the weight changed (every item's published bias changes with it). Mutates this
   *     when true.
   */
  public boolean reselect() {
    if (events < MIN_EVENTS) {
      return false;
    }
    int best = current;
    for (int k = 0; k < hits.length; k++) {
      if (hits[k] > hits[best]) {
        best = k;
      }
    }
    if (best == current || hits[best] <= hits[current] * (1 + SWITCH_MARGIN)) {
      return false;
    }
    current = best;
    switches++;
    return true;
  }

  /**
   * Rank of {@code target} under {@code s + w·L} among the items not excluded; ties go to the lower
   * index.
   */
  static int rankOf(float[] scores, double[] logMass, float w, int target, int[] excluded) {
    double st = scored(scores, logMass, w, target);
    int rank = 0;
    for (int j = 0; j < scores.length; j++) {
      double sj = scored(scores, logMass, w, j);
      if (sj > st || (sj == st && j < target)) {
        rank++;
      }
    }
    if (excluded != null) {
      for (int j : excluded) {
        double sj = scored(scores, logMass, w, j);
        if (j != target && (sj > st || (sj == st && j < target))) {
          rank--;
        }
      }
    }
    return rank;
  }

  private static double scored(float[] scores, double[] logMass, float w, int j) {
    double l = logMass[j];
    return w == 0 || l == Double.NEGATIVE_INFINITY
        ? scores[j]
        : scores[j] + (double) (float) (w * l);
  }

  private static int nearest(float w) {
    int best = 0;
    for (int k = 1; k < GRID.length; k++) {
      if (Math.abs(GRID[k] - w) < Math.abs(GRID[best] - w)) {
        best = k;
      }
    }
    return best;
  }

  public void writeTo(SnapshotWriter out) {
    out.writeFloat(weight())
        .writeLong(switches)
        .writeLong(events)
        .writeDouble(mass)
        .writeInt(hits.length);
    for (double h : hits) {
      out.writeDouble(h);
    }
  }

  /**
   * Reads what {@link #writeTo} wrote; a snapshot with another grid keeps only the (nearest) weight
   * in use.
   */
  public static PriorWeightTuner readFrom(SnapshotReader in, double halfLifeEvents) {
    float weight = in.readFloat();
    long switches = in.readLong();
    long events = in.readLong();
    double mass = in.readDouble();
    int n = in.readLength(8);
    double[] hits = new double[n];
    for (int k = 0; k < n; k++) {
      hits[k] = in.readDouble();
    }
    SnapshotReader.check(weight >= 0 && Float.isFinite(weight), "prior tuner's weight " + weight);
    PriorWeightTuner t = new PriorWeightTuner(weight, halfLifeEvents);
    t.switches = switches;
    if (n == GRID.length) {
      t.events = events;
      t.mass = mass;
      System.arraycopy(hits, 0, t.hits, 0, n);
    }
    return t;
  }

  @Override
  public String toString() {
    return "PriorWeightTuner[w="
        + weight()
        + ", events="
        + events
        + ", hr@10="
        + Arrays.toString(hitRates())
        + "]";
  }
}
