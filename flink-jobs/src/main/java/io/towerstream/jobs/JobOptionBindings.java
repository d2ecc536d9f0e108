package io.towerstream.jobs;

import static io.towerstream.config.Binding.bind;

import io.towerstream.config.Binding;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.ModelConfigBuilder;
import io.towerstream.model.ModelOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * The job's options (declared in {@link JobOptions} and {@link ModelOptions}) tied to the builder
 * that sets each and to the config that reads it back, in the order of the usage text and the docs.
 * {@link JobConfig}'s one parser reads through them, and {@link JobConfig#toArgs()} writes back
 * through them.
 */
final class JobOptionBindings {
  static final List<Binding<JobConfigBuilder, JobConfig, ?>> ALL = bindings();

  private static List<Binding<JobConfigBuilder, JobConfig, ?>> bindings() {
    List<Binding<JobConfigBuilder, JobConfig, ?>> out =
        new ArrayList<>(
            List.of(
                bind(
                    JobOptions.BOOTSTRAP_SERVERS,
                    JobConfigBuilder::bootstrapServers,
                    c -> c.bootstrapServers),
                bind(
                    JobOptions.KAFKA_CONFIG_FILE,
                    JobConfigBuilder::kafkaConfigFile,
                    c -> c.kafkaConfigFile),
                bind(JobOptions.CLICKS_TOPIC, JobConfigBuilder::clicksTopic, c -> c.clicksTopic),
                bind(JobOptions.DLQ_TOPIC, JobConfigBuilder::dlqTopic, c -> c.dlqTopic),
                bind(
                    JobOptions.EMBEDDINGS_TOPIC,
                    JobConfigBuilder::embeddingsTopic,
                    c -> c.embeddingsTopic),
                bind(JobOptions.STATUS_TOPIC, JobConfigBuilder::statusTopic, c -> c.statusTopic),
                bind(JobOptions.SYNC_TOPIC, JobConfigBuilder::syncTopic, c -> c.syncTopic),
                bind(
                    JobOptions.ITEM_FEATURES_TOPIC,
                    JobConfigBuilder::itemFeaturesTopic,
                    c -> c.itemFeaturesTopic),
                bind(JobOptions.CLICKS_FORMAT, JobConfigBuilder::clicksFormat, c -> c.clicksFormat),
                bind(
                    JobOptions.CLICKS_USER_FIELD,
                    (b, v) -> b.clicksUserField = v,
                    c -> c.clicksJson.userField()),
                bind(
                    JobOptions.CLICKS_ITEM_FIELD,
                    (b, v) -> b.clicksItemField = v,
                    c -> c.clicksJson.itemField()),
                bind(
                    JobOptions.CLICKS_TIME_FIELD,
                    (b, v) -> b.clicksTimeField = v,
                    c -> c.clicksJson.timeField()),
                bind(
                    JobOptions.CLICKS_TIME_FORMAT,
                    (b, v) -> b.clicksTimeFormat = v,
                    c -> c.clicksJson.timeFormat()),
                bind(
                    JobOptions.CLICKS_TYPE_FIELD,
                    (b, v) -> b.clicksTypeField = v,
                    c -> c.clicksJson.typeField()),
                bind(
                    JobOptions.CLICKS_WEIGHT_FIELD,
                    (b, v) -> b.clicksWeightField = v,
                    c -> c.clicksJson.weightField()),
                bind(
                    JobOptions.ITEMS_FORMAT,
                    JobConfigBuilder::itemFeaturesFormat,
                    c -> c.itemFeaturesFormat),
                bind(
                    JobOptions.ITEMS_ITEM_FIELD,
                    (b, v) -> b.itemsItemField = v,
                    c -> c.itemFeaturesJson.itemField()),
                bind(
                    JobOptions.ITEMS_CATEGORIES_FIELD,
                    (b, v) -> b.itemsCategoriesField = v,
                    c -> c.itemFeaturesJson.categoriesField()),
                bind(
                    JobOptions.ITEMS_TAGS_FIELD,
                    (b, v) -> b.itemsTagsField = v,
                    c -> c.itemFeaturesJson.tagsField()),
                bind(
                    JobOptions.ITEMS_NUMERIC_FIELD,
                    (b, v) -> b.itemsNumericField = v,
                    c -> c.itemFeaturesJson.numericField()),
                bind(JobOptions.GROUP_ID, JobConfigBuilder::groupId, c -> c.groupId),
                bind(
                    JobOptions.STARTING_OFFSETS,
                    JobConfigBuilder::startingOffsets,
                    c -> c.startingOffsets),
                bind(
                    JobOptions.SOURCE_PARALLELISM,
                    JobConfigBuilder::sourceParallelism,
                    c -> c.sourceParallelism),
                bind(
                    JobOptions.TRAINER_PARALLELISM,
                    JobConfigBuilder::trainerParallelism,
                    c -> c.trainerParallelism),
                bind(
                    JobOptions.MAX_PARALLELISM,
                    JobConfigBuilder::maxParallelism,
                    c -> c.maxParallelism),
                bind(
                    JobOptions.SYNC_INTERVAL_MS,
                    JobConfigBuilder::syncIntervalMs,
                    c -> c.syncIntervalMs),
                bind(JobOptions.STATE_BACKEND, JobConfigBuilder::stateBackend, c -> c.stateBackend),
                bind(
                    JobOptions.WATERMARK_OUT_OF_ORDERNESS_MS,
                    JobConfigBuilder::watermarkOutOfOrdernessMs,
                    c -> c.watermarkOutOfOrdernessMs),
                bind(
                    JobOptions.WATERMARK_IDLENESS_MS,
                    JobConfigBuilder::watermarkIdlenessMs,
                    c -> c.watermarkIdlenessMs),
                bind(
                    JobOptions.BATCH_MAX_WAIT_MS,
                    JobConfigBuilder::batchMaxWaitMs,
                    c -> c.batchMaxWaitMs),
                bind(
                    JobOptions.PUBLISH_INTERVAL_MS,
                    JobConfigBuilder::publishIntervalMs,
                    c -> c.publishIntervalMs),
                bind(
                    JobOptions.ITEM_REFRESH_MS,
                    JobConfigBuilder::itemRefreshMs,
                    c -> c.itemRefreshMs),
                bind(
                    JobOptions.MAX_ID_LENGTH,
                    JobConfigBuilder::maxIdLength,
                    c -> c.clickRules.maxIdLength()),
                bind(
                    JobOptions.MAX_WEIGHT,
                    JobConfigBuilder::maxWeight,
                    c -> c.clickRules.maxWeight()),
                bind(
                    JobOptions.MAX_FUTURE_MS,
                    JobConfigBuilder::maxFutureMs,
                    c -> c.clickRules.maxFutureMs()),
                bind(
                    JobOptions.PREQUENTIAL_SAMPLE_RATE,
                    JobConfigBuilder::prequentialSampleRate,
                    c -> c.prequentialSampleRate),
                bind(
                    JobOptions.PREQUENTIAL_BUDGET,
                    JobConfigBuilder::prequentialBudget,
                    c -> c.prequentialBudget),
                bind(
                    JobOptions.PREQUENTIAL_WINDOW,
                    JobConfigBuilder::prequentialWindow,
                    c -> c.prequentialWindow),
                bind(
                    JobOptions.PREQUENTIAL_POPULARITY_WINDOW,
                    JobConfigBuilder::prequentialPopularityWindow,
                    c -> c.prequentialPopularityWindow),
                bind(
                    JobOptions.PREQUENTIAL_FROM_TIME_MS,
                    JobConfigBuilder::prequentialFromTimeMs,
                    c -> c.prequentialFromTimeMs),
                bind(JobOptions.MODEL_VERSION, JobConfigBuilder::modelVersion, c -> c.modelVersion),
                bind(JobOptions.DELIVERY, JobConfigBuilder::delivery, c -> c.delivery),
                bind(
                    JobOptions.TRANSACTIONAL_ID_PREFIX,
                    JobConfigBuilder::transactionalIdPrefix,
                    c -> c.transactionalIdPrefix),
                bind(
                    JobOptions.CHECKPOINT_INTERVAL_MS,
                    JobConfigBuilder::checkpointIntervalMs,
                    c -> c.checkpointIntervalMs),
                bind(
                    JobOptions.CHECKPOINT_DIR,
                    JobConfigBuilder::checkpointDir,
                    c -> c.checkpointDir),
                bind(
                    JobOptions.RESTART_ATTEMPTS,
                    JobConfigBuilder::restartAttempts,
                    c -> c.restartAttempts),
                bind(
                    JobOptions.RESTART_DELAY_MS,
                    JobConfigBuilder::restartDelayMs,
                    c -> c.restartDelayMs)));
    for (Binding<ModelConfigBuilder, ModelConfig, ?> model : ModelOptions.BINDINGS) {
      out.add(model.through(b -> b.model, c -> c.model));
    }
    return List.copyOf(out);
  }

  private JobOptionBindings() {}
}
