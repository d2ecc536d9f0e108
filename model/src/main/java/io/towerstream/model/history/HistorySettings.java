package io.towerstream.model.history;

import static io.towerstream.model.settings.SettingChecks.require;

import java.io.Serializable;

/**
 * The user tower's history: how many of a user's recent items it pools, and how it weights them.
 * Checks its own values, naming the job's option for each.
 *
 * @param length the most recent items pooled; 0 makes the user tower id-only
 * @param recencyDecay γ: the weights start at (or, unlearned, stay at) {@code γ^age}; 1 is the
 *     plain mean
 * @param idWeight the share of the user's own id row beside the pooled history
 * @param recencyLearningRate Adam's rate for the learned weights; 0 keeps {@code γ^age}
 */
public record HistorySettings(
    int length, double recencyDecay, double idWeight, double recencyLearningRate)
    implements Serializable {
  /** The longest history a user tower pools. */
  public static final int MAX_LENGTH = 10_000;

  public HistorySettings {
    require(
        length >= 0 && length <= MAX_LENGTH,
        "model.history.length",
        length,
        "between 0 (id-only user tower) and " + MAX_LENGTH);
    require(
        recencyDecay > 0 && recencyDecay <= 1,
        "model.history.recency-decay",
        recencyDecay,
        "in (0, 1] (1 = the plain mean)");
    require(
        recencyLearningRate >= 0 && recencyLearningRate <= 1,
        "model.history.recency-learning-rate",
        recencyLearningRate,
        "in [0, 1] (0 = the weights stay fixed)");
    require(idWeight > 0 && idWeight <= 1, "model.history.id-weight", idWeight, "in (0, 1]");
  }

  /** Whether the weights are learned from the stream: a positive rate and a history to weigh. */
  public boolean learnsRecency() {
    return recencyLearningRate > 0 && length > 0;
  }
}
