package io.towerstream.model;

import static io.towerstream.model.settings.SettingChecks.require;

import java.io.Serializable;

/**
 * Experience replay: earlier positives trained again after each batch. Checks its own values,
 * naming the job's option for each. In the model's root package because the replay buffer's own
 * package reads the root's click type.
 *
 * @param ratio replayed positives per new one; 0 turns replay off
 * @param capacity the recent positives the buffer keeps to draw from
 */
public record ReplaySettings(double ratio, int capacity) implements Serializable {
  public ReplaySettings {
    require(ratio >= 0 && ratio <= 16, "model.replay.ratio", ratio, "in [0, 16] (0 = off)");
    require(
        capacity >= 1 && capacity <= 10_000_000,
        "model.replay.capacity",
        capacity,
        "between 1 and 10000000 events");
  }

  /** Whether anything is replayed. */
  public boolean enabled() {
    return ratio > 0;
  }
}
