package io.towerstream.model.twotower;

import io.towerstream.model.LossSettings;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.loss.SigmoidPairwiseLoss;
import io.towerstream.model.optim.Adam;
import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;

/**
 * The model's learned scalars: the logit scale {@code log(1/τ)} (CLIP learns it in log space, so it
 * stays positive, and clamps it: here τ ∈ [{@link ModelConfig#MIN_LEARNED_TEMPERATURE}, {@link
 * ModelConfig#MAX_LEARNED_TEMPERATURE}]) and SigLIP's logit bias. Each has its own Adam at the
 * tower learning rate: they are dense parameters that every step moves, like the projections.
 */
final class LearnedScalars {
  private static final double MIN_LOG_SCALE = -Math.log(ModelConfig.MAX_LEARNED_TEMPERATURE);
  private static final double MAX_LOG_SCALE = -Math.log(ModelConfig.MIN_LEARNED_TEMPERATURE);

  /** Floats of {@link #values()}: the log scale, then the sigmoid bias. */
  static final int SIZE = 2;

  private final LossSettings loss;
  private final float learningRate;
  private final float[] logScale = new float[1];
  private final float[] sigmoidBias = new float[1];
  private Adam logScaleAdam = new Adam(1);
  private Adam biasAdam = new Adam(1);

  /** Whether {@link #logScale} was learned, as opposed to set from the config. */
  private boolean scaleLearned;

  /** The log scale when every item's served bias (τ·b) was last marked for republishing. */
  private float publishedLogScale;

  /**
   * @param loss the loss, its temperature and whether that is learned
   * @param learningRate the towers' learning rate, which both Adams use
   */
  LearnedScalars(LossSettings loss, float learningRate) {
    this.loss = loss;
    this.learningRate = learningRate;
    this.logScale[0] = (float) -Math.log(loss.temperature());
    this.sigmoidBias[0] = (float) SigmoidPairwiseLoss.INITIAL_BIAS;
    this.scaleLearned = loss.learnedTemperature();
    this.publishedLogScale = logScale[0];
  }

  /** The learned values, {@code [log(1/τ), sigmoid bias]}, a copy. */
  float[] values() {
    return new float[] {logScale[0], sigmoidBias[0]};
  }

  /**
   * Adds another replica's change of {@link #values()}; the log scale stays clamped. Mutates this.
   */
  void add(float[] delta) {
    logScale[0] = (float) Math.min(MAX_LOG_SCALE, Math.max(MIN_LOG_SCALE, logScale[0] + delta[0]));
    sigmoidBias[0] += delta[1];
  }

  /**
   * Whether τ moved by more than {@code tolerance} (relative) since this last returned true.
   * Republishing every item whenever a learned τ moves would send the whole catalogue each
   * interval; a served τ·b off by at most the tolerance does not change rankings much and costs
   * nothing. Mutates this when true.
   */
  boolean temperatureMovedBeyond(double tolerance) {
    if (Math.abs(logScale[0] - publishedLogScale) <= Math.log1p(tolerance)) {
      return false;
    }
    publishedLogScale = logScale[0];
    return true;
  }

  /** The temperature of the next step: learned, or the configured one. */
  double temperature() {
    return loss.learnedTemperature() ? Math.exp(-logScale[0]) : loss.temperature();
  }

  double sigmoidBias() {
    return sigmoidBias[0];
  }

  /**
   * Applies one step with gradients {@code scale · d}; only the learned scalars move. Mutates this.
   */
  void update(double dLogScale, double dBias, float scale) {
    if (loss.learnedTemperature()) {
      logScaleAdam.apply(logScale, new float[] {(float) dLogScale}, scale, learningRate);
      logScale[0] = (float) Math.min(MAX_LOG_SCALE, Math.max(MIN_LOG_SCALE, logScale[0]));
    }
    if (loss.loss() == ModelConfig.Loss.SIGLIP) {
      biasAdam.apply(sigmoidBias, new float[] {(float) dBias}, scale, learningRate);
    }
  }

  void writeTo(SnapshotWriter out) {
    out.writeBoolean(scaleLearned)
        .writeFloat(logScale[0])
        .writeFloat(publishedLogScale)
        .writeFloat(sigmoidBias[0]);
    logScaleAdam.writeTo(out);
    biasAdam.writeTo(out);
  }

  /**
   * Reads what {@link #writeTo} wrote. A scale the snapshot did not learn is taken from {@code
   * loss}, so turning the learned temperature on at a restore starts from the configured τ.
   */
  static LearnedScalars readFrom(SnapshotReader in, LossSettings loss, float learningRate) {
    LearnedScalars s = new LearnedScalars(loss, learningRate);
    boolean learned = in.readBoolean();
    float logScale = in.readFloat();
    float published = in.readFloat();
    s.sigmoidBias[0] = in.readFloat();
    Adam scaleAdam = Adam.readFrom(in, 1);
    s.biasAdam = Adam.readFrom(in, 1);
    if (learned && loss.learnedTemperature()) {
      s.logScale[0] = logScale;
      s.publishedLogScale = published;
      s.logScaleAdam = scaleAdam;
    }
    return s;
  }
}
