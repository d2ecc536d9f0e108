package io.towerstream.model.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Recall@K (hits / |relevant|) and binary NDCG@K, averaged over the test users of a split. The
 * user's training items are excluded from the ranking; ties break by catalogue index (first seen
 * first).
 */
public final class RankingMetrics {
  private RankingMetrics() {}

  /** Keys {@code recall@K} and {@code ndcg@K} for each K, plus {@code users}. */
  public static Map<String, Double> evaluate(TemporalSplit split, Scorer scorer, int... ks) {
    int maxK = maxK(ks);
    return evaluateRanked(
        split,
        user -> {
          int[] top = topK(scorer.scores(user), split.trainItems.get(user), maxK);
          List<String> ids = new ArrayList<>(top.length);
          for (int ix : top) {
            ids.add(split.items.get(ix));
          }
          return ids;
        },
        ks);
  }

  /**
   * The same metrics for a ranker that returns item ids, best first, for a test user (e.g. a
   * retrieval service that ranks and excludes the user's training items itself). An empty list
   * scores zero; only the first K ids count at K.
   */
  public static Map<String, Double> evaluateRanked(
      TemporalSplit split, Function<String, List<String>> ranker, int... ks) {
    if (ks.length == 0) {
      throw new IllegalArgumentException("need at least one K");
    }
    double[] recall = new double[ks.length];
    double[] ndcg = new double[ks.length];
    int users = 0;
    for (Map.Entry<String, Set<String>> e : split.relevant.entrySet()) {
      List<String> top = ranker.apply(e.getKey());
      Set<String> rel = e.getValue();
      for (int j = 0; j < ks.length; j++) {
        int hits = 0;
        double dcg = 0;
        for (int r = 0; r < Math.min(ks[j], top.size()); r++) {
          if (rel.contains(top.get(r))) {
            hits++;
            dcg += 1.0 / log2(r + 2);
          }
        }
        double idcg = 0;
        for (int r = 0; r < Math.min(ks[j], rel.size()); r++) {
          idcg += 1.0 / log2(r + 2);
        }
        recall[j] += (double) hits / rel.size();
        ndcg[j] += dcg / idcg;
      }
      users++;
    }
    Map<String, Double> out = new LinkedHashMap<>();
    for (int j = 0; j < ks.length; j++) {
      out.put("recall@" + ks[j], users == 0 ? 0 : recall[j] / users);
      out.put("ndcg@" + ks[j], users == 0 ? 0 : ndcg[j] / users);
    }
    out.put("users", (double) users);
    return out;
  }

  private static int maxK(int[] ks) {
    int maxK = 0;
    for (int k : ks) {
      maxK = Math.max(maxK, k);
    }
    return maxK;
  }

  /** Indices of the k best scores, excluding {@code excluded}; ties by lower index. */
  public static int[] topK(float[] scores, Set<Integer> excluded, int k) {
    int n = 0;
    int[] heap = new int[k];
    for (int i = 0; i < scores.length; i++) {
      if (excluded != null && excluded.contains(i)) {
        continue;
      }
      if (n < k) {
        int p = n++;
        heap[p] = i;
        while (p > 0 && better(scores, heap[(p - 1) / 2], heap[p])) {
          swap(heap, p, (p - 1) / 2);
          p = (p - 1) / 2;
        }
      } else if (better(scores, i, heap[0])) {
        heap[0] = i;
        int p = 0;
        while (true) {
          int l = 2 * p + 1, r = l + 1, m = p;
          if (l < n && better(scores, heap[m], heap[l])) m = l;
          if (r < n && better(scores, heap[m], heap[r])) m = r;
          if (m == p) break;
          swap(heap, p, m);
          p = m;
        }
      }
    }
    // Min-heap of "worst first": sort descending by quality.
    Integer[] boxed = new Integer[n];
    for (int i = 0; i < n; i++) boxed[i] = heap[i];
    java.util.Arrays.sort(
        boxed, (a, b) -> better(scores, a, b) ? -1 : better(scores, b, a) ? 1 : 0);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) out[i] = boxed[i];
    return out;
  }

  /** Whether item a ranks before item b. */
  static boolean better(float[] s, int a, int b) {
    return s[a] > s[b] || (s[a] == s[b] && a < b);
  }

  private static void swap(int[] h, int a, int b) {
    int t = h[a];
    h[a] = h[b];
    h[b] = t;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
