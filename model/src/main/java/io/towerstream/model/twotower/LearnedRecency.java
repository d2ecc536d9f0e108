package io.towerstream.model.twotower;

import io.towerstream.model.history.HistorySettings;
import io.towerstream.model.history.RecencyWeights;
import io.towerstream.model.optim.Adam;
import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;

/**
 * The user tower's history weights learned from the stream: one logit per age, the weights of a
 * history of {@code n} the softmax of the first {@code n} ({@link RecencyWeights#ofLogits}),
 * starting at the shape of {@code model.history.recency-decay} and moved by Adam at {@code
 * model.history.recency-learning-rate}. How much the last click says about the next one is a
 * property of the stream: a catalogue whose next click follows the previous one wants the newest
 * items weighted high, a stable taste the plain mean. Dense like the learned scalars: every step
 * moves them, and replicas exchange their changes.
 *
 * <p>Softmax weights do not change when every logit moves alike, so the logits are centred after
 * each change (their mean 0) and bounded, keeping them where floats are exact.
 */
final class LearnedRecency {
  /** Bound of a centred logit: e^−60 is zero beside any other weight, so nothing is lost. */
  private static final float MAX_LOGIT = 30f;

  private final float idWeight;
  private final float learningRate;
  private final float[] logits;
  private Adam adam;
  private RecencyWeights weights;

  private LearnedRecency(HistorySettings h) {
    this.idWeight = (float) h.idWeight();
    this.learningRate = (float) h.recencyLearningRate();
    this.logits = RecencyWeights.logitsOf(h.length(), h.recencyDecay());
    this.adam = new Adam(logits.length);
    settle();
  }

  /** Learned weights for {@code h}, or null when they are fixed (rate 0, or no history). */
  static LearnedRecency of(HistorySettings h) {
    return h.learnsRecency() ? new LearnedRecency(h) : null;
  }

  /** The current weights; immutable, replaced by each change. */
  RecencyWeights weights() {
    return weights;
  }

  /** The number of logits, one per age up to the history length. */
  int ages() {
    return logits.length;
  }

  /** Applies one Adam step with gradient {@code scale · grad}. Mutates this. */
  void update(float[] grad, float scale) {
    adam.apply(logits, grad, scale, learningRate);
    settle();
  }

  /** The logits, a copy: the values replicas exchange changes of. */
  float[] values() {
    return logits.clone();
  }

  /** Adds another replica's change of {@link #values()}. Mutates this. */
  void add(float[] delta) {
    if (delta.length != logits.length) {
      throw new IllegalArgumentException(
          "recency delta of " + delta.length + " ages, this model has " + logits.length);
    }
    for (int age = 0; age < logits.length; age++) {
      logits[age] += delta[age];
    }
    settle();
  }

  private void settle() {
    double mean = 0;
    for (float v : logits) {
      mean += v;
    }
    mean /= logits.length;
    for (int age = 0; age < logits.length; age++) {
      float v = (float) (logits[age] - mean);
      logits[age] = Math.max(-MAX_LOGIT, Math.min(MAX_LOGIT, v));
    }
    weights = RecencyWeights.ofLogits(logits, idWeight);
  }

  void writeTo(SnapshotWriter out) {
    out.writeInt(logits.length).writeFloats(logits, 0, logits.length);
    adam.writeTo(out);
  }

  /**
   * Reads what {@link #writeTo} wrote. Null when {@code h} does not learn the weights; fresh from
   * {@code h} when its history length differs from the snapshot's (the ages no longer match).
   */
  static LearnedRecency readFrom(SnapshotReader in, HistorySettings h) {
    int ages = in.readInt();
    SnapshotReader.check(ages > 0 && ages <= HistorySettings.MAX_LENGTH, "bad recency ages");
    float[] saved = new float[ages];
    in.readFloats(saved, 0, ages);
    Adam savedAdam = Adam.readFrom(in, ages);
    LearnedRecency r = of(h);
    if (r != null && ages == r.logits.length) {
      for (float v : saved) {
        SnapshotReader.check(Float.isFinite(v), "recency logit is not finite");
      }
      System.arraycopy(saved, 0, r.logits, 0, ages);
      r.adam = savedAdam;
      r.weights = RecencyWeights.ofLogits(r.logits, r.idWeight); // as saved: centred already
    }
    return r;
  }
}
