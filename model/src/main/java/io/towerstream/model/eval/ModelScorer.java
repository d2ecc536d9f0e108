package io.towerstream.model.eval;

import io.towerstream.model.Interaction;
import io.towerstream.model.OnlineModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Ranks as the store does: the trained model's user·item dot product plus, when {@code withBias},
 * the item's published bias (the model's popularity prior). Items the model has no row for score
 * −∞.
 */
public final class ModelScorer implements Scorer {
  private final float[][] itemVectors;
  private final float[] bias;
  private final OnlineModel model;

  public ModelScorer(TemporalSplit split, OnlineModel model, boolean withBias) {
    this.model = model;
    int n = split.items.size();
    this.itemVectors = new float[n][];
    this.bias = new float[n];
    for (int i = 0; i < n; i++) {
      itemVectors[i] = model.itemVector(split.items.get(i));
      bias[i] = withBias ? model.itemBias(split.items.get(i)) : 0f;
    }
  }

  /**
   * Trains {@code model} single-pass on {@code events} in order, in batches of {@code batchSize}.
   */
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
      s[i] = dot + bias[i];
    }
    return s;
  }
}
