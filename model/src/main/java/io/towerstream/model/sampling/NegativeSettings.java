package io.towerstream.model.sampling;

import static io.towerstream.model.settings.SettingChecks.require;

import java.io.Serializable;

/**
 * Where a step's extra negatives come from and how their sampling is corrected: the reservoir of
 * recently seen items and the streaming frequency estimate behind log-Q. Checks its own values,
 * naming the job's option for each.
 *
 * @param reservoirCapacity items the reservoir holds, least recently seen evicted first
 * @param reservoirNegatives negatives drawn from it per step, beside the in-batch ones; 0 for none
 * @param reservoirAlpha the draw's popularity exponent: 0 uniform over items, 1 proportional
 * @param frequencyDecay the streaming frequency estimate's step, in (0, 1]
 * @param logQCorrection whether each candidate's logit is corrected by its sampling probability
 */
public record NegativeSettings(
    int reservoirCapacity,
    int reservoirNegatives,
    double reservoirAlpha,
    double frequencyDecay,
    boolean logQCorrection)
    implements Serializable {
  public NegativeSettings {
    require(reservoirCapacity >= 0, "model.reservoir.capacity", reservoirCapacity, "non-negative");
    require(
        reservoirNegatives >= 0, "model.reservoir.negatives", reservoirNegatives, "non-negative");
    require(
        reservoirNegatives == 0 || reservoirCapacity > 0,
        "model.reservoir.capacity",
        reservoirCapacity,
        "positive when reservoir negatives are drawn");
    require(
        reservoirAlpha >= 0 && reservoirAlpha <= 1,
        "model.reservoir.alpha",
        reservoirAlpha,
        "in [0, 1] (0 = uniform over items, 1 = popularity-proportional)");
    require(
        frequencyDecay > 0 && frequencyDecay <= 1,
        "model.frequency.decay",
        frequencyDecay,
        "in (0, 1]");
  }

  /** A fresh reservoir of this capacity and exponent. */
  public NegativeReservoir newReservoir() {
    return new NegativeReservoir(reservoirCapacity, reservoirAlpha);
  }

  /** A fresh frequency estimate at this decay. */
  public FrequencyEstimator newFrequencyEstimator() {
    return new FrequencyEstimator(frequencyDecay);
  }
}
