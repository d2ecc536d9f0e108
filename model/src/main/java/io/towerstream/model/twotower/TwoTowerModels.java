package io.towerstream.model.twotower;

import io.towerstream.model.ModelConfig;
import io.towerstream.model.OnlineModel;

/** Creates and restores {@link OnlineModel}s; the only entry point the Flink operator needs. */
public final class TwoTowerModels {
  private TwoTowerModels() {}

  /**
   * A fresh model: empty tables, identity projections (when enabled), seeded from {@code
   * config.seed()}.
   */
  public static OnlineModel create(ModelConfig config) {
    return new TwoTowerModel(config);
  }

  /**
   * A model restored from {@link OnlineModel#snapshot()} bytes; training it further gives
   * bit-identical results to the model that wrote the snapshot. Hyper-parameters other than the
   * dimension and the tower projection setting come from {@code config} and may differ from the
   * writer's.
   *
   * @throws IllegalArgumentException when the snapshot's dim differs from {@code config.dim()}, its
   *     format version is unknown, or it is not a (complete, uncorrupted) model snapshot
   */
  public static OnlineModel restore(byte[] snapshot, ModelConfig config) {
    return TwoTowerModel.restore(snapshot, config);
  }
}
