package io.towerstream.model.twotower;

import io.towerstream.model.loss.ContrastiveLoss;
import io.towerstream.model.loss.SimSiamLoss;
import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import io.towerstream.model.tower.Projection;

/** SimSiam's {@code d × d} predictor: a projection that starts as the identity, with Adam. */
final class PredictorHead implements LossHead {
  static final String KIND = "simsiam-predictor";

  private final Projection predictor;

  PredictorHead(int dim) {
    this(new Projection(dim));
  }

  private PredictorHead(Projection predictor) {
    this.predictor = predictor;
  }

  @Override
  public ContrastiveLoss loss() {
    return new SimSiamLoss(predictor.matrix());
  }

  @Override
  public void update(float[] gradient, float[] statistics, float scale, float learningRate) {
    predictor.update(gradient, scale, learningRate);
  }

  @Override
  public float[] values() {
    return predictor.weights();
  }

  @Override
  public void add(float[] delta) {
    predictor.add(delta);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public void writeBody(SnapshotWriter out) {
    predictor.writeTo(out);
  }

  static PredictorHead readBody(SnapshotReader in, int dim) {
    return new PredictorHead(Projection.readFrom(in, dim));
  }
}
