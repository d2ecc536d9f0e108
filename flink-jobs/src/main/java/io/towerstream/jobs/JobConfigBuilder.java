package io.towerstream.jobs;

import io.towerstream.jobs.JobConfig.StateBackend;
import io.towerstream.jobs.sources.StartingOffsets;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.ModelConfigBuilder;
import io.towerstream.schemas.KafkaClientProperties;
import io.towerstream.schemas.ValueFormat;
import io.towerstream.schemas.json.ClickJson;
import io.towerstream.schemas.json.EventTimeFormat;
import io.towerstream.schemas.json.ItemFeaturesJson;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * Builds a {@link JobConfig}; starts from the documented defaults. Setters do not validate, build()
 * does.
 */
public final class JobConfigBuilder {
  String bootstrapServers;
  String clicksTopic = JobOptions.CLICKS_TOPIC.defaultValue();
  String dlqTopic = JobOptions.DLQ_TOPIC.defaultValue();
  String embeddingsTopic = JobOptions.EMBEDDINGS_TOPIC.defaultValue();
  String statusTopic = JobOptions.STATUS_TOPIC.defaultValue();
  String syncTopic = JobOptions.SYNC_TOPIC.defaultValue();
  String itemFeaturesTopic = JobOptions.ITEM_FEATURES_TOPIC.defaultValue();
  ValueFormat clicksFormat = JobOptions.CLICKS_FORMAT.defaultValue();
  String clicksUserField = JobOptions.CLICKS_USER_FIELD.defaultValue();
  String clicksItemField = JobOptions.CLICKS_ITEM_FIELD.defaultValue();
  String clicksTimeField = JobOptions.CLICKS_TIME_FIELD.defaultValue();
  EventTimeFormat clicksTimeFormat = JobOptions.CLICKS_TIME_FORMAT.defaultValue();
  String clicksTypeField = JobOptions.CLICKS_TYPE_FIELD.defaultValue();
  String clicksWeightField = JobOptions.CLICKS_WEIGHT_FIELD.defaultValue();
  ValueFormat itemFeaturesFormat = JobOptions.ITEMS_FORMAT.defaultValue();
  String itemsItemField = JobOptions.ITEMS_ITEM_FIELD.defaultValue();
  String itemsCategoriesField = JobOptions.ITEMS_CATEGORIES_FIELD.defaultValue();
  String itemsTagsField = JobOptions.ITEMS_TAGS_FIELD.defaultValue();
  String itemsNumericField = JobOptions.ITEMS_NUMERIC_FIELD.defaultValue();
  String groupId = JobOptions.GROUP_ID.defaultValue();
  StartingOffsets startingOffsets = JobOptions.STARTING_OFFSETS.defaultValue();
  int sourceParallelism = JobOptions.SOURCE_PARALLELISM.defaultValue();
  int trainerParallelism = JobOptions.TRAINER_PARALLELISM.defaultValue();
  int maxParallelism = JobOptions.MAX_PARALLELISM.defaultValue();
  long syncIntervalMs = JobOptions.SYNC_INTERVAL_MS.defaultValue();
  StateBackend stateBackend;
  long watermarkOutOfOrdernessMs = JobOptions.WATERMARK_OUT_OF_ORDERNESS_MS.defaultValue();
  long watermarkIdlenessMs = JobOptions.WATERMARK_IDLENESS_MS.defaultValue();
  long batchMaxWaitMs = JobOptions.BATCH_MAX_WAIT_MS.defaultValue();
  long publishIntervalMs = JobOptions.PUBLISH_INTERVAL_MS.defaultValue();
  long itemRefreshMs = JobOptions.ITEM_REFRESH_MS.defaultValue();
  int maxIdLength = JobOptions.MAX_ID_LENGTH.defaultValue();
  float maxWeight = JobOptions.MAX_WEIGHT.defaultValue();
  long maxFutureMs = JobOptions.MAX_FUTURE_MS.defaultValue();
  double prequentialSampleRate = JobOptions.PREQUENTIAL_SAMPLE_RATE.defaultValue();
  double prequentialBudget = JobOptions.PREQUENTIAL_BUDGET.defaultValue();
  int prequentialWindow = JobOptions.PREQUENTIAL_WINDOW.defaultValue();
  int prequentialPopularityWindow = JobOptions.PREQUENTIAL_POPULARITY_WINDOW.defaultValue();
  long prequentialFromTimeMs = JobOptions.PREQUENTIAL_FROM_TIME_MS.defaultValue();
  long modelVersion = JobOptions.MODEL_VERSION.defaultValue();
  ModelConfigBuilder model = ModelConfig.builder();
  // the distributed mode's guarantee; the one-machine demo and benchmarks choose at-least-once
  // for freshness
  DeliveryGuarantee delivery = JobOptions.DELIVERY.defaultValue();
  String transactionalIdPrefix = JobOptions.TRANSACTIONAL_ID_PREFIX.defaultValue();
  // these four stay null unless set: the Flink cluster's own settings then hold
  Long checkpointIntervalMs;
  String checkpointDir;
  Integer restartAttempts;
  Long restartDelayMs;
  String kafkaConfigFile;
  final Map<String, String> kafkaInline = new TreeMap<>();

  JobConfigBuilder() {}

  public JobConfigBuilder bootstrapServers(String v) {
    bootstrapServers = v;
    return this;
  }

  public JobConfigBuilder clicksTopic(String v) {
    clicksTopic = v;
    return this;
  }

  public JobConfigBuilder dlqTopic(String v) {
    dlqTopic = v;
    return this;
  }

  public JobConfigBuilder embeddingsTopic(String v) {
    embeddingsTopic = v;
    return this;
  }

  public JobConfigBuilder statusTopic(String v) {
    statusTopic = v;
    return this;
  }

  public JobConfigBuilder syncTopic(String v) {
    syncTopic = v;
    return this;
  }

  public JobConfigBuilder itemFeaturesTopic(String v) {
    itemFeaturesTopic = v;
    return this;
  }

  public JobConfigBuilder clicksFormat(ValueFormat v) {
    clicksFormat = v;
    return this;
  }

  /** Replaces every JSON click field mapping. */
  public JobConfigBuilder clicksJson(ClickJson v) {
    clicksUserField = v.userField();
    clicksItemField = v.itemField();
    clicksTimeField = v.timeField();
    clicksTimeFormat = v.timeFormat();
    clicksTypeField = v.typeField();
    clicksWeightField = v.weightField();
    return this;
  }

  public JobConfigBuilder itemFeaturesFormat(ValueFormat v) {
    itemFeaturesFormat = v;
    return this;
  }

  /** Replaces every JSON item-features field mapping. */
  public JobConfigBuilder itemFeaturesJson(ItemFeaturesJson v) {
    itemsItemField = v.itemField();
    itemsCategoriesField = v.categoriesField();
    itemsTagsField = v.tagsField();
    itemsNumericField = v.numericField();
    return this;
  }

  public JobConfigBuilder groupId(String v) {
    groupId = v;
    return this;
  }

  public JobConfigBuilder startingOffsets(StartingOffsets v) {
    startingOffsets = v;
    return this;
  }

  public JobConfigBuilder sourceParallelism(int v) {
    sourceParallelism = v;
    return this;
  }

  public JobConfigBuilder trainerParallelism(int v) {
    trainerParallelism = v;
    return this;
  }

  public JobConfigBuilder maxParallelism(int v) {
    maxParallelism = v;
    return this;
  }

  public JobConfigBuilder syncIntervalMs(long v) {
    syncIntervalMs = v;
    return this;
  }

  /** Null: the cluster's state backend. */
  public JobConfigBuilder stateBackend(StateBackend v) {
    stateBackend = v;
    return this;
  }

  public JobConfigBuilder watermarkOutOfOrdernessMs(long v) {
    watermarkOutOfOrdernessMs = v;
    return this;
  }

  public JobConfigBuilder watermarkIdlenessMs(long v) {
    watermarkIdlenessMs = v;
    return this;
  }

  public JobConfigBuilder batchMaxWaitMs(long v) {
    batchMaxWaitMs = v;
    return this;
  }

  public JobConfigBuilder publishIntervalMs(long v) {
    publishIntervalMs = v;
    return this;
  }

  public JobConfigBuilder itemRefreshMs(long v) {
    itemRefreshMs = v;
    return this;
  }

  public JobConfigBuilder maxIdLength(int v) {
    maxIdLength = v;
    return this;
  }

  public JobConfigBuilder maxWeight(float v) {
    maxWeight = v;
    return this;
  }

  public JobConfigBuilder maxFutureMs(long v) {
    maxFutureMs = v;
    return this;
  }

  public JobConfigBuilder prequentialSampleRate(double v) {
    prequentialSampleRate = v;
    return this;
  }

  public JobConfigBuilder prequentialBudget(double v) {
    prequentialBudget = v;
    return this;
  }

  public JobConfigBuilder prequentialWindow(int v) {
    prequentialWindow = v;
    return this;
  }

  public JobConfigBuilder prequentialPopularityWindow(int v) {
    prequentialPopularityWindow = v;
    return this;
  }

  public JobConfigBuilder prequentialFromTimeMs(long v) {
    prequentialFromTimeMs = v;
    return this;
  }

  public JobConfigBuilder modelVersion(long v) {
    modelVersion = v;
    return this;
  }

  /** Replaces every model hyper-parameter. */
  public JobConfigBuilder model(ModelConfig v) {
    model = v.toBuilder();
    return this;
  }

  public JobConfigBuilder delivery(DeliveryGuarantee v) {
    delivery = v;
    return this;
  }

  public JobConfigBuilder transactionalIdPrefix(String v) {
    transactionalIdPrefix = v;
    return this;
  }

  /** Unset: the cluster's checkpoint interval (or {@link #FALLBACK_CHECKPOINT_INTERVAL_MS}). */
  public JobConfigBuilder checkpointIntervalMs(long v) {
    checkpointIntervalMs = v;
    return this;
  }

  /** Null or empty: use the cluster's configured checkpoint directory. */
  public JobConfigBuilder checkpointDir(String v) {
    checkpointDir = v == null || v.isBlank() ? null : v;
    return this;
  }

  /** Unset, with {@link #restartDelayMs} unset too: the cluster's restart strategy. */
  public JobConfigBuilder restartAttempts(int v) {
    restartAttempts = v;
    return this;
  }

  /** Unset, with {@link #restartAttempts} unset too: the cluster's restart strategy. */
  public JobConfigBuilder restartDelayMs(long v) {
    restartDelayMs = v;
    return this;
  }

  /** A properties file of Kafka client settings, read by {@link #build()}; null for none. */
  public JobConfigBuilder kafkaConfigFile(String v) {
    kafkaConfigFile = v;
    return this;
  }

  /** One Kafka client property for every consumer and producer of the job; wins over the file. */
  public JobConfigBuilder kafkaProperty(String key, String value) {
    kafkaInline.put(key, value);
    return this;
  }

  /**
   * @throws IllegalArgumentException naming the first option whose value is missing or out of range
   */
  public JobConfig build() {
    require(
        bootstrapServers != null && !bootstrapServers.isBlank(),
        "bootstrap-servers",
        bootstrapServers,
        "set (host:port of the Kafka cluster)");
    JobOptions.CLICKS_TOPIC.validate(clicksTopic);
    JobOptions.DLQ_TOPIC.validate(dlqTopic);
    JobOptions.EMBEDDINGS_TOPIC.validate(embeddingsTopic);
    JobOptions.STATUS_TOPIC.validate(statusTopic);
    JobOptions.SYNC_TOPIC.validate(syncTopic);
    JobOptions.ITEM_FEATURES_TOPIC.validate(itemFeaturesTopic);
    require(clicksFormat != null, JobOptions.CLICKS_FORMAT.name(), null, "avro or json");
    require(itemFeaturesFormat != null, JobOptions.ITEMS_FORMAT.name(), null, "avro or json");
    JobOptions.CLICKS_USER_FIELD.validate(clicksUserField);
    JobOptions.CLICKS_ITEM_FIELD.validate(clicksItemField);
    JobOptions.CLICKS_TIME_FIELD.validate(clicksTimeField);
    require(
        clicksTimeFormat != null,
        JobOptions.CLICKS_TIME_FORMAT.name(),
        null,
        "epoch-millis, epoch-seconds or iso-8601");
    JobOptions.ITEMS_ITEM_FIELD.validate(itemsItemField);
    ClickJson clicksJson =
        mapping(
            "clicks.json.*-field",
            () ->
                new ClickJson(
                    clicksUserField,
                    clicksItemField,
                    clicksTimeField,
                    clicksTimeFormat,
                    clicksTypeField,
                    clicksWeightField));
    ItemFeaturesJson itemFeaturesJson =
        mapping(
            "item-features.json.*-field",
            () ->
                new ItemFeaturesJson(
                    itemsItemField, itemsCategoriesField, itemsTagsField, itemsNumericField));
    JobOptions.GROUP_ID.validate(groupId);
    require(
        startingOffsets != null, "starting-offsets", null, "one of earliest, latest, committed");
    JobOptions.SOURCE_PARALLELISM.validate(sourceParallelism);
    JobOptions.TRAINER_PARALLELISM.validate(trainerParallelism);
    require(
        maxParallelism >= trainerParallelism && maxParallelism <= 32_768,
        "parallelism.max",
        maxParallelism,
        "between parallelism.trainer (" + trainerParallelism + ") and 32768");
    JobOptions.SYNC_INTERVAL_MS.validate(syncIntervalMs);
    require(
        stateBackend == null || stateBackend.available(),
        "state.backend",
        "rocksdb",
        "hashmap in this process: Flink's RocksDB state "
            + "backend (flink-statebackend-rocksdb) is not on its classpath (a Flink cluster's lib/ has it; the embedded "
            + "demo leaves it out because its frocksdbjni clashes with the store's rocksdbjni)");
    JobOptions.WATERMARK_OUT_OF_ORDERNESS_MS.validate(watermarkOutOfOrdernessMs);
    JobOptions.WATERMARK_IDLENESS_MS.validate(watermarkIdlenessMs);
    JobOptions.BATCH_MAX_WAIT_MS.validate(batchMaxWaitMs);
    JobOptions.PUBLISH_INTERVAL_MS.validate(publishIntervalMs);
    JobOptions.ITEM_REFRESH_MS.validate(itemRefreshMs);
    JobOptions.MAX_ID_LENGTH.validate(maxIdLength);
    JobOptions.MAX_WEIGHT.validate(maxWeight);
    JobOptions.MAX_FUTURE_MS.validate(maxFutureMs);
    JobOptions.PREQUENTIAL_SAMPLE_RATE.validate(prequentialSampleRate);
    JobOptions.PREQUENTIAL_BUDGET.validate(prequentialBudget);
    JobOptions.PREQUENTIAL_WINDOW.validate(prequentialWindow);
    JobOptions.PREQUENTIAL_POPULARITY_WINDOW.validate(prequentialPopularityWindow);
    JobOptions.PREQUENTIAL_FROM_TIME_MS.validate(prequentialFromTimeMs);
    JobOptions.MODEL_VERSION.validate(modelVersion);
    require(
        delivery == DeliveryGuarantee.AT_LEAST_ONCE || delivery == DeliveryGuarantee.EXACTLY_ONCE,
        "delivery",
        delivery,
        "at-least-once or exactly-once");
    JobOptions.TRANSACTIONAL_ID_PREFIX.validate(transactionalIdPrefix);
    if (checkpointIntervalMs != null) {
      JobOptions.CHECKPOINT_INTERVAL_MS.validate(checkpointIntervalMs);
    }
    if (restartAttempts != null) {
      JobOptions.RESTART_ATTEMPTS.validate(restartAttempts);
    }
    if (restartDelayMs != null) {
      JobOptions.RESTART_DELAY_MS.validate(restartDelayMs);
    }
    ModelConfig modelConfig;
    try {
      modelConfig = model.build();
    } catch (IllegalArgumentException e) {
      // ModelConfig's messages already start with the option name, e.g. "model.dim must be ..."
      throw new IllegalArgumentException("--" + e.getMessage(), e);
    }
    Map<String, String> kafka = new TreeMap<>();
    if (kafkaConfigFile != null) {
      kafka.putAll(KafkaClientProperties.load(Path.of(kafkaConfigFile)));
    }
    kafka.putAll(kafkaInline);
    for (String owned :
        List.of(
            "bootstrap.servers",
            "group.id",
            "transactional.id",
            "key.deserializer",
            "value.deserializer",
            "key.serializer",
            "value.serializer")) {
      require(
          !kafka.containsKey(owned),
          "kafka." + owned,
          kafka.get(owned),
          "left to the job (it sets "
              + owned
              + " itself; use the job's own option where there is one)");
    }
    return new JobConfig(this, modelConfig, clicksJson, itemFeaturesJson, kafka);
  }

  /** The mapping {@code build} makes, its refusal (a field mapped twice) naming the options. */
  private static <T> T mapping(String options, java.util.function.Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + options + ": " + e.getMessage(), e);
    }
  }

  private static void require(boolean ok, String option, Object value, String expectation) {
    if (!ok) {
      throw new IllegalArgumentException(
          "--" + option + " must be " + expectation + ", was " + value);
    }
  }
}
