package io.towerstream.model.eval;

import io.towerstream.model.Interaction;
import io.towerstream.model.OnlineModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Ranks by the trained model's user·item dot product plus an optional serving-time popularity prior
 * {@code w · log(1 + recent count)}: log-Q training removes popularity from the scores, the prior adds
 * a tunable amount back. Items the model has no row for score −∞.
 */
public final class ModelScorer implements Scorer {
  private final float[][] itemVectors;
  private final float[] prior;
  private final OnlineModel model;
  private final TemporalSplit split;
  private final float historyWeight;

  public ModelScorer(TemporalSplit split, OnlineModel model, float[] recentCounts, float priorWeight) {
    this(split, model, recentCounts, priorWeight, 0f);
  }

  /**
   * With {@code historyWeight} h &gt; 0 the user side is {@code (1−h)·u + h·mean(v_i over the user's
   * training items)}: a serving-time stand-in for a history-pooling user tower (the towers are not trained
   * that way), to measure how much the pooled history carries.
   */
  public ModelScorer(TemporalSplit split, OnlineModel model, float[] recentCounts, float priorWeight,
      float historyWeight) {
    this.model = model;
    this.split = split;
    this.historyWeight = historyWeight;
    int n = split.items.size();
    this.itemVectors = new float[n][];
    this.prior = new float[n];
    for (int i = 0; i < n; i++) {
      itemVectors[i] = model.itemVector(split.items.get(i));
      prior[i] = recentCounts == null ? 0f : priorWeight * (float) Math.log1p(recentCounts[i]);
    }
  }

  /** Trains {@code model} single-pass on {@code events} in order, in batches of {@code batchSize}. */
  public static void trainSinglePass(OnlineModel model, List<Interaction> events, int batchSize) {
    List<Interaction> batch = new ArrayList<>(batchSize);
    for (Interaction e : events) {
      batch.add(e);
      if (batch.size() == batchSize) {
        model.train(batch);
        batch = new ArrayList<>(batchSize);
      }
    }
    if (!batch.isEmpty()) {
      model.train(batch);
    }
  }

  @Override
  public float[] scores(String userId) {
    float[] u = model.userVector(userId);
    if (u != null && historyWeight > 0) {
      float[] pooled = new float[u.length];
      int n = 0;
      for (int i : split.trainItems.getOrDefault(userId, java.util.Set.of())) {
        if (itemVectors[i] != null) {
          for (int k = 0; k < u.length; k++) {
            pooled[k] += itemVectors[i][k];
          }
          n++;
        }
      }
      for (int k = 0; k < u.length && n > 0; k++) {
        u[k] = (1 - historyWeight) * u[k] + historyWeight * pooled[k] / n;
      }
    }
    float[] s = new float[itemVectors.length];
    for (int i = 0; i < s.length; i++) {
      float[] v = itemVectors[i];
      if (u == null || v == null) {
        s[i] = Float.NEGATIVE_INFINITY;
        continue;
      }
      float dot = 0;
      for (int k = 0; k < u.length; k++) {
        dot += u[k] * v[k];
      }
      s[i] = dot + prior[i];
    }
    return s;
  }
}
