package io.towerstream.jobs.operators;

import io.towerstream.model.ModelConfig;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.twotower.TwoTowerModels;

/**
 * The production model: {@link TwoTowerModels}, the ND4J two-tower model of the {@code model}
 * module.
 */
public final class TwoTowerModelFactory implements ModelFactory {
  private static final long serialVersionUID = 1L;

  @Override
  public OnlineModel create(ModelConfig config) {
    return TwoTowerModels.create(config);
  }

  @Override
  public OnlineModel restore(byte[] snapshot, ModelConfig config) {
    return TwoTowerModels.restore(snapshot, config);
  }
}
