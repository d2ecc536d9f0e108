package io.towerstream.jobs.operators;

import io.towerstream.model.ModelConfig;
import java.io.Serializable;

/**
 * What the trainer operator needs from the job configuration.
 *
 * @param batchMaxWaitMs a partial batch is trained this long after its first event; 0 = by count
 *     only
 * @param publishIntervalMs changed rows and a status are published this often (processing time)
 * @param modelVersion stamped on every published record
 * @param prequentialSampleRate share of users whose events are scored test-then-train; 0 = off
 * @param prequentialWindow scored events in the sliding window of the published metrics
 * @param prequentialPopularityWindow events counted by the recent-popularity baseline
 * @param syncIntervalMs how often a subtask sends its replica's changes to the others (with more
 *     than one)
 * @param prequentialBudget most scoring time as a share of training time; 0 = unlimited
 * @param itemRefreshMs items not clicked since the last publish go out at most this often; 0 =
 *     every publish
 * @param prequentialFromTimeMs events earlier than this event time (epoch ms) are not scored, only
 *     counted; 0 = every event scored
 */
public record TrainerSettings(
    ModelConfig model,
    long modelVersion,
    long batchMaxWaitMs,
    long publishIntervalMs,
    double prequentialSampleRate,
    int prequentialWindow,
    int prequentialPopularityWindow,
    long syncIntervalMs,
    double prequentialBudget,
    long itemRefreshMs,
    long prequentialFromTimeMs)
    implements Serializable {
  /** The default of {@code sync.interval-ms}. */
  public static final long DEFAULT_SYNC_INTERVAL_MS = 200;

  public TrainerSettings {
    if (model == null) {
      throw new IllegalArgumentException("model config is required");
    }
    if (batchMaxWaitMs < 0 || publishIntervalMs < 1 || syncIntervalMs < 1 || itemRefreshMs < 0) {
      throw new IllegalArgumentException(
          "batchMaxWaitMs must be >= 0, publishIntervalMs and syncIntervalMs >= 1");
    }
    if (!(prequentialSampleRate >= 0 && prequentialSampleRate <= 1)
        || prequentialWindow < 1
        || prequentialPopularityWindow < 1
        || !(prequentialBudget >= 0)
        || prequentialFromTimeMs < 0) {
      throw new IllegalArgumentException(
          "prequential sample rate must be in [0, 1] and its windows positive");
    }
  }

  /** Settings without prequential evaluation. */
  public TrainerSettings(
      ModelConfig model, long modelVersion, long batchMaxWaitMs, long publishIntervalMs) {
    this(
        model,
        modelVersion,
        batchMaxWaitMs,
        publishIntervalMs,
        0,
        1,
        1,
        DEFAULT_SYNC_INTERVAL_MS,
        0,
        0,
        0);
  }

  public boolean prequentialEnabled() {
    return prequentialSampleRate > 0;
  }
}
