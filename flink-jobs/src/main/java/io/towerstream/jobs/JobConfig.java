package io.towerstream.jobs;

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
import io.towerstream.schemas.KafkaClientProperties;
import io.towerstream.schemas.TopicProvisioner.TopicNames;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.ValueFormat;
import io.towerstream.schemas.json.ClickJson;
import io.towerstream.schemas.json.ItemFeaturesJson;
import java.io.Serializable;
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
 * <p>Every option, its default and its meaning are declared once, in {@link JobOptions} and the
 * model's {@code ModelOptions}; {@link JobOptionBindings} ties each to {@link JobConfigBuilder},
 * which checks the values, and {@link #usage()} prints them. A bad value or an unknown option fails
 * with an {@link IllegalArgumentException} whose message names the option.
 *
 * <p>Long for one reason: an accessor for each of some forty settings, which the sources, the
 * trainer, the sinks and the CLI read, and the Flink settings derived from them ({@link
 * #flinkConfiguration()}).
 */
public final class JobConfig implements Serializable, SourceSettings, SinkSettings {
  private static final long serialVersionUID = 1L;

  final String bootstrapServers;
  final String clicksTopic;
  final String dlqTopic;
  final String embeddingsTopic;
  final String statusTopic;
  final String syncTopic;
  final String itemFeaturesTopic;
  final ValueFormat clicksFormat;
  final ClickJson clicksJson;
  final ValueFormat itemFeaturesFormat;
  final ItemFeaturesJson itemFeaturesJson;
  final String groupId;
  final StartingOffsets startingOffsets;
  final int sourceParallelism;
  final int trainerParallelism;
  final int maxParallelism;
  final long syncIntervalMs;
  final StateBackend stateBackend; // null: the cluster's
  final long watermarkOutOfOrdernessMs;
  final long watermarkIdlenessMs;
  final long batchMaxWaitMs;
  final long publishIntervalMs;
  final long itemRefreshMs;
  final ClickRules clickRules;
  final double prequentialSampleRate;
  final double prequentialBudget;
  final int prequentialWindow;
  final int prequentialPopularityWindow;
  final long prequentialFromTimeMs;
  final long modelVersion;
  final ModelConfig model;
  final DeliveryGuarantee delivery;
  final String transactionalIdPrefix;
  final Long checkpointIntervalMs; // null: the cluster's
  final String checkpointDir;
  final Integer restartAttempts; // both null: the cluster's restart strategy
  final Long restartDelayMs;
  final String kafkaConfigFile;

  /** {@code --kafka.<property>} options only (sorted); {@link #kafkaProperties} adds the file's. */
  final Map<String, String> kafkaInline;

  final Map<String, String> kafkaProperties;

  JobConfig(
      JobConfigBuilder b,
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
      OptionSet.of(Binding.options(JobOptionBindings.ALL))
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

  /**
   * Whether {@code args} give the job option {@code name} (without {@code --}), read as {@link
   * #fromArgs} reads them: as a flag in either form, through an alias, or in a {@code --config}
   * file. Callers that add their own defaults use it, so that the user's choice wins and no option
   * reaches the job twice.
   *
   * @throws IllegalArgumentException when {@code name} is no job option, or {@code args} are
   *     malformed as {@link #fromArgs} reports it
   */
  public static boolean sets(List<String> args, String name) {
    return OPTIONS.gives(args.toArray(String[]::new), name);
  }

  private static JobConfig from(OptionValues values) {
    JobConfigBuilder builder = builder();
    JobOptionBindings.ALL.forEach(binding -> binding.apply(values, builder));
    values.passThrough(KafkaClientProperties.OPTION_PREFIX).forEach(builder::kafkaProperty);
    return builder.build();
  }

  /**
   * The options that reproduce this configuration through {@link #fromArgs}, e.g. for {@code flink
   * run}; an option left unset is left out.
   */
  public List<String> toArgs() {
    List<String> args = new ArrayList<>();
    for (Binding<JobConfigBuilder, JobConfig, ?> binding : JobOptionBindings.ALL) {
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

  public static JobConfigBuilder builder() {
    return new JobConfigBuilder();
  }

  public JobConfigBuilder toBuilder() {
    JobConfigBuilder b = new JobConfigBuilder();
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
}
