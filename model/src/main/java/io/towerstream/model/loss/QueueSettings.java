package io.towerstream.model.loss;

import static io.towerstream.model.settings.SettingChecks.require;

import java.io.Serializable;

/**
 * The momentum queue of earlier batches' item vectors, used as extra negatives (MoCo's idea).
 * Checks its own values, naming the job's option for each.
 *
 * @param size item vectors the queue holds; 0 turns it off
 * @param momentum the momentum encoder's rate, in [0, 1)
 */
public record QueueSettings(int size, double momentum) implements Serializable {
  public QueueSettings {
    require(
        size >= 0 && size <= 1_000_000, "model.queue.size", size, "between 0 (off) and 1000000");
    require(momentum >= 0 && momentum < 1, "model.queue.momentum", momentum, "in [0, 1)");
  }
}
