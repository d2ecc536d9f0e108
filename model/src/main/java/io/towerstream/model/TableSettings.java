package io.towerstream.model;

import static io.towerstream.model.settings.SettingChecks.require;

import io.towerstream.model.ModelConfig.TableOptimizer;
import java.io.Serializable;

/**
 * The id embedding tables: how their rows learn, how many they keep and when a row is admitted or
 * expires. Checks its own values, naming the job's option for each; the bounds that depend on the
 * batch size are {@link ModelConfig}'s. In the model's root package because the {@link
 * TableOptimizer} names are part of {@link ModelConfig}'s public face.
 *
 * @param optimizer row-wise Adagrad or lazy Adam
 * @param learningRate the rows' learning rate
 * @param maxRowsPerTable rows a table keeps before it evicts the least recently used
 * @param admissionMinCount sightings before an id gets a row; 1 admits on first sight
 * @param rowTtlEvents events after which an untouched row expires; 0 never
 */
public record TableSettings(
    TableOptimizer optimizer,
    float learningRate,
    int maxRowsPerTable,
    int admissionMinCount,
    long rowTtlEvents)
    implements Serializable {
  public TableSettings {
    require(optimizer != null, "model.table.optimizer", optimizer, "one of adagrad, adam");
    require(learningRate > 0, "model.learning-rate", learningRate, "positive");
    require(
        admissionMinCount >= 1 && admissionMinCount <= 1_000,
        "model.table.admission-min-count",
        admissionMinCount,
        "between 1 (admit on first sight) and 1000");
    require(rowTtlEvents >= 0, "model.table.ttl-events", rowTtlEvents, "non-negative (0 = off)");
  }
}
