package io.towerstream.jobs;

import static io.towerstream.config.Binding.bind;

import io.towerstream.config.Binding;
import io.towerstream.config.OptionDoc;
import io.towerstream.config.OptionSet;
import io.towerstream.config.OptionValues;
import io.towerstream.config.Source;
import io.towerstream.jobs.functions.ClickRules;
import io.towerstream.jobs.operators.TrainerSettings;
import io.towerstream.jobs.sinks.SinkSettings;
import io.towerstream.jobs.sources.SourceSettings;
import io.towerstream.jobs.sources.StartingOffsets;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.ModelConfigBuilder;
import io.towerstream.model.ModelOptions;
import io.towerstream.schemas.KafkaClientProperties;
import io.towerstream.schemas.TopicProvisioner.TopicNames;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.ValueFormat;
import io.towerstream.schemas.json.ClickJson;
import io.towerstream.schemas.json.EventTimeFormat;
import io.towerstream.schemas.json.ItemFeaturesJson;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.CheckpointingMode;

/**
 * Everything the training job can be told, immutable and validated once at start. Parsed from
 * command-line options ({@link #fromArgs}) for {@code flink run}, or built in code ({@link
 * #builder()}) by the CLI.
 *
 * <p>Every option, its default and its meaning are listed once, in {@link #OPTIONS}; {@link
 * #usage()} prints them. A bad value or an unknown option fails with an {@link
 * IllegalArgumentException} whose message names the option.
 */
public final class JobConfig implements Serializable, SourceSettings, SinkSettings {
  private static final long serialVersionUID = 1L;

  private final String bootstrapServers;
  private final String clicksTopic;
  private final String dlqTopic;
  private final String embeddingsTopic;
  private final String statusTopic;
  private final String syncTopic;
  private final String itemFeaturesTopic;
  private final ValueFormat clicksFormat;
  private final ClickJson clicksJson;
  private final ValueFormat itemFeaturesFormat;
  private final ItemFeaturesJson itemFeaturesJson;
  private final String groupId;
  private final StartingOffsets startingOffsets;
  private final int sourceParallelism;
  private final int trainerParallelism;
  private final int maxParallelism;
  private final long syncIntervalMs;
  private final StateBackend stateBackend; // null: the cluster's
  private final long watermarkOutOfOrdernessMs;
  private final long watermarkIdlenessMs;
  private final long batchMaxWaitMs;
  private final long publishIntervalMs;
  private final long itemRefreshMs;
  private final ClickRules clickRules;
  private final double prequentialSampleRate;
  private final double prequentialBudget;
  private final int prequentialWindow;
  private final int prequentialPopularityWindow;
  private final long prequentialFromTimeMs;
  private final long modelVersion;
  private final ModelConfig model;
  private final DeliveryGuarantee delivery;
  private final String transactionalIdPrefix;
  private final Long checkpointIntervalMs; // null: the cluster's
  private final String checkpointDir;
  private final Integer restartAttempts; // both null: the cluster's restart strategy
  private final Long restartDelayMs;
  private final String kafkaConfigFile;

  /** {@code --kafka.<property>} options only (sorted); {@link #kafkaProperties} adds the file's. */
  private final Map<String, String> kafkaInline;

  private final Map<String, String> kafkaProperties;

  private JobConfig(
      Builder b,
      ModelConfig model,
      ClickJson clicksJson,
      ItemFeaturesJson itemFeaturesJson,
      Map<String, String> kafkaProperties) {
    this.bootstrapServers = b.bootstrapServers;
    this.clicksTopic = b.clicksTopic;
    this.dlqTopic = b.dlqTopic;
    this.embeddingsTopic = b.embeddingsTopic;
    this.statusTopic = b.statusTopic;
    this.syncTopic = b.syncTopic;
    this.itemFeaturesTopic = b.itemFeaturesTopic;
    this.clicksFormat = b.clicksFormat;
    this.clicksJson = clicksJson;
    this.itemFeaturesFormat = b.itemFeaturesFormat;
    this.itemFeaturesJson = itemFeaturesJson;
    this.groupId = b.groupId;
    this.startingOffsets = b.startingOffsets;
    this.sourceParallelism = b.sourceParallelism;
    this.trainerParallelism = b.trainerParallelism;
    this.maxParallelism = b.maxParallelism;
    this.syncIntervalMs = b.syncIntervalMs;
    this.stateBackend = b.stateBackend;
    this.watermarkOutOfOrdernessMs = b.watermarkOutOfOrdernessMs;
    this.watermarkIdlenessMs = b.watermarkIdlenessMs;
    this.batchMaxWaitMs = b.batchMaxWaitMs;
    this.publishIntervalMs = b.publishIntervalMs;
    this.itemRefreshMs = b.itemRefreshMs;
    this.clickRules = new ClickRules(b.maxIdLength, b.maxWeight, b.maxFutureMs);
    this.prequentialSampleRate = b.prequentialSampleRate;
    this.prequentialBudget = b.prequentialBudget;
    this.prequentialWindow = b.prequentialWindow;
    this.prequentialPopularityWindow = b.prequentialPopularityWindow;
    this.prequentialFromTimeMs = b.prequentialFromTimeMs;
    this.modelVersion = b.modelVersion;
    this.model = model;
    this.delivery = b.delivery;
    this.transactionalIdPrefix = b.transactionalIdPrefix;
    this.checkpointIntervalMs = b.checkpointIntervalMs;
    this.checkpointDir = b.checkpointDir;
    this.restartAttempts = b.restartAttempts;
    this.restartDelayMs = b.restartDelayMs;
    this.kafkaConfigFile = b.kafkaConfigFile;
    this.kafkaInline = Collections.unmodifiableMap(new TreeMap<>(b.kafkaInline));
    this.kafkaProperties = Collections.unmodifiableMap(new TreeMap<>(kafkaProperties));
  }

  // The options (declared in JobOptions and ModelOptions) tied to the builder and back, in the
  // order of the usage text and the docs

  private static final List<Binding<Builder, JobConfig, ?>> BINDINGS = bindings();

  private static List<Binding<Builder, JobConfig, ?>> bindings() {
    List<Binding<Builder, JobConfig, ?>> out =
        new ArrayList<>(
            List.of(
                bind(
                    JobOptions.BOOTSTRAP_SERVERS,
                    Builder::bootstrapServers,
                    c -> c.bootstrapServers),
                bind(
                    JobOptions.KAFKA_CONFIG_FILE, Builder::kafkaConfigFile, c -> c.kafkaConfigFile),
                bind(JobOptions.CLICKS_TOPIC, Builder::clicksTopic, c -> c.clicksTopic),
                bind(JobOptions.DLQ_TOPIC, Builder::dlqTopic, c -> c.dlqTopic),
                bind(JobOptions.EMBEDDINGS_TOPIC, Builder::embeddingsTopic, c -> c.embeddingsTopic),
                bind(JobOptions.STATUS_TOPIC, Builder::statusTopic, c -> c.statusTopic),
                bind(JobOptions.SYNC_TOPIC, Builder::syncTopic, c -> c.syncTopic),
                bind(
                    JobOptions.ITEM_FEATURES_TOPIC,
                    Builder::itemFeaturesTopic,
                    c -> c.itemFeaturesTopic),
                bind(JobOptions.CLICKS_FORMAT, Builder::clicksFormat, c -> c.clicksFormat),
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
                    Builder::itemFeaturesFormat,
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
                bind(JobOptions.GROUP_ID, Builder::groupId, c -> c.groupId),
                bind(JobOptions.STARTING_OFFSETS, Builder::startingOffsets, c -> c.startingOffsets),
                bind(
                    JobOptions.SOURCE_PARALLELISM,
                    Builder::sourceParallelism,
                    c -> c.sourceParallelism),
                bind(
                    JobOptions.TRAINER_PARALLELISM,
                    Builder::trainerParallelism,
                    c -> c.trainerParallelism),
                bind(JobOptions.MAX_PARALLELISM, Builder::maxParallelism, c -> c.maxParallelism),
                bind(JobOptions.SYNC_INTERVAL_MS, Builder::syncIntervalMs, c -> c.syncIntervalMs),
                bind(JobOptions.STATE_BACKEND, Builder::stateBackend, c -> c.stateBackend),
                bind(
                    JobOptions.WATERMARK_OUT_OF_ORDERNESS_MS,
                    Builder::watermarkOutOfOrdernessMs,
                    c -> c.watermarkOutOfOrdernessMs),
                bind(
                    JobOptions.WATERMARK_IDLENESS_MS,
                    Builder::watermarkIdlenessMs,
                    c -> c.watermarkIdlenessMs),
                bind(JobOptions.BATCH_MAX_WAIT_MS, Builder::batchMaxWaitMs, c -> c.batchMaxWaitMs),
                bind(
                    JobOptions.PUBLISH_INTERVAL_MS,
                    Builder::publishIntervalMs,
                    c -> c.publishIntervalMs),
                bind(JobOptions.ITEM_REFRESH_MS, Builder::itemRefreshMs, c -> c.itemRefreshMs),
                bind(
                    JobOptions.MAX_ID_LENGTH,
                    Builder::maxIdLength,
                    c -> c.clickRules.maxIdLength()),
                bind(JobOptions.MAX_WEIGHT, Builder::maxWeight, c -> c.clickRules.maxWeight()),
                bind(
                    JobOptions.MAX_FUTURE_MS,
                    Builder::maxFutureMs,
                    c -> c.clickRules.maxFutureMs()),
                bind(
                    JobOptions.PREQUENTIAL_SAMPLE_RATE,
                    Builder::prequentialSampleRate,
                    c -> c.prequentialSampleRate),
                bind(
                    JobOptions.PREQUENTIAL_BUDGET,
                    Builder::prequentialBudget,
                    c -> c.prequentialBudget),
                bind(
                    JobOptions.PREQUENTIAL_WINDOW,
                    Builder::prequentialWindow,
                    c -> c.prequentialWindow),
                bind(
                    JobOptions.PREQUENTIAL_POPULARITY_WINDOW,
                    Builder::prequentialPopularityWindow,
                    c -> c.prequentialPopularityWindow),
                bind(
                    JobOptions.PREQUENTIAL_FROM_TIME_MS,
                    Builder::prequentialFromTimeMs,
                    c -> c.prequentialFromTimeMs),
                bind(JobOptions.MODEL_VERSION, Builder::modelVersion, c -> c.modelVersion),
                bind(JobOptions.DELIVERY, Builder::delivery, c -> c.delivery),
                bind(
                    JobOptions.TRANSACTIONAL_ID_PREFIX,
                    Builder::transactionalIdPrefix,
                    c -> c.transactionalIdPrefix),
                bind(
                    JobOptions.CHECKPOINT_INTERVAL_MS,
                    Builder::checkpointIntervalMs,
                    c -> c.checkpointIntervalMs),
                bind(JobOptions.CHECKPOINT_DIR, Builder::checkpointDir, c -> c.checkpointDir),
                bind(JobOptions.RESTART_ATTEMPTS, Builder::restartAttempts, c -> c.restartAttempts),
                bind(JobOptions.RESTART_DELAY_MS, Builder::restartDelayMs, c -> c.restartDelayMs)));
    for (Binding<ModelConfigBuilder, ModelConfig, ?> model : ModelOptions.BINDINGS) {
      out.add(model.through(b -> b.model, c -> c.model));
    }
    return List.copyOf(out);
  }

  /**
   * The environment variables' prefix: {@code TOWERSTREAM_JOB_MODEL_DIM} sets {@code --model.dim}.
   */
  public static final String ENV_PREFIX = "TOWERSTREAM_JOB_";

  /**
   * The prefix of the job's options in a Flink configuration: {@code towerstream.model.dim: 64} in
   * a {@code FlinkDeployment}'s {@code flinkConfiguration} sets {@code --model.dim}.
   */
  public static final String FLINK_PREFIX = "towerstream.";

  private static final OptionSet OPTIONS =
      OptionSet.of(Binding.options(BINDINGS))
          .withEnvironment(ENV_PREFIX)
          .passThrough(
              KafkaClientProperties.OPTION_PREFIX,
              "One Kafka client property for every consumer and producer of the job, e.g."
                  + " --kafka.security.protocol SSL.");

  /**
   * The job's options as a deployment gives them: flags, then the environment ({@link
   * #ENV_PREFIX}), then the file of {@code --config FILE} (see {@link OptionSet}), validated as
   * {@link #fromArgs} does.
   */
  public static JobConfig fromCommandLine(String[] args, Map<String, String> env) {
    return fromCommandLine(args, env, Map.of());
  }

  /**
   * As {@link #fromCommandLine(String[], Map)}, with the {@link #FLINK_PREFIX towerstream.*} keys
   * of the Flink configuration the job runs under as the lowest layer (below the {@code --config}
   * file), so a Flink deployment's own configuration can set every option.
   */
  public static JobConfig fromCommandLine(
      String[] args, Map<String, String> env, Map<String, String> flinkConfiguration) {
    return from(
        OPTIONS.parse(
            args,
            env,
            Source.withPrefix(
                "the Flink configuration (" + FLINK_PREFIX + "*)",
                FLINK_PREFIX,
                flinkConfiguration)));
  }

  /**
   * Parses {@code --name value} or {@code --name=value} pairs (and {@code --config FILE}), by the
   * one rule set of {@link OptionSet}.
   *
   * @throws IllegalArgumentException naming the option, for an unknown or repeated option, a
   *     missing or bad value, or a missing required option
   */
  public static JobConfig fromArgs(String... args) {
    return from(OPTIONS.parse(args, Map.of()));
  }

  private static JobConfig from(OptionValues values) {
    Builder builder = builder();
    BINDINGS.forEach(binding -> binding.apply(values, builder));
    values.passThrough(KafkaClientProperties.OPTION_PREFIX).forEach(builder::kafkaProperty);
    return builder.build();
  }

  /**
   * The options that reproduce this configuration through {@link #fromArgs}, e.g. for {@code flink
   * run}; an option left unset is left out.
   */
  public List<String> toArgs() {
    List<String> args = new ArrayList<>();
    for (Binding<Builder, JobConfig, ?> binding : BINDINGS) {
      args.addAll(binding.toArgs(this));
    }
    kafkaInline.forEach(
        (k, v) -> {
          args.add("--" + KafkaClientProperties.OPTION_PREFIX + k);
          args.add(v);
        });
    return args;
  }

  /**
   * Every option with its default (empty when required or none) and meaning, in the order of the
   * usage text.
   */
  public static List<OptionDoc> options() {
    return OPTIONS.docs();
  }

  /** Every option with its default and meaning, one per line. */
  public static String usage() {
    return OPTIONS.usage(
        "Options of the towerstream training job (--name value):",
        "model.dim=32; kafka.<property> too; or towerstream.<name> in the Flink configuration");
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.bootstrapServers = bootstrapServers;
    b.clicksTopic = clicksTopic;
    b.dlqTopic = dlqTopic;
    b.embeddingsTopic = embeddingsTopic;
    b.statusTopic = statusTopic;
    b.syncTopic = syncTopic;
    b.itemFeaturesTopic = itemFeaturesTopic;
    b.clicksFormat = clicksFormat;
    b.clicksJson(clicksJson);
    b.itemFeaturesFormat = itemFeaturesFormat;
    b.itemFeaturesJson(itemFeaturesJson);
    b.groupId = groupId;
    b.startingOffsets = startingOffsets;
    b.sourceParallelism = sourceParallelism;
    b.trainerParallelism = trainerParallelism;
    b.maxParallelism = maxParallelism;
    b.syncIntervalMs = syncIntervalMs;
    b.stateBackend = stateBackend;
    b.watermarkOutOfOrdernessMs = watermarkOutOfOrdernessMs;
    b.watermarkIdlenessMs = watermarkIdlenessMs;
    b.batchMaxWaitMs = batchMaxWaitMs;
    b.publishIntervalMs = publishIntervalMs;
    b.itemRefreshMs = itemRefreshMs;
    b.maxIdLength = clickRules.maxIdLength();
    b.maxWeight = clickRules.maxWeight();
    b.maxFutureMs = clickRules.maxFutureMs();
    b.prequentialSampleRate = prequentialSampleRate;
    b.prequentialBudget = prequentialBudget;
    b.prequentialWindow = prequentialWindow;
    b.prequentialPopularityWindow = prequentialPopularityWindow;
    b.prequentialFromTimeMs = prequentialFromTimeMs;
    b.modelVersion = modelVersion;
    b.model = model.toBuilder();
    b.delivery = delivery;
    b.transactionalIdPrefix = transactionalIdPrefix;
    b.checkpointIntervalMs = checkpointIntervalMs;
    b.checkpointDir = checkpointDir;
    b.restartAttempts = restartAttempts;
    b.restartDelayMs = restartDelayMs;
    b.kafkaConfigFile = kafkaConfigFile;
    b.kafkaInline.putAll(kafkaInline);
    return b;
  }

  /** The Flink state backends the job can run with. */
  public enum StateBackend {
    /** State on the heap; full checkpoints, written asynchronously. */
    HASHMAP,
    /**
     * Flink's embedded RocksDB: local disk, incremental checkpoints. Its frocksdbjni cannot share a
     * JVM with the store's rocksdbjni (both ship package org.rocksdb and one native library name,
     * so whichever loads first breaks the other), so the one-process demo cannot use it; a
     * cluster's lib/ has it.
     */
    ROCKSDB;

    /** Whether this JVM can run the backend: RocksDB's factory must be on the classpath. */
    boolean available() {
      if (this == HASHMAP) {
        return true;
      }
      try {
        Class.forName(
            "org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackendFactory",
            false,
            JobConfig.class.getClassLoader());
        return true;
      } catch (ClassNotFoundException e) {
        return false;
      }
    }
  }

  /**
   * The checkpoint interval where neither {@code --checkpoint.interval-ms} nor the cluster sets
   * one: the job's offsets and model state are only safe in checkpoints, so it never runs without.
   */
  public static final long FALLBACK_CHECKPOINT_INTERVAL_MS = 10_000;

  private static final int FALLBACK_RESTART_ATTEMPTS = 10;
  private static final long FALLBACK_RESTART_DELAY_MS = 5_000;

  /**
   * The Flink settings this job needs, over whatever the cluster configures: exactly-once
   * checkpoint mode, generic (Kryo) types switched off so a type Flink cannot serialise properly
   * fails at submission rather than at run time, and object reuse; and only where the options were
   * given, the state backend ({@code rocksdb} with incremental checkpoints), the checkpoint
   * interval and directory, and a fixed-delay restart strategy. An option left unset leaves the
   * cluster's setting alone. Apply with {@code env.configure(...)} (as {@link
   * TrainingJob#configure} does).
   */
  public Configuration flinkConfiguration() {
    Configuration conf = new Configuration();
    if (stateBackend != null) {
      conf.set(StateBackendOptions.STATE_BACKEND, stateBackend.name().toLowerCase(Locale.ROOT));
      if (stateBackend == StateBackend.ROCKSDB) {
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
      }
    }
    if (checkpointIntervalMs != null) {
      conf.set(
          CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(checkpointIntervalMs));
    }
    conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
    if (checkpointDir != null) {
      conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir);
      // a cancelled job can then be resumed from its last checkpoint (flink run -s <dir>)
      conf.set(
          CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
          ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    }
    if (restartAttempts != null || restartDelayMs != null) {
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
      conf.set(
          RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS,
          restartAttempts != null ? restartAttempts : FALLBACK_RESTART_ATTEMPTS);
      conf.set(
          RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY,
          Duration.ofMillis(restartDelayMs != null ? restartDelayMs : FALLBACK_RESTART_DELAY_MS));
    }
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    // No operator keeps a reference to a record it received, so chained operators may pass records
    // on without the deep copy Flink makes otherwise (a serialise-deserialise of every published
    // update, measured as a third of the trainer's publish time).
    conf.set(PipelineOptions.OBJECT_REUSE, true);
    return conf;
  }

  /**
   * What a cluster of the job's own (the embedded demo's MiniCluster, which has no configuration
   * file) sets where the options leave a setting to the cluster: the heap state backend,
   * checkpoints every {@link #FALLBACK_CHECKPOINT_INTERVAL_MS} and a fixed-delay restart strategy
   * of 10 attempts 5 s apart. Lay {@link #flinkConfiguration()} over it.
   */
  public static Configuration embeddedClusterDefaults() {
    Configuration conf = new Configuration();
    conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
    conf.set(
        CheckpointingOptions.CHECKPOINTING_INTERVAL,
        Duration.ofMillis(FALLBACK_CHECKPOINT_INTERVAL_MS));
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(
        RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, FALLBACK_RESTART_ATTEMPTS);
    conf.set(
        RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY,
        Duration.ofMillis(FALLBACK_RESTART_DELAY_MS));
    return conf;
  }

  /** The topic names for {@code TopicProvisioner.ensureTopics}. */
  public TopicNames topicNames() {
    return new TopicNames(
        clicksTopic,
        dlqTopic,
        embeddingsTopic,
        Topics.EMBEDDINGS_DLQ.defaultName(), // the stores', which the job does not name
        statusTopic,
        syncTopic,
        itemFeaturesTopic);
  }

  @Override
  public String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public String clicksTopic() {
    return clicksTopic;
  }

  @Override
  public String dlqTopic() {
    return dlqTopic;
  }

  @Override
  public String embeddingsTopic() {
    return embeddingsTopic;
  }

  @Override
  public String statusTopic() {
    return statusTopic;
  }

  @Override
  public String syncTopic() {
    return syncTopic;
  }

  @Override
  public String itemFeaturesTopic() {
    return itemFeaturesTopic;
  }

  /** How the clicks topic's values are encoded. */
  @Override
  public ValueFormat clicksFormat() {
    return clicksFormat;
  }

  /** Where JSON clicks keep each field (used with {@link ValueFormat#JSON} only). */
  @Override
  public ClickJson clicksJson() {
    return clicksJson;
  }

  /** How the item-features topic's values are encoded. */
  @Override
  public ValueFormat itemFeaturesFormat() {
    return itemFeaturesFormat;
  }

  /** Where JSON item features keep each field (used with {@link ValueFormat#JSON} only). */
  @Override
  public ItemFeaturesJson itemFeaturesJson() {
    return itemFeaturesJson;
  }

  @Override
  public String groupId() {
    return groupId;
  }

  @Override
  public StartingOffsets startingOffsets() {
    return startingOffsets;
  }

  /** 0 means the environment's default parallelism. */
  public int sourceParallelism() {
    return sourceParallelism;
  }

  public int trainerParallelism() {
    return trainerParallelism;
  }

  public int maxParallelism() {
    return maxParallelism;
  }

  public long syncIntervalMs() {
    return syncIntervalMs;
  }

  /** Null when the cluster's state backend is used. */
  public StateBackend stateBackend() {
    return stateBackend;
  }

  @Override
  public long watermarkOutOfOrdernessMs() {
    return watermarkOutOfOrdernessMs;
  }

  /** 0 means partitions are never marked idle. */
  @Override
  public long watermarkIdlenessMs() {
    return watermarkIdlenessMs;
  }

  /** 0 means batches close by count only. */
  public long batchMaxWaitMs() {
    return batchMaxWaitMs;
  }

  public long publishIntervalMs() {
    return publishIntervalMs;
  }

  /** 0 means every changed item at every publish. */
  public long itemRefreshMs() {
    return itemRefreshMs;
  }

  /** What ValidateClicks lets through; the rest goes to the dead-letter topic. */
  /** What the trainer operator reads of this configuration. */
  public TrainerSettings trainerSettings() {
    return new TrainerSettings(
        model(),
        modelVersion(),
        batchMaxWaitMs(),
        publishIntervalMs(),
        prequentialSampleRate(),
        prequentialWindow(),
        prequentialPopularityWindow(),
        syncIntervalMs(),
        prequentialBudget(),
        itemRefreshMs(),
        prequentialFromTimeMs());
  }

  public ClickRules clickRules() {
    return clickRules;
  }

  public double prequentialSampleRate() {
    return prequentialSampleRate;
  }

  /** 0 means unlimited. */
  public double prequentialBudget() {
    return prequentialBudget;
  }

  public int prequentialWindow() {
    return prequentialWindow;
  }

  public int prequentialPopularityWindow() {
    return prequentialPopularityWindow;
  }

  /** 0 means every event is scored. */
  public long prequentialFromTimeMs() {
    return prequentialFromTimeMs;
  }

  public long modelVersion() {
    return modelVersion;
  }

  public ModelConfig model() {
    return model;
  }

  @Override
  public DeliveryGuarantee delivery() {
    return delivery;
  }

  @Override
  public String transactionalIdPrefix() {
    return transactionalIdPrefix;
  }

  /** Null when the cluster's checkpoint interval is used. */
  public Long checkpointIntervalMs() {
    return checkpointIntervalMs;
  }

  /** Null when the cluster's configured checkpoint directory is used. */
  public String checkpointDir() {
    return checkpointDir;
  }

  /** Null when not given. */
  public Integer restartAttempts() {
    return restartAttempts;
  }

  /** Null when not given. */
  public Long restartDelayMs() {
    return restartDelayMs;
  }

  /**
   * Extra properties for every Kafka client of the job: the config file's, then {@code --kafka.*}
   * (sorted).
   */
  @Override
  public Map<String, String> kafkaProperties() {
    return kafkaProperties;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JobConfig that && toArgs().equals(that.toArgs());
  }

  @Override
  public int hashCode() {
    return toArgs().hashCode();
  }

  @Override
  public String toString() {
    List<String> args = toArgs();
    for (int i = 0; i + 1 < args.size(); i += 2) {
      String name = args.get(i).substring(2);
      if (name.startsWith(KafkaClientProperties.OPTION_PREFIX)
          && KafkaClientProperties.isSecret(name)) {
        args.set(i + 1, "*****");
      }
    }
    return "JobConfig" + args;
  }

  /**
   * Builds a {@link JobConfig}; starts from the documented defaults. Setters do not validate,
   * build() does.
   */
  public static final class Builder {
    private String bootstrapServers;
    private String clicksTopic = JobOptions.CLICKS_TOPIC.defaultValue();
    private String dlqTopic = JobOptions.DLQ_TOPIC.defaultValue();
    private String embeddingsTopic = JobOptions.EMBEDDINGS_TOPIC.defaultValue();
    private String statusTopic = JobOptions.STATUS_TOPIC.defaultValue();
    private String syncTopic = JobOptions.SYNC_TOPIC.defaultValue();
    private String itemFeaturesTopic = JobOptions.ITEM_FEATURES_TOPIC.defaultValue();
    private ValueFormat clicksFormat = JobOptions.CLICKS_FORMAT.defaultValue();
    private String clicksUserField = JobOptions.CLICKS_USER_FIELD.defaultValue();
    private String clicksItemField = JobOptions.CLICKS_ITEM_FIELD.defaultValue();
    private String clicksTimeField = JobOptions.CLICKS_TIME_FIELD.defaultValue();
    private EventTimeFormat clicksTimeFormat = JobOptions.CLICKS_TIME_FORMAT.defaultValue();
    private String clicksTypeField = JobOptions.CLICKS_TYPE_FIELD.defaultValue();
    private String clicksWeightField = JobOptions.CLICKS_WEIGHT_FIELD.defaultValue();
    private ValueFormat itemFeaturesFormat = JobOptions.ITEMS_FORMAT.defaultValue();
    private String itemsItemField = JobOptions.ITEMS_ITEM_FIELD.defaultValue();
    private String itemsCategoriesField = JobOptions.ITEMS_CATEGORIES_FIELD.defaultValue();
    private String itemsTagsField = JobOptions.ITEMS_TAGS_FIELD.defaultValue();
    private String itemsNumericField = JobOptions.ITEMS_NUMERIC_FIELD.defaultValue();
    private String groupId = JobOptions.GROUP_ID.defaultValue();
    private StartingOffsets startingOffsets = JobOptions.STARTING_OFFSETS.defaultValue();
    private int sourceParallelism = JobOptions.SOURCE_PARALLELISM.defaultValue();
    private int trainerParallelism = JobOptions.TRAINER_PARALLELISM.defaultValue();
    private int maxParallelism = JobOptions.MAX_PARALLELISM.defaultValue();
    private long syncIntervalMs = JobOptions.SYNC_INTERVAL_MS.defaultValue();
    private StateBackend stateBackend;
    private long watermarkOutOfOrdernessMs =
        JobOptions.WATERMARK_OUT_OF_ORDERNESS_MS.defaultValue();
    private long watermarkIdlenessMs = JobOptions.WATERMARK_IDLENESS_MS.defaultValue();
    private long batchMaxWaitMs = JobOptions.BATCH_MAX_WAIT_MS.defaultValue();
    private long publishIntervalMs = JobOptions.PUBLISH_INTERVAL_MS.defaultValue();
    private long itemRefreshMs = JobOptions.ITEM_REFRESH_MS.defaultValue();
    private int maxIdLength = JobOptions.MAX_ID_LENGTH.defaultValue();
    private float maxWeight = JobOptions.MAX_WEIGHT.defaultValue();
    private long maxFutureMs = JobOptions.MAX_FUTURE_MS.defaultValue();
    private double prequentialSampleRate = JobOptions.PREQUENTIAL_SAMPLE_RATE.defaultValue();
    private double prequentialBudget = JobOptions.PREQUENTIAL_BUDGET.defaultValue();
    private int prequentialWindow = JobOptions.PREQUENTIAL_WINDOW.defaultValue();
    private int prequentialPopularityWindow =
        JobOptions.PREQUENTIAL_POPULARITY_WINDOW.defaultValue();
    private long prequentialFromTimeMs = JobOptions.PREQUENTIAL_FROM_TIME_MS.defaultValue();
    private long modelVersion = JobOptions.MODEL_VERSION.defaultValue();
    private ModelConfigBuilder model = ModelConfig.builder();
    // the distributed mode's guarantee; the one-machine demo and benchmarks choose at-least-once
    // for freshness
    private DeliveryGuarantee delivery = JobOptions.DELIVERY.defaultValue();
    private String transactionalIdPrefix = JobOptions.TRANSACTIONAL_ID_PREFIX.defaultValue();
    // these four stay null unless set: the Flink cluster's own settings then hold
    private Long checkpointIntervalMs;
    private String checkpointDir;
    private Integer restartAttempts;
    private Long restartDelayMs;
    private String kafkaConfigFile;
    private final Map<String, String> kafkaInline = new TreeMap<>();

    private Builder() {}

    public Builder bootstrapServers(String v) {
      bootstrapServers = v;
      return this;
    }

    public Builder clicksTopic(String v) {
      clicksTopic = v;
      return this;
    }

    public Builder dlqTopic(String v) {
      dlqTopic = v;
      return this;
    }

    public Builder embeddingsTopic(String v) {
      embeddingsTopic = v;
      return this;
    }

    public Builder statusTopic(String v) {
      statusTopic = v;
      return this;
    }

    public Builder syncTopic(String v) {
      syncTopic = v;
      return this;
    }

    public Builder itemFeaturesTopic(String v) {
      itemFeaturesTopic = v;
      return this;
    }

    public Builder clicksFormat(ValueFormat v) {
      clicksFormat = v;
      return this;
    }

    /** Replaces every JSON click field mapping. */
    public Builder clicksJson(ClickJson v) {
      clicksUserField = v.userField();
      clicksItemField = v.itemField();
      clicksTimeField = v.timeField();
      clicksTimeFormat = v.timeFormat();
      clicksTypeField = v.typeField();
      clicksWeightField = v.weightField();
      return this;
    }

    public Builder itemFeaturesFormat(ValueFormat v) {
      itemFeaturesFormat = v;
      return this;
    }

    /** Replaces every JSON item-features field mapping. */
    public Builder itemFeaturesJson(ItemFeaturesJson v) {
      itemsItemField = v.itemField();
      itemsCategoriesField = v.categoriesField();
      itemsTagsField = v.tagsField();
      itemsNumericField = v.numericField();
      return this;
    }

    public Builder groupId(String v) {
      groupId = v;
      return this;
    }

    public Builder startingOffsets(StartingOffsets v) {
      startingOffsets = v;
      return this;
    }

    public Builder sourceParallelism(int v) {
      sourceParallelism = v;
      return this;
    }

    public Builder trainerParallelism(int v) {
      trainerParallelism = v;
      return this;
    }

    public Builder maxParallelism(int v) {
      maxParallelism = v;
      return this;
    }

    public Builder syncIntervalMs(long v) {
      syncIntervalMs = v;
      return this;
    }

    /** Null: the cluster's state backend. */
    public Builder stateBackend(StateBackend v) {
      stateBackend = v;
      return this;
    }

    public Builder watermarkOutOfOrdernessMs(long v) {
      watermarkOutOfOrdernessMs = v;
      return this;
    }

    public Builder watermarkIdlenessMs(long v) {
      watermarkIdlenessMs = v;
      return this;
    }

    public Builder batchMaxWaitMs(long v) {
      batchMaxWaitMs = v;
      return this;
    }

    public Builder publishIntervalMs(long v) {
      publishIntervalMs = v;
      return this;
    }

    public Builder itemRefreshMs(long v) {
      itemRefreshMs = v;
      return this;
    }

    public Builder maxIdLength(int v) {
      maxIdLength = v;
      return this;
    }

    public Builder maxWeight(float v) {
      maxWeight = v;
      return this;
    }

    public Builder maxFutureMs(long v) {
      maxFutureMs = v;
      return this;
    }

    public Builder prequentialSampleRate(double v) {
      prequentialSampleRate = v;
      return this;
    }

    public Builder prequentialBudget(double v) {
      prequentialBudget = v;
      return this;
    }

    public Builder prequentialWindow(int v) {
      prequentialWindow = v;
      return this;
    }

    public Builder prequentialPopularityWindow(int v) {
      prequentialPopularityWindow = v;
      return this;
    }

    public Builder prequentialFromTimeMs(long v) {
      prequentialFromTimeMs = v;
      return this;
    }

    public Builder modelVersion(long v) {
      modelVersion = v;
      return this;
    }

    /** Replaces every model hyper-parameter. */
    public Builder model(ModelConfig v) {
      model = v.toBuilder();
      return this;
    }

    public Builder delivery(DeliveryGuarantee v) {
      delivery = v;
      return this;
    }

    public Builder transactionalIdPrefix(String v) {
      transactionalIdPrefix = v;
      return this;
    }

    /** Unset: the cluster's checkpoint interval (or {@link #FALLBACK_CHECKPOINT_INTERVAL_MS}). */
    public Builder checkpointIntervalMs(long v) {
      checkpointIntervalMs = v;
      return this;
    }

    /** Null or empty: use the cluster's configured checkpoint directory. */
    public Builder checkpointDir(String v) {
      checkpointDir = v == null || v.isBlank() ? null : v;
      return this;
    }

    /** Unset, with {@link #restartDelayMs} unset too: the cluster's restart strategy. */
    public Builder restartAttempts(int v) {
      restartAttempts = v;
      return this;
    }

    /** Unset, with {@link #restartAttempts} unset too: the cluster's restart strategy. */
    public Builder restartDelayMs(long v) {
      restartDelayMs = v;
      return this;
    }

    /** A properties file of Kafka client settings, read by {@link #build()}; null for none. */
    public Builder kafkaConfigFile(String v) {
      kafkaConfigFile = v;
      return this;
    }

    /** One Kafka client property for every consumer and producer of the job; wins over the file. */
    public Builder kafkaProperty(String key, String value) {
      kafkaInline.put(key, value);
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first option whose value is missing or out of
     *     range
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
      require(clicksFormat != null, InputOptions.CLICKS_FORMAT, null, "avro or json");
      require(itemFeaturesFormat != null, InputOptions.ITEMS_FORMAT, null, "avro or json");
      JobOptions.CLICKS_USER_FIELD.validate(clicksUserField);
      JobOptions.CLICKS_ITEM_FIELD.validate(clicksItemField);
      JobOptions.CLICKS_TIME_FIELD.validate(clicksTimeField);
      require(
          clicksTimeFormat != null,
          InputOptions.CLICKS_TIME_FORMAT,
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
  }

  private static void require(boolean ok, String option, Object value, String expectation) {
    if (!ok) {
      throw new IllegalArgumentException(
          "--" + option + " must be " + expectation + ", was " + value);
    }
  }
}
