package io.towerstream.model.eval;

import io.towerstream.model.Interaction;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.nd.NdArrays;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Prequential (test-then-train) evaluation: before a batch trains, each of its events is scored with the
 * state from before the batch: the rank of the clicked item among all items known so far (seen in earlier
 * batches), the user's earlier items excluded. Scored alike: the model as served ({@link #TOWERSTREAM}: dot
 * product plus the item's bias), the model without its prior, popularity so far and popularity over the
 * last {@code popWindow} events. An unknown user (for the model) or unknown item is a miss for that scorer.
 *
 * <p>To bound cost on a live stream, only a fixed cohort of users is scored: a user is in it when a hash of
 * their id falls below {@code userSampleRate}, so every event of a cohort user counts and memory (the seen
 * items kept for exclusion) grows with the cohort only. The item vectors are computed once per scored batch.
 * Not thread-safe.
 */
public final class PrequentialEvaluator {
  public static final String TOWERSTREAM = "towerstream";
  public static final String TOWERSTREAM_NO_PRIOR = "towerstreamNoPrior";
  public static final String POPULARITY = "popularity";
  public static final String RECENT_POPULARITY = "recentPopularity";

  private final int popWindow;
  private final double userSampleRate;
  private final Map<String, PrequentialMetrics> metrics = new LinkedHashMap<>();
  private final Map<String, Integer> itemIndex = new HashMap<>();
  private final List<String> items = new ArrayList<>();
  private final Map<String, Set<Integer>> seen = new HashMap<>();
  private float[] allCounts = new float[16];
  private float[] windowCounts = new float[16];
  private final ArrayDeque<Integer> recent = new ArrayDeque<>();

  /** Every user scored. */
  public PrequentialEvaluator(int metricWindow, int popWindow) {
    this(metricWindow, popWindow, 1.0);
  }

  /**
   * @param metricWindow events in the sliding window of {@link PrequentialMetrics#windowed()}
   * @param popWindow events counted by the recent-popularity baseline
   * @param userSampleRate share of users scored, in (0, 1]
   */
  public PrequentialEvaluator(int metricWindow, int popWindow, double userSampleRate) {
    if (popWindow < 1 || !(userSampleRate > 0 && userSampleRate <= 1)) {
      throw new IllegalArgumentException("popularity window must be positive and user sample rate in (0, 1], were "
          + popWindow + ", " + userSampleRate);
    }
    this.popWindow = popWindow;
    this.userSampleRate = userSampleRate;
    for (String name : List.of(TOWERSTREAM, TOWERSTREAM_NO_PRIOR, POPULARITY, RECENT_POPULARITY)) {
      metrics.put(name, new PrequentialMetrics(metricWindow));
    }
  }

  /** Scores {@code batch} against {@code model}'s current state, then trains the model on it. */
  public void scoreThenTrain(OnlineModel model, List<Interaction> batch) {
    score(model, batch);
    model.train(batch);
    observe(batch);
  }

  /** Metrics by scorer name ({@link #TOWERSTREAM}, …), live views. */
  public Map<String, PrequentialMetrics> metrics() {
    return metrics;
  }

  /** Scores the cohort's events of {@code batch}; call {@link #observe} after the model trained on it. */
  public void score(OnlineModel model, List<Interaction> batch) {
    List<Interaction> cohort = new ArrayList<>();
    for (Interaction e : batch) {
      if (inCohort(e.userId())) {
        cohort.add(e);
      }
    }
    if (cohort.isEmpty()) {
      return;
    }
    int n = items.size();
    float[][] dots = dotProducts(model, cohort, n);
    float[] bias = new float[n];
    for (int j = 0; j < n; j++) {
      bias[j] = model.itemBias(items.get(j));
    }
    float[] pop = Arrays.copyOf(allCounts, n);
    float[] win = Arrays.copyOf(windowCounts, n);
    Map<String, Set<Integer>> seenInBatch = new HashMap<>();
    for (int b = 0; b < cohort.size(); b++) {
      Interaction e = cohort.get(b);
      Integer target = itemIndex.get(e.itemId());
      if (target == null) {
        metrics.values().forEach(m -> m.record(-1));
        continue;
      }
      Set<Integer> excluded = excludedFor(e.userId(), seenInBatch);
      float[] s = dots[b];
      metrics.get(TOWERSTREAM_NO_PRIOR).record(s == null ? -1 : PrequentialMetrics.rankOf(s, target, excluded));
      if (s != null) {
        float[] served = s.clone();
        for (int j = 0; j < n; j++) {
          served[j] += bias[j];
        }
        metrics.get(TOWERSTREAM).record(PrequentialMetrics.rankOf(served, target, excluded));
      } else {
        metrics.get(TOWERSTREAM).record(-1);
      }
      metrics.get(POPULARITY).record(PrequentialMetrics.rankOf(pop, target, excluded));
      metrics.get(RECENT_POPULARITY).record(PrequentialMetrics.rankOf(win, target, excluded));
      // the user's items so far plus this batch's, built once per user per batch
      seenInBatch.computeIfAbsent(e.userId(), u -> {
        Set<Integer> past = seen.get(u);
        return past == null ? new HashSet<>() : new HashSet<>(past);
      }).add(target);
    }
  }

  /** Counts {@code batch} into the known items, the baselines and the cohort's seen items. */
  public void observe(List<Interaction> batch) {
    for (Interaction e : batch) {
      Integer ix = itemIndex.get(e.itemId());
      if (ix == null) {
        ix = items.size();
        itemIndex.put(e.itemId(), ix);
        items.add(e.itemId());
        if (ix >= allCounts.length) {
          allCounts = Arrays.copyOf(allCounts, allCounts.length * 2);
          windowCounts = Arrays.copyOf(windowCounts, allCounts.length);
        }
      }
      if (inCohort(e.userId())) {
        seen.computeIfAbsent(e.userId(), u -> new HashSet<>()).add(ix);
      }
      allCounts[ix] += 1;
      windowCounts[ix] += 1;
      recent.addLast(ix);
      if (recent.size() > popWindow) {
        windowCounts[recent.removeFirst()] -= 1;
      }
    }
  }

  private boolean inCohort(String userId) {
    if (userSampleRate >= 1) {
      return true;
    }
    long h = userId.hashCode() * 0x9E3779B97F4A7C15L; // spread String.hashCode's low-entropy bits
    return ((h >>> 11) * 0x1.0p-53) < userSampleRate;
  }

  private Set<Integer> excludedFor(String user, Map<String, Set<Integer>> seenInBatch) {
    Set<Integer> now = seenInBatch.get(user); // already holds the user's earlier items too
    return now != null ? now : seen.get(user);
  }

  /** One row of user·item dot products per event (null when the user has no vector), from one gemm. */
  private float[][] dotProducts(OnlineModel model, List<Interaction> events, int n) {
    float[][] out = new float[events.size()][];
    if (n == 0) {
      return out;
    }
    Map<String, Integer> userRow = new LinkedHashMap<>();
    for (Interaction e : events) {
      userRow.putIfAbsent(e.userId(), userRow.size());
    }
    List<String> users = new ArrayList<>(userRow.keySet());
    float[] um = model.userVectors(users);
    int d = um.length / users.size();
    INDArray userMatrix = NdArrays.floatMatrix(um, users.size(), d);
    INDArray itemMatrix = NdArrays.floatMatrix(model.itemVectors(items), n, d);
    float[][] rows = userMatrix.mmul(itemMatrix.transpose()).toFloatMatrix();
    for (int b = 0; b < events.size(); b++) {
      int r = userRow.get(events.get(b).userId());
      out[b] = isZero(um, r * d, d) ? null : rows[r]; // a zero row: the model has no such user
    }
    return out;
  }

  private static boolean isZero(float[] v, int off, int len) {
    for (int k = off; k < off + len; k++) {
      if (v[k] != 0f) {
        return false;
      }
    }
    return true;
  }
}
