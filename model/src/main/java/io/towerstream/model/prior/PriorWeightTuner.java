package io.towerstream.model.prior;

import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import java.util.Arrays;

/**
 * Chooses the weight {@code w} of the popularity prior online, by test-then-train on the stream
 * itself: each observed event is ranked, before the model trains on it, under every candidate
 * weight of a fixed grid (score {@code s_j + w·L_j}), and each candidate keeps an exponentially
 * decayed hit rate at 10. The weight in use moves to another candidate only when that one's lead is
 * significant on the very same events: of the events where exactly one of the two hits, the other
 * must win more than {@link #SWITCH_Z} standard deviations above half (McNemar's test on decayed
 * counts), so that noise does not make it (and with it every item's published bias) flap, nor drift
 * to a weight that is better by chance. Back to no prior it goes on a smaller lead ({@link
 * #RETURN_Z}).
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

  /**
   * The lead, in standard deviations of the paired test, a candidate needs over the weight in use
   * before it replaces it.
   */
  static final double SWITCH_Z = 2.0;

  /**
   * The lead over a weight in use that sends the tuner back to no prior (weight 0): a lower bar
   * than {@link #SWITCH_Z}. The burden of proof lies with the prior, which pushes popular items
   * above what the towers found: it comes in on a clear lead and goes on a smaller one, so that a
   * weight which helped once does not linger after the towers caught up (the paired counts are thin
   * on a large catalogue, where few events are scored per batch).
   */
  static final double RETURN_Z = 1.0;

  /** Events the tuner must have scored before it leaves the initial weight. */
  static final long MIN_EVENTS = 500;

  private final double decay;
  private final double[] hits = new double[GRID.length];

  /** {@code discordant[a][b]}: decayed count of events that weight a hit and weight b missed. */
  private final double[][] discordant = new double[GRID.length][GRID.length];

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
   * Scores one event under every candidate weight and counts it: {@link #hits} then {@link
   * #record}.
   */
  public void observe(float[] scores, double[] logMass, int target, int[] excluded) {
    record(hits(scores, logMass, target, excluded));
  }

  /**
   * Whether each candidate weight ranks the event's clicked item in the top {@value #CUTOFF}:
   * {@code scores} without the prior, {@code logMass} the prior's {@code L} per item (−∞ for an
   * item without clicks counts as 0, as in {@link PopularityPrior#bias}), {@code target} the
   * clicked item, {@code excluded} the indices (the user's earlier items) not ranked, or null.
   * Reads its arguments only; a fresh array, one entry per {@link #GRID} weight.
   */
  public static boolean[] hits(float[] scores, double[] logMass, int target, int[] excluded) {
    int g = GRID.length;
    double[] st = new double[g];
    for (int k = 0; k < g; k++) {
      st[k] = scored(scores, logMass, GRID[k], target);
    }
    int[] skip = excluded == null ? new int[0] : excluded.clone();
    Arrays.sort(skip);
    int[] above = new int[g];
    boolean[] missed = new boolean[g];
    int open = g;
    // One pass over the items for every weight at once, stopped as soon as every weight has CUTOFF
    // items above the click: most events are misses under most weights, and found so early.
    for (int j = 0, e = 0; j < scores.length && open > 0; j++) {
      while (e < skip.length && skip[e] < j) {
        e++;
      }
      if (j == target || (e < skip.length && skip[e] == j)) {
        continue;
      }
      for (int k = 0; k < g; k++) {
        if (!missed[k]) {
          double sj = scored(scores, logMass, GRID[k], j);
          if ((sj > st[k] || (sj == st[k] && j < target)) && ++above[k] >= CUTOFF) {
            missed[k] = true;
            open--;
          }
        }
      }
    }
    boolean[] hit = new boolean[g];
    for (int k = 0; k < g; k++) {
      hit[k] = !missed[k];
    }
    return hit;
  }

  /** Counts one scored event, given {@link #hits} for it. Mutates this. */
  public void record(boolean[] hit) {
    mass = mass * decay + 1;
    events++;
    for (int k = 0; k < GRID.length; k++) {
      hits[k] = hits[k] * decay + (hit[k] ? 1 : 0);
    }
    for (int a = 0; a < GRID.length; a++) {
      double[] row = discordant[a];
      for (int b = 0; b < GRID.length; b++) {
        row[b] = row[b] * decay + (hit[a] && !hit[b] ? 1 : 0);
      }
    }
  }

  /**
   * Lets {@code events} go by unscored: every count decays as if they had been scored, so that the
   * half-life stays one of the stream's events when only some of them are scored. Mutates this.
   */
  public void age(long events) {
    if (events <= 0) {
      return;
    }
    double f = Math.pow(decay, events);
    mass *= f;
    for (int k = 0; k < GRID.length; k++) {
      hits[k] *= f;
      for (int b = 0; b < GRID.length; b++) {
        discordant[k][b] *= f;
      }
    }
  }

  /**
   * Moves the weight in use to the candidate with the most significant lead over it, if any lead is
   * significant ({@link #SWITCH_Z}).
   *
   * @return whether the weight changed (every item's published bias changes with it). Mutates this
   *     when true.
   */
  public boolean reselect() {
    if (events < MIN_EVENTS) {
      return false;
    }
    int best = current;
    double bestZ = SWITCH_Z;
    if (current != 0 && lead(0, current) > RETURN_Z) {
      best = 0;
      bestZ = Math.max(SWITCH_Z, lead(0, current));
    }
    for (int k = 0; k < GRID.length; k++) {
      double z = lead(k, current);
      if (z > bestZ) {
        bestZ = z;
        best = k;
      }
    }
    if (best == current) {
      return false;
    }
    current = best;
    switches++;
    return true;
  }

  /**
   * Weight a's lead over weight b in standard deviations: of the events where exactly one hit, a's
   * wins minus b's over the square root of their sum (0 when they never disagreed).
   */
  double lead(int a, int b) {
    double wins = discordant[a][b];
    double losses = discordant[b][a];
    return wins + losses == 0 ? 0 : (wins - losses) / Math.sqrt(wins + losses);
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

  /** Writes the paired counts the switching test uses (format 7 on); read by {@link #readPairs}. */
  public void writePairs(SnapshotWriter out) {
    out.writeInt(GRID.length);
    for (double[] row : discordant) {
      for (double v : row) {
        out.writeDouble(v);
      }
    }
  }

  /**
   * Reads what {@link #writePairs} wrote; counts of another grid are read past and start empty.
   * Mutates this.
   */
  public void readPairs(SnapshotReader in) {
    int n = in.readLength(8);
    for (int a = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        double v = in.readDouble();
        if (n == GRID.length) {
          discordant[a][b] = v;
        }
      }
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
