package io.towerstream.model.eval;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test-then-train metrics of one scorer: for each event the 0-based rank of the clicked item (−1
 * when the scorer could not rank it: unknown user or item), giving HR@10, Recall@20 (= HR@20, one
 * relevant item), binary NDCG@20 and MRR, over the whole stream and over a sliding window of the
 * last events.
 */
public final class PrequentialMetrics {
  private static final int METRICS = 4;
  private static final int STATE_VERSION = 1;
  private final int window;

  /** The ranks of the window's events, a ring: slot {@code head} is the next to write. */
  private final int[] ranks;

  private int head;
  private int filled;
  private final double[] windowSum = new double[METRICS];
  private final double[] totalSum = new double[METRICS];
  private final double[] scratch = new double[METRICS];
  private long events;

  public PrequentialMetrics(int window) {
    if (window < 1) {
      throw new IllegalArgumentException("prequential window must be positive, was " + window);
    }
    this.window = window;
    this.ranks = new int[window];
  }

  /** Records one event; {@code rank} 0 = ranked first, −1 = not rankable (a miss). */
  public void record(long rank) {
    int r = rank < 0 ? -1 : (int) Math.min(rank, Integer.MAX_VALUE);
    double[] m = scratch; // this runs for every scored event
    if (filled == window) {
      values(ranks[head], m);
      for (int k = 0; k < METRICS; k++) {
        windowSum[k] -= m[k];
      }
    } else {
      filled++;
    }
    values(r, m);
    for (int k = 0; k < METRICS; k++) {
      windowSum[k] += m[k];
      totalSum[k] += m[k];
    }
    ranks[head] = r;
    head = (head + 1) % window;
    events++;
  }

  /** hr@10, recall@20, ndcg@20 and mrr of one event of rank {@code rank}. */
  private static void values(int rank, double[] m) {
    boolean ranked = rank >= 0;
    m[0] = ranked && rank < 10 ? 1 : 0;
    m[1] = ranked && rank < 20 ? 1 : 0;
    m[2] = ranked && rank < 20 ? 1.0 / (Math.log(rank + 2) / Math.log(2)) : 0;
    m[3] = ranked ? 1.0 / (rank + 1) : 0;
  }

  /** Events the sliding window holds: {@link #window()} once that many were recorded. */
  public int windowEvents() {
    return filled;
  }

  /** The sliding window's capacity. */
  public int window() {
    return window;
  }

  public long events() {
    return events;
  }

  /** Averages over the whole stream so far: hr@10, recall@20, ndcg@20, mrr. */
  public Map<String, Double> whole() {
    return named(totalSum, events);
  }

  /** Averages over the last {@code window} events. */
  public Map<String, Double> windowed() {
    return named(windowSum, filled);
  }

  /**
   * Writes the whole state: the totals, the window's sums as they are (a running sum differs in its
   * last bits from a fresh one, and a restore must continue exactly) and the window's ranks, oldest
   * first.
   */
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(STATE_VERSION);
    out.writeLong(events);
    for (double v : totalSum) {
      out.writeDouble(v);
    }
    out.writeInt(window);
    for (double v : windowSum) {
      out.writeDouble(v);
    }
    out.writeInt(filled);
    for (int j = 0; j < filled; j++) {
      out.writeInt(ranks[Math.floorMod(head - filled + j, window)]);
    }
  }

  /**
   * Replaces this state with one {@link #writeTo written} by metrics of any window: with the same
   * window it continues exactly; with another the window keeps the newest events that fit and its
   * sums are recomputed.
   */
  public void readFrom(DataInput in) throws IOException {
    int version = in.readInt();
    if (version != STATE_VERSION) {
      throw new IOException(
          "prequential metrics state has version "
              + version
              + ", this reader knows "
              + STATE_VERSION);
    }
    events = in.readLong();
    for (int k = 0; k < METRICS; k++) {
      totalSum[k] = in.readDouble();
    }
    int savedWindow = in.readInt();
    double[] savedSums = new double[METRICS];
    for (int k = 0; k < METRICS; k++) {
      savedSums[k] = in.readDouble();
    }
    int saved = in.readInt();
    if (saved < 0 || saved > savedWindow || saved > events) {
      throw new IOException(
          "prequential metrics state holds "
              + saved
              + " ranks for a window of "
              + savedWindow
              + " after "
              + events
              + " events");
    }
    int skip = Math.max(0, saved - window);
    Arrays.fill(windowSum, 0);
    double[] m = new double[METRICS];
    for (int j = 0; j < saved; j++) {
      int r = in.readInt();
      if (j >= skip) {
        ranks[j - skip] = r;
        values(r, m);
        for (int k = 0; k < METRICS; k++) {
          windowSum[k] += m[k];
        }
      }
    }
    filled = saved - skip;
    head = filled % window;
    if (savedWindow == window) {
      System.arraycopy(savedSums, 0, windowSum, 0, METRICS);
    }
  }

  private static Map<String, Double> named(double[] sums, long n) {
    Map<String, Double> out = new LinkedHashMap<>();
    String[] names = {"hr@10", "recall@20", "ndcg@20", "mrr"};
    for (int k = 0; k < METRICS; k++) {
      out.put(names[k], n == 0 ? 0.0 : sums[k] / n);
    }
    return out;
  }

  /**
   * Rank of {@code target} in {@code scores} among indices not in {@code excluded} (the target
   * itself is never excluded); ties rank by lower index first.
   */
  public static long rankOf(float[] scores, int target, java.util.Set<Integer> excluded) {
    return rankOf(scores, scores.length, target, excluded);
  }

  /** {@link #rankOf(float[], int, java.util.Set)} over the first {@code n} scores. */
  public static long rankOf(float[] scores, int n, int target, java.util.Set<Integer> excluded) {
    float st = scores[target];
    long rank = 0;
    // Count over all items in a tight loop, then take back the excluded ones: a user's history is
    // small, and a set lookup per item (boxing each index) cost more than the ranking itself.
    for (int j = 0; j < n; j++) {
      if (scores[j] > st || (scores[j] == st && j < target)) {
        rank++;
      }
    }
    if (excluded != null) {
      for (int j : excluded) {
        if (j != target && j < n && (scores[j] > st || (scores[j] == st && j < target))) {
          rank--;
        }
      }
    }
    return rank;
  }

  /**
   * The rank by {@code scores[j] + bias[j]} over the first {@code n} items, as {@link
   * #rankOf(float[], int, java.util.Set)} would give on the summed array, without building it.
   */
  public static long rankOf(
      float[] scores, float[] bias, int n, int target, java.util.Set<Integer> excluded) {
    float st = scores[target] + bias[target];
    long rank = 0;
    for (int j = 0; j < n; j++) {
      float sj = scores[j] + bias[j];
      if (sj > st || (sj == st && j < target)) {
        rank++;
      }
    }
    if (excluded != null) {
      for (int j : excluded) {
        if (j != target && j < n) {
          float sj = scores[j] + bias[j];
          if (sj > st || (sj == st && j < target)) {
            rank--;
          }
        }
      }
    }
    return rank;
  }
}
