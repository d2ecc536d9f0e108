package io.towerstream.model.history;

import static io.towerstream.model.settings.SettingChecks.require;

import java.io.Serializable;

/**
 * Augmented views of a user's history (masked and cropped copies trained to agree). Checks its own
 * values, naming the job's option for each.
 *
 * @param views extra views per event; 0 turns them off
 * @param maskProbability the chance each history item is masked out of a view
 * @param cropFraction the share of the history a view keeps; 1 is no crop
 */
public record AugmentSettings(int views, double maskProbability, double cropFraction)
    implements Serializable {
  public AugmentSettings {
    require(views >= 0 && views <= 8, "model.augment.views", views, "between 0 (off) and 8");
    require(
        maskProbability >= 0 && maskProbability < 1,
        "model.augment.mask-probability",
        maskProbability,
        "in [0, 1)");
    require(
        cropFraction > 0 && cropFraction <= 1,
        "model.augment.crop-fraction",
        cropFraction,
        "in (0, 1] (1 = no crop)");
  }
}
