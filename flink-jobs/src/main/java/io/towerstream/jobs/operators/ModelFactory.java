package io.towerstream.jobs.operators;

import io.towerstream.model.ModelConfig;
import io.towerstream.model.OnlineModel;
import java.io.Serializable;

/**
 * How the trainer obtains its model: fresh, or from a snapshot taken by {@link
 * OnlineModel#snapshot()}. Serializable because it travels to the task managers inside the
 * operator; tests pass a fake.
 */
public interface ModelFactory extends Serializable {
  OnlineModel create(ModelConfig config);

  OnlineModel restore(byte[] snapshot, ModelConfig config);
}
