package io.towerstream.model.eval;

import io.towerstream.model.Interaction;
import io.towerstream.model.OnlineModel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Prequential (test-then-train) evaluation: before each batch trains, every event of the batch is scored
 * with the state from before the batch: the rank of the clicked item among all items known so far (seen in
 * earlier batches), the user's earlier items excluded. Scored alike: the model (one ND4J gemm per batch),
 * the model plus a popularity prior, popularity so far and popularity over the last {@code popWindow}
 * events. An unknown user (for the model) or unknown item is a miss for that scorer.
 */
public final class PrequentialEvaluator {
  private final int popWindow;
  private final float priorWeight;
  private final Map<String, PrequentialMetrics> metrics = new LinkedHashMap<>();
  private final Map<String, Integer> itemIndex = new HashMap<>();
  private final List<String> items = new ArrayList<>();
  private final Map<String, Set<Integer>> history = new HashMap<>();
  private float[] allCounts = new float[0];
  private float[] windowCounts = new float[0];
  private final ArrayDeque<Integer> recent = new ArrayDeque<>();

  public PrequentialEvaluator(int metricWindow, int popWindow, float priorWeight) {
    this.popWindow = popWindow;
    this.priorWeight = priorWeight;
    for (String name : List.of("model", "model+prior", "popularity", "windowedPopularity")) {
      metrics.put(name, new PrequentialMetrics(metricWindow));
    }
  }

  /** Scores {@code batch} against {@code model}'s current state, then trains the model on it. */
  public void scoreThenTrain(OnlineModel model, List<Interaction> batch) {
    score(model, batch);
    model.train(batch);
    observe(batch);
  }

  public Map<String, PrequentialMetrics> metrics() {
    return metrics;
  }

  private void score(OnlineModel model, List<Interaction> batch) {
    int n = items.size();
    float[][] scoresModel = modelScores(model, batch, n);
    float[] prior = new float[n];
    for (int j = 0; j < n; j++) {
      prior[j] = priorWeight * (float) Math.log1p(windowCounts[j]);
    }
    float[] pop = java.util.Arrays.copyOf(allCounts, n);
    float[] win = java.util.Arrays.copyOf(windowCounts, n);
    Map<String, Set<Integer>> seenInBatch = new HashMap<>();
    for (int b = 0; b < batch.size(); b++) {
      Interaction e = batch.get(b);
      Integer target = itemIndex.get(e.itemId());
      Set<Integer> excluded = excludedFor(e.userId(), seenInBatch);
      if (target == null) {
        metrics.values().forEach(m -> m.record(-1));
      } else {
        float[] s = scoresModel[b];
        metrics.get("model").record(s == null ? -1 : PrequentialMetrics.rankOf(s, target, excluded));
        if (s != null) {
          float[] sp = s.clone();
          for (int j = 0; j < n; j++) {
            sp[j] += prior[j];
          }
          metrics.get("model+prior").record(PrequentialMetrics.rankOf(sp, target, excluded));
        } else {
          metrics.get("model+prior").record(-1);
        }
        metrics.get("popularity").record(PrequentialMetrics.rankOf(pop, target, excluded));
        metrics.get("windowedPopularity").record(PrequentialMetrics.rankOf(win, target, excluded));
        seenInBatch.computeIfAbsent(e.userId(), u -> new HashSet<>()).add(target);
      }
    }
  }

  private Set<Integer> excludedFor(String user, Map<String, Set<Integer>> seenInBatch) {
    Set<Integer> past = history.get(user);
    Set<Integer> now = seenInBatch.get(user);
    if (now == null) {
      return past;
    }
    Set<Integer> both = new HashSet<>(now);
    if (past != null) {
      both.addAll(past);
    }
    return both;
  }

  /** One row of model scores per event (null when the user has no vector), from one gemm. */
  private float[][] modelScores(OnlineModel model, List<Interaction> batch, int n) {
    float[][] out = new float[batch.size()][];
    if (n == 0) {
      return out;
    }
    Map<String, float[]> userVectors = new HashMap<>();
    for (Interaction e : batch) {
      userVectors.computeIfAbsent(e.userId(), model::userVector);
    }
    List<String> users = new ArrayList<>();
    for (Map.Entry<String, float[]> u : userVectors.entrySet()) {
      if (u.getValue() != null) {
        users.add(u.getKey());
      }
    }
    if (users.isEmpty()) {
      return out;
    }
    int d = userVectors.get(users.get(0)).length;
    float[][] um = new float[users.size()][];
    for (int i = 0; i < um.length; i++) {
      um[i] = userVectors.get(users.get(i));
    }
    float[][] vm = new float[n][];
    for (int j = 0; j < n; j++) {
      float[] v = model.itemVector(items.get(j));
      vm[j] = v == null ? new float[d] : v;
    }
    INDArray s = Nd4j.createFromArray(um).mmul(Nd4j.createFromArray(vm).transpose());
    float[][] rows = s.toFloatMatrix();
    Map<String, float[]> byUser = new HashMap<>();
    for (int i = 0; i < users.size(); i++) {
      byUser.put(users.get(i), rows[i]);
    }
    for (int b = 0; b < batch.size(); b++) {
      out[b] = byUser.get(batch.get(b).userId());
    }
    return out;
  }

  private void observe(List<Interaction> batch) {
    for (Interaction e : batch) {
      Integer ix = itemIndex.get(e.itemId());
      if (ix == null) {
        ix = items.size();
        itemIndex.put(e.itemId(), ix);
        items.add(e.itemId());
        if (ix >= allCounts.length) {
          allCounts = java.util.Arrays.copyOf(allCounts, Math.max(16, allCounts.length * 2));
          windowCounts = java.util.Arrays.copyOf(windowCounts, allCounts.length);
        }
      }
      history.computeIfAbsent(e.userId(), u -> new HashSet<>()).add(ix);
      allCounts[ix] += 1;
      windowCounts[ix] += 1;
      recent.addLast(ix);
      if (recent.size() > popWindow) {
        windowCounts[recent.removeFirst()] -= 1;
      }
    }
  }
}
