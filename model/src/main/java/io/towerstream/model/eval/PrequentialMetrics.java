package io.towerstream.model.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test-then-train metrics of one scorer: for each event the 0-based rank of the clicked item (−1 when the
 * scorer could not rank it: unknown user or item), giving HR@10, Recall@20 (= HR@20, one relevant item),
 * binary NDCG@20 and MRR, over the whole stream and over a sliding window of the last events.
 */
public final class PrequentialMetrics {
  private static final int METRICS = 4;
  private final int window;
  private final double[][] ring;
  private final double[] windowSum = new double[METRICS];
  private final double[] totalSum = new double[METRICS];
  private long events;

  public PrequentialMetrics(int window) {
    if (window < 1) {
      throw new IllegalArgumentException("prequential window must be positive, was " + window);
    }
    this.window = window;
    this.ring = new double[window][METRICS];
  }

  /** Records one event; {@code rank} 0 = ranked first, −1 = not rankable (a miss). */
  public void record(long rank) {
    double[] m = ring[(int) (events % window)]; // written in place: this runs for every scored event
    for (int k = 0; k < METRICS; k++) {
      if (events >= window) {
        windowSum[k] -= m[k];
      }
    }
    boolean ranked = rank >= 0;
    m[0] = ranked && rank < 10 ? 1 : 0;
    m[1] = ranked && rank < 20 ? 1 : 0;
    m[2] = ranked && rank < 20 ? 1.0 / (Math.log(rank + 2) / Math.log(2)) : 0;
    m[3] = ranked ? 1.0 / (rank + 1) : 0;
    for (int k = 0; k < METRICS; k++) {
      windowSum[k] += m[k];
      totalSum[k] += m[k];
    }
    events++;
  }

  /** Events in the sliding window once it is full. */
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
    return named(windowSum, Math.min(events, window));
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
   * Rank of {@code target} in {@code scores} among indices not in {@code excluded} (the target itself is
   * never excluded); ties rank by lower index first.
   */
  public static long rankOf(float[] scores, int target, java.util.Set<Integer> excluded) {
    return rankOf(scores, scores.length, target, excluded);
  }

  /** {@link #rankOf(float[], int, java.util.Set)} over the first {@code n} scores. */
  public static long rankOf(float[] scores, int n, int target, java.util.Set<Integer> excluded) {
    float st = scores[target];
    long rank = 0;
    // Count over all items in a tight loop, then take back the excluded ones: a user's history is small,
    // and a set lookup per item (boxing each index) cost more than the ranking itself.
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
   * The rank by {@code scores[j] + bias[j]} over the first {@code n} items, as {@link #rankOf(float[], int,
   * java.util.Set)} would give on the summed array, without building it.
   */
  public static long rankOf(float[] scores, float[] bias, int n, int target, java.util.Set<Integer> excluded) {
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
