package io.towerstream.model.tower;

import static io.towerstream.model.settings.SettingChecks.require;

import java.io.Serializable;

/**
 * The shape of both towers and how their dense weights learn. Checks its own values, naming the
 * job's option for each.
 *
 * @param dim the embedding width of every id row and tower output
 * @param projection whether each tower adds a learned linear projection
 * @param mlpHidden the hidden width of each tower's residual MLP; 0 for none
 * @param learningRate Adam's rate for the towers' dense weights
 * @param initScale the scale of a new id row's random start
 */
public record TowerSettings(
    int dim, boolean projection, int mlpHidden, float learningRate, float initScale)
    implements Serializable {
  public TowerSettings {
    require(dim >= 2 && dim <= 4096, "model.dim", dim, "between 2 and 4096");
    require(learningRate > 0, "model.tower-learning-rate", learningRate, "positive");
    require(
        mlpHidden >= 0 && mlpHidden <= 4096,
        "model.tower.mlp-hidden",
        mlpHidden,
        "between 0 (no MLP) and 4096");
    require(initScale > 0, "model.init-scale", initScale, "positive");
  }
}
