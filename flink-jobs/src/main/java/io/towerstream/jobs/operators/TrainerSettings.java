package io.towerstream.jobs.operators;

import io.towerstream.jobs.JobConfig;
import io.towerstream.model.ModelConfig;
import java.io.Serializable;

/**
 * What the trainer operator needs from the job configuration.
 *
 * @param batchMaxWaitMs a partial batch is trained this long after its first event; 0 = by count only
 * @param publishIntervalMs changed rows and a status are published this often (processing time)
 * @param modelVersion stamped on every published record
 */
public record TrainerSettings(ModelConfig model, long modelVersion, long batchMaxWaitMs, long publishIntervalMs)
    implements Serializable {

  public TrainerSettings {
    if (model == null) {
      throw new IllegalArgumentException("model config is required");
    }
    if (batchMaxWaitMs < 0 || publishIntervalMs < 1) {
      throw new IllegalArgumentException("batchMaxWaitMs must be >= 0 and publishIntervalMs >= 1");
    }
  }

  public static TrainerSettings from(JobConfig config) {
    return new TrainerSettings(config.model(), config.modelVersion(), config.batchMaxWaitMs(),
        config.publishIntervalMs());
  }
}
