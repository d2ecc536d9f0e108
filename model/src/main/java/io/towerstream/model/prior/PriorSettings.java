package io.towerstream.model.prior;

import static io.towerstream.model.settings.SettingChecks.require;

import java.io.Serializable;

/**
 * What the served score adds to the towers' dot product: a learned per-item bias and a popularity
 * prior whose weight the tuner learns from the stream. Checks its own values, naming the job's
 * option for each.
 *
 * @param itemBias whether each item learns a bias
 * @param weight the popularity prior's weight (its starting weight when tuned); 0 is off
 * @param halfLifeEvents the prior's popularity counts halve over this many events
 * @param tuningInterval batches between the tuner's decisions; 0 keeps the weight fixed
 */
public record PriorSettings(
    boolean itemBias, float weight, double halfLifeEvents, int tuningInterval)
    implements Serializable {
  public PriorSettings {
    require(weight >= 0 && weight <= 100, "model.prior.weight", weight, "in [0, 100] (0 = off)");
    require(halfLifeEvents >= 1, "model.prior.half-life-events", halfLifeEvents, "at least 1");
    require(
        tuningInterval >= 0 && tuningInterval <= 1_000_000,
        "model.prior.tuning-interval",
        tuningInterval,
        "between 0 (weight fixed) and 1000000 batches");
    float largest = PriorWeightTuner.GRID[PriorWeightTuner.GRID.length - 1];
    require(
        tuningInterval == 0 || weight <= largest,
        "model.prior.weight",
        weight,
        "at most " + largest + " when it is tuned (the largest weight tried)");
  }

  /** Whether the tuner moves the weight. */
  public boolean tuned() {
    return tuningInterval > 0;
  }
}
