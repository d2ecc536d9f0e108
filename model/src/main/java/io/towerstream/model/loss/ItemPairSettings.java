package io.towerstream.model.loss;

import static io.towerstream.model.settings.SettingChecks.require;

import io.towerstream.model.history.HistorySettings;
import java.io.Serializable;

/**
 * The item–item views: each of a user's latest earlier items as an anchor, the event's item its
 * positive, scored by {@link ItemPairLoss}. Checks its own values, naming the job's option for
 * each.
 *
 * @param weight the views' loss weight beside the main loss; 0 turns them off
 * @param temperature the views' softmax temperature
 * @param window how many of the latest distinct earlier items are anchors, at most the longest
 *     history a user tower pools
 */
public record ItemPairSettings(double weight, double temperature, int window)
    implements Serializable {
  public ItemPairSettings {
    require(weight >= 0 && weight <= 10, "model.item-pairs.weight", weight, "in [0, 10] (0 = off)");
    require(
        temperature > 0 && temperature <= 10,
        "model.item-pairs.temperature",
        temperature,
        "in (0, 10]");
    require(
        window >= 1 && window <= HistorySettings.MAX_LENGTH,
        "model.item-pairs.window",
        window,
        "between 1 (the latest earlier click) and " + HistorySettings.MAX_LENGTH);
  }

  /** Whether the views train at all. */
  public boolean enabled() {
    return weight > 0;
  }
}
