package io.towerstream.jobs;

import io.towerstream.jobs.functions.ClickRules;
import io.towerstream.model.ModelConfig;
import io.towerstream.schemas.KafkaClientProperties;
import io.towerstream.schemas.LayeredOptions;
import io.towerstream.schemas.OptionDoc;
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
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;
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
public final class JobConfig implements Serializable {
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
  private final StateBackend stateBackend;
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
  private final long checkpointIntervalMs;
  private final String checkpointDir;
  private final int restartAttempts;
  private final long restartDelayMs;
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

  // ---------------------------------------------------------------------------------------------------------
  // The options: name, meaning, how to read one into a builder and how to write one back. Defaults
  // live in
  // the Builder's field initialisers (and ModelConfig.Builder's); usage() prints them from there.
  // ---------------------------------------------------------------------------------------------------------

  private record Option(
      String name,
      String doc,
      BiConsumer<Builder, String> parse,
      Function<JobConfig, String> format) {}

  private static final List<Option> OPTIONS =
      List.of(
          new Option(
              "bootstrap-servers",
              "Kafka bootstrap servers, host:port[,host:port]. Required.",
              (b, v) -> b.bootstrapServers(v),
              c -> c.bootstrapServers),
          new Option(
              KafkaClientProperties.FILE_OPTION,
              "Properties file of Kafka client settings for every consumer and "
                  + "producer of the job (security.protocol, sasl.*, ssl.*), read where the job's main runs; "
                  + "--kafka.<property> value sets one and wins over the file. Keep secrets in the file.",
              (b, v) -> b.kafkaConfigFile(v.isEmpty() ? null : v),
              c -> c.kafkaConfigFile == null ? "" : c.kafkaConfigFile),
          new Option(
              "topic.clicks",
              "Input topic of clicks (ClickEvents, encoded as clicks.format says).",
              (b, v) -> b.clicksTopic(v),
              c -> c.clicksTopic),
          new Option(
              "topic.dlq",
              "Output topic of DeadLetters (records that could not be used).",
              (b, v) -> b.dlqTopic(v),
              c -> c.dlqTopic),
          new Option(
              "topic.embeddings",
              "Output topic of EmbeddingUpdates (compacted).",
              (b, v) -> b.embeddingsTopic(v),
              c -> c.embeddingsTopic),
          new Option(
              "topic.status",
              "Output topic of TrainerStatus records (compacted).",
              (b, v) -> b.statusTopic(v),
              c -> c.statusTopic),
          new Option(
              "topic.sync",
              "Topic through which the trainer subtasks exchange item and tower deltas (internal; "
                  + "one partition).",
              (b, v) -> b.syncTopic(v),
              c -> c.syncTopic),
          new Option(
              "topic.item-features",
              "Input topic of ItemFeatures (encoded as item-features.format says), the item "
                  + "catalogue (compacted, key = item id; a tombstone withdraws an item's features); "
                  + "always read from the beginning.",
              (b, v) -> b.itemFeaturesTopic(v),
              c -> c.itemFeaturesTopic),
          new Option(
              InputOptions.CLICKS_FORMAT,
              InputOptions.CLICKS_FORMAT_DOC,
              (b, v) -> b.clicksFormat(parseEnum(InputOptions.CLICKS_FORMAT, v, ValueFormat.class)),
              c -> c.clicksFormat.cliName()),
          new Option(
              InputOptions.CLICKS_USER_FIELD,
              InputOptions.CLICKS_USER_FIELD_DOC,
              (b, v) -> b.clicksUserField = v,
              c -> c.clicksJson.userField()),
          new Option(
              InputOptions.CLICKS_ITEM_FIELD,
              InputOptions.CLICKS_ITEM_FIELD_DOC,
              (b, v) -> b.clicksItemField = v,
              c -> c.clicksJson.itemField()),
          new Option(
              InputOptions.CLICKS_TIME_FIELD,
              InputOptions.CLICKS_TIME_FIELD_DOC,
              (b, v) -> b.clicksTimeField = v,
              c -> c.clicksJson.timeField()),
          new Option(
              InputOptions.CLICKS_TIME_FORMAT,
              InputOptions.CLICKS_TIME_FORMAT_DOC,
              (b, v) ->
                  b.clicksTimeFormat =
                      parseEnum(InputOptions.CLICKS_TIME_FORMAT, v, EventTimeFormat.class),
              c -> c.clicksJson.timeFormat().cliName()),
          new Option(
              InputOptions.CLICKS_TYPE_FIELD,
              InputOptions.CLICKS_TYPE_FIELD_DOC,
              (b, v) -> b.clicksTypeField = v,
              c -> c.clicksJson.typeField()),
          new Option(
              InputOptions.CLICKS_WEIGHT_FIELD,
              InputOptions.CLICKS_WEIGHT_FIELD_DOC,
              (b, v) -> b.clicksWeightField = v,
              c -> c.clicksJson.weightField()),
          new Option(
              InputOptions.ITEMS_FORMAT,
              InputOptions.ITEMS_FORMAT_DOC,
              (b, v) ->
                  b.itemFeaturesFormat(parseEnum(InputOptions.ITEMS_FORMAT, v, ValueFormat.class)),
              c -> c.itemFeaturesFormat.cliName()),
          new Option(
              InputOptions.ITEMS_ITEM_FIELD,
              InputOptions.ITEMS_ITEM_FIELD_DOC,
              (b, v) -> b.itemsItemField = v,
              c -> c.itemFeaturesJson.itemField()),
          new Option(
              InputOptions.ITEMS_CATEGORIES_FIELD,
              InputOptions.ITEMS_CATEGORIES_FIELD_DOC,
              (b, v) -> b.itemsCategoriesField = v,
              c -> c.itemFeaturesJson.categoriesField()),
          new Option(
              InputOptions.ITEMS_TAGS_FIELD,
              InputOptions.ITEMS_TAGS_FIELD_DOC,
              (b, v) -> b.itemsTagsField = v,
              c -> c.itemFeaturesJson.tagsField()),
          new Option(
              InputOptions.ITEMS_NUMERIC_FIELD,
              InputOptions.ITEMS_NUMERIC_FIELD_DOC,
              (b, v) -> b.itemsNumericField = v,
              c -> c.itemFeaturesJson.numericField()),
          new Option(
              "group-id",
              "Kafka consumer group of the click source (offsets are committed on checkpoints).",
              (b, v) -> b.groupId(v),
              c -> c.groupId),
          new Option(
              "starting-offsets",
              "earliest | latest | committed: where to start without a checkpoint; "
                  + "committed falls back to earliest for partitions without a commit.",
              (b, v) -> b.startingOffsets(parseEnum("starting-offsets", v, StartingOffsets.class)),
              c -> c.startingOffsets.cliName()),
          new Option(
              "parallelism.source",
              "Parallelism of the Kafka source and validation; 0 = the environment's.",
              (b, v) -> b.sourceParallelism(parseInt("parallelism.source", v)),
              c -> Integer.toString(c.sourceParallelism)),
          new Option(
              "parallelism.trainer",
              "Trainer subtasks. Users (rows, histories) are sharded by user id in keyed "
                  + "state; each subtask holds a replica of the item rows and tower weights, kept in step through "
                  + "topic.sync (see flink-jobs/README.md, Sharded training).",
              (b, v) -> b.trainerParallelism(parseInt("parallelism.trainer", v)),
              c -> Integer.toString(c.trainerParallelism)),
          new Option(
              "parallelism.max",
              "Maximum trainer parallelism (key groups of the user state): a job can be "
                  + "rescaled up to it from a savepoint, and it cannot change for the life of the state.",
              (b, v) -> b.maxParallelism(parseInt("parallelism.max", v)),
              c -> Integer.toString(c.maxParallelism)),
          new Option(
              "sync.interval-ms",
              "How often each trainer subtask sends its item and tower changes to the others "
                  + "(and at every checkpoint); bounds how stale a replica's item rows are.",
              (b, v) -> b.syncIntervalMs(parseLong("sync.interval-ms", v)),
              c -> Long.toString(c.syncIntervalMs)),
          new Option(
              "state.backend",
              "hashmap | rocksdb: Flink state backend. hashmap keeps state on the heap (full "
                  + "checkpoints, written asynchronously); rocksdb keeps the user rows on local disk and checkpoints "
                  + "incrementally (Flink's distribution provides it; the embedded demo cannot, see flink-jobs/README.md).",
              (b, v) -> b.stateBackend(parseEnum("state.backend", v, StateBackend.class)),
              c -> c.stateBackend.name().toLowerCase(Locale.ROOT)),
          new Option(
              "watermark.out-of-orderness-ms",
              "How far event times may run backwards before events are late.",
              (b, v) -> b.watermarkOutOfOrdernessMs(parseLong("watermark.out-of-orderness-ms", v)),
              c -> Long.toString(c.watermarkOutOfOrdernessMs)),
          new Option(
              "watermark.idleness-ms",
              "A partition without events this long stops holding watermarks back; "
                  + "0 = never idle.",
              (b, v) -> b.watermarkIdlenessMs(parseLong("watermark.idleness-ms", v)),
              c -> Long.toString(c.watermarkIdlenessMs)),
          new Option(
              "batch.max-wait-ms",
              "A partial batch is trained this long after its first event, so freshness "
                  + "holds at low traffic; 0 = batches close by count only (fully deterministic).",
              (b, v) -> b.batchMaxWaitMs(parseLong("batch.max-wait-ms", v)),
              c -> Long.toString(c.batchMaxWaitMs)),
          new Option(
              "publish.interval-ms",
              "How often changed embeddings and a status record are published.",
              (b, v) -> b.publishIntervalMs(parseLong("publish.interval-ms", v)),
              c -> Long.toString(c.publishIntervalMs)),
          new Option(
              "publish.item-refresh-ms",
              "Items changed only as sampled negatives or history items (clicked by "
                  + "nobody since the last publish) are published at most this often, and whenever training pauses; "
                  + "clicked items and users go out every publish. 0 = every changed item at every publish.",
              (b, v) -> b.itemRefreshMs(parseLong("publish.item-refresh-ms", v)),
              c -> Long.toString(c.itemRefreshMs)),
          new Option(
              "validation.max-id-length",
              "Longest user or item id accepted (characters); longer ones go to "
                  + "the dead-letter topic.",
              (b, v) -> b.maxIdLength(parseInt("validation.max-id-length", v)),
              c -> Integer.toString(c.clickRules.maxIdLength())),
          new Option(
              "validation.max-weight",
              "Largest click weight accepted; larger ones go to the dead-letter topic.",
              (b, v) -> b.maxWeight((float) parseDouble("validation.max-weight", v)),
              c -> Float.toString(c.clickRules.maxWeight())),
          new Option(
              "validation.max-future-ms",
              "How far ahead of the job's clock an event time may be; later ones (and "
                  + "any before 1970) go to the dead-letter topic.",
              (b, v) -> b.maxFutureMs(parseLong("validation.max-future-ms", v)),
              c -> Long.toString(c.clickRules.maxFutureMs())),
          new Option(
              "eval.prequential.sample-rate",
              "Share of users (a fixed cohort, by id hash) whose clicks are scored "
                  + "test-then-train before they train; 0 = off. Each scored event ranks every known item.",
              (b, v) -> b.prequentialSampleRate(parseDouble("eval.prequential.sample-rate", v)),
              c -> Double.toString(c.prequentialSampleRate)),
          new Option(
              "eval.prequential.budget",
              "Most time test-then-train scoring may take, as a share of the training "
                  + "time: above it the cohort shrinks (large catalogues); 0 = no limit.",
              (b, v) -> b.prequentialBudget(parseDouble("eval.prequential.budget", v)),
              c -> Double.toString(c.prequentialBudget)),
          new Option(
              "eval.prequential.window",
              "Scored events in the sliding window of the published metrics.",
              (b, v) -> b.prequentialWindow(parseInt("eval.prequential.window", v)),
              c -> Integer.toString(c.prequentialWindow)),
          new Option(
              "eval.prequential.popularity-window",
              "Events counted by the recent-popularity baseline.",
              (b, v) ->
                  b.prequentialPopularityWindow(parseInt("eval.prequential.popularity-window", v)),
              c -> Integer.toString(c.prequentialPopularityWindow)),
          new Option(
              "eval.prequential.from-time",
              "Event time (epoch milliseconds) from which clicks are scored; earlier ones still "
                  + "count for the popularity baselines, the known items and each user's seen items, "
                  + "so a replayed log is judged on its tail by all that came before (what `towerstream "
                  + "eval` sets); 0 = every click.",
              (b, v) -> b.prequentialFromTimeMs(parseLong("eval.prequential.from-time", v)),
              c -> Long.toString(c.prequentialFromTimeMs)),
          new Option(
              "model.version",
              "Model generation stamped on every update; vectors compare only within one.",
              (b, v) -> b.modelVersion(parseLong("model.version", v)),
              c -> Long.toString(c.modelVersion)),
          new Option(
              "delivery",
              "at-least-once | exactly-once for the Kafka sinks. exactly-once writes in "
                  + "transactions committed on checkpoints: readers must use isolation.level=read_committed and see "
                  + "updates only when a checkpoint completes. The demo and the benchmarks default to at-least-once.",
              (b, v) -> b.delivery(parseDelivery(v)),
              c -> cliName(c.delivery)),
          new Option(
              "sink.transactional-id-prefix",
              "Prefix of the Kafka transactional ids (exactly-once only); "
                  + "must be unique per job on the Kafka cluster.",
              (b, v) -> b.transactionalIdPrefix(v),
              c -> c.transactionalIdPrefix),
          new Option(
              "checkpoint.interval-ms",
              "Checkpoint interval: bounds replay after a failure and, with "
                  + "exactly-once, the latency of visible updates.",
              (b, v) -> b.checkpointIntervalMs(parseLong("checkpoint.interval-ms", v)),
              c -> Long.toString(c.checkpointIntervalMs)),
          new Option(
              "checkpoint.dir",
              "Durable checkpoint directory shared by all machines (s3://, hdfs://, "
                  + "file:// on a shared mount); empty = the cluster's execution.checkpointing.dir.",
              (b, v) -> b.checkpointDir(v),
              c -> c.checkpointDir == null ? "" : c.checkpointDir),
          new Option(
              "restart.attempts",
              "Restarts (from the last checkpoint) before the job fails for good.",
              (b, v) -> b.restartAttempts(parseInt("restart.attempts", v)),
              c -> Integer.toString(c.restartAttempts)),
          new Option(
              "restart.delay-ms",
              "Pause before each restart.",
              (b, v) -> b.restartDelayMs(parseLong("restart.delay-ms", v)),
              c -> Long.toString(c.restartDelayMs)),
          // model hyper-parameters: names match ModelConfig's validation messages; defaults are
          // ModelConfig's
          modelInt(
              "model.dim",
              "Embedding and tower output dimension.",
              ModelConfig.Builder::dim,
              ModelConfig::dim),
          modelInt(
              "model.batch-size",
              "Positive pairs per training step (a batch closes at this count).",
              ModelConfig.Builder::batchSize,
              ModelConfig::batchSize),
          modelFloat(
              "model.temperature",
              "Softmax temperature.",
              ModelConfig.Builder::temperature,
              ModelConfig::temperature),
          modelFloat(
              "model.learning-rate",
              "Learning rate of the id embedding tables (Adam or Adagrad, model.table.optimizer).",
              ModelConfig.Builder::learningRate,
              ModelConfig::learningRate),
          modelFloat(
              "model.tower-learning-rate",
              "Adam learning rate of the dense tower weights.",
              ModelConfig.Builder::towerLearningRate,
              ModelConfig::towerLearningRate),
          modelBool(
              "model.tower-projection",
              "true | false: a learned d x d projection after each id embedding.",
              ModelConfig.Builder::towerProjection,
              ModelConfig::towerProjection),
          modelInt(
              "model.tower.mlp-hidden",
              "Hidden width of a residual MLP on top of each tower; 0 = none.",
              ModelConfig.Builder::towerMlpHidden,
              ModelConfig::towerMlpHidden),
          modelBool(
              "model.log-q",
              "true | false: correct logits by log q(item) (Yi et al. 2019).",
              ModelConfig.Builder::logQCorrection,
              ModelConfig::logQCorrection),
          modelInt(
              "model.reservoir.capacity",
              "Distinct recent items kept for sampled negatives.",
              ModelConfig.Builder::reservoirCapacity,
              ModelConfig::reservoirCapacity),
          modelInt(
              "model.reservoir.negatives",
              "Reservoir negatives per batch; 0 = in-batch negatives only.",
              ModelConfig.Builder::reservoirNegatives,
              ModelConfig::reservoirNegatives),
          modelDouble(
              "model.reservoir.alpha",
              "Negative draw probability ~ count^alpha: 0 uniform, 1 by popularity.",
              ModelConfig.Builder::reservoirAlpha,
              ModelConfig::reservoirAlpha),
          modelDouble(
              "model.frequency.decay",
              "EMA rate of the streaming item-frequency estimator.",
              ModelConfig.Builder::frequencyDecay,
              ModelConfig::frequencyDecay),
          modelDouble(
              "model.gradient-clip-norm",
              "Global gradient L2 norm above which a step is scaled down.",
              ModelConfig.Builder::gradientClipNorm,
              ModelConfig::gradientClipNorm),
          modelFloat(
              "model.init-scale",
              "Standard deviation of new embedding rows.",
              ModelConfig.Builder::initScale,
              ModelConfig::initScale),
          modelInt(
              "model.max-rows-per-table",
              "Rows per table before the least recently used are evicted.",
              ModelConfig.Builder::maxRowsPerTable,
              ModelConfig::maxRowsPerTable),
          modelInt(
              "model.history.length",
              "Recent items pooled into the user tower; 0 = id-only user tower.",
              ModelConfig.Builder::historyLength,
              ModelConfig::historyLength),
          modelDouble(
              "model.history.recency-decay",
              "Weight of each older history item relative to the next newer one in the pooled user tower (gamma^age, normalised); 1 = the plain mean.",
              ModelConfig.Builder::historyRecencyDecay,
              ModelConfig::historyRecencyDecay),
          modelDouble(
              "model.history.recency-learning-rate",
              "Adam learning rate of the user tower's history weights by age, learned from the"
                  + " stream starting at model.history.recency-decay's shape; 0 = that shape stays"
                  + " fixed.",
              ModelConfig.Builder::historyRecencyLearningRate,
              ModelConfig::historyRecencyLearningRate),
          modelInt(
              "model.item-features.max-tokens",
              "Side-feature tokens per item (categories, tags, bucketed numbers from "
                  + "topic.item-features) pooled into the item tower, the rest dropped; 0 = side features off.",
              ModelConfig.Builder::itemFeatureTokens,
              ModelConfig::itemFeatureTokens),
          new Option(
              "model.item-features.bucket-widths",
              "Bucket widths of numeric side features, name=width[,name=width]; a feature without "
                  + "one is bucketed on a log2 scale; empty for none.",
              (b, v) -> b.model.itemFeatureBucketWidths(v),
              c -> c.model.itemFeatureBucketWidths()),
          modelDouble(
              "model.item-features.id-dropout",
              "Probability that a training step leaves out a featured item's id row, so that the "
                  + "tower learns to place items from their features alone (DropoutNet); 0 = off.",
              ModelConfig.Builder::itemFeatureIdDropout,
              ModelConfig::itemFeatureIdDropout),
          modelDouble(
              "model.history.id-weight",
              "Weight of the user's own id row beside their pooled history in the user tower, in"
                  + " (0, 1]; below 1 a user with few clicks leans on the history rows every user"
                  + " trains.",
              ModelConfig.Builder::historyIdWeight,
              ModelConfig::historyIdWeight),
          modelDouble(
              "model.replay.ratio",
              "Experience replay: earlier positives (from the last model.replay.capacity) trained"
                  + " again per new one, in a step of their own after each batch; 0 = off.",
              ModelConfig.Builder::replayRatio,
              ModelConfig::replayRatio),
          modelInt(
              "model.replay.capacity",
              "Recent positives kept for experience replay (checkpointed with the model).",
              ModelConfig.Builder::replayCapacity,
              ModelConfig::replayCapacity),
          modelDouble(
              "model.item-pairs.weight",
              "Weight of the item-item view loss: each event's item and the user's latest earlier"
                  + " clicks (model.item-pairs.window) as positive pairs of the item tower, against"
                  + " the batch's other items and the reservoir negatives; 0 = off.",
              ModelConfig.Builder::itemPairsWeight,
              ModelConfig::itemPairsWeight),
          modelDouble(
              "model.item-pairs.temperature",
              "Temperature of the item-item view loss.",
              ModelConfig.Builder::itemPairsTemperature,
              ModelConfig::itemPairsTemperature),
          modelInt(
              "model.item-pairs.window",
              "How many of the user's latest distinct earlier clicks each pair with the event's"
                  + " item in the item-item view loss.",
              ModelConfig.Builder::itemPairsWindow,
              ModelConfig::itemPairsWindow),
          modelBool(
              "model.item-bias",
              "true | false: a learned logit bias per item, published in the item's score bias.",
              ModelConfig.Builder::itemBias,
              ModelConfig::itemBias),
          modelFloat(
              "model.prior.weight",
              "Weight of the popularity prior published as each item's score bias: where tuning"
                  + " starts, or the weight served when it is off; 0 = no prior.",
              ModelConfig.Builder::priorWeight,
              ModelConfig::priorWeight),
          modelDouble(
              "model.prior.half-life-events",
              "Events after which a click counts half in the popularity prior.",
              ModelConfig.Builder::priorHalfLifeEvents,
              ModelConfig::priorHalfLifeEvents),
          modelInt(
              "model.prior.tuning-interval",
              "Tune the prior weight on every n-th batch (test-then-train HR@10 over a grid of"
                  + " weights, starting at model.prior.weight, switching on a significant lead);"
                  + " 0 = the weight stays fixed. Several trainer replicas"
                  + " (parallelism.trainer > 1) do not tune: each would pick its own weight, so they"
                  + " serve model.prior.weight.",
              ModelConfig.Builder::priorTuningInterval,
              ModelConfig::priorTuningInterval),
          modelLong(
              "model.seed",
              "Seed of every random choice in the model.",
              ModelConfig.Builder::seed,
              ModelConfig::seed),
          new Option(
              "model.loss",
              "infonce | symmetric-infonce | siglip | triplet (semi-hard negatives, model.loss.margin) | barlow-twins (negative-free redundancy reduction) | simsiam (negative-free, learned predictor and stop-gradient) | dino (negative-free self-distillation from a momentum teacher; simsiam and dino need model.item-bias false): the training loss (alignment: no negatives, collapses; the collapse monitor's control, never for training).",
              (b, v) -> b.model.loss(parseEnum("model.loss", v, ModelConfig.Loss.class)),
              c -> c.model.loss().cliName()),
          modelDouble(
              "model.loss.hard-negative-beta",
              "Hard-negative weighting beta of the InfoNCE losses; 0 = off.",
              ModelConfig.Builder::hardNegativeBeta,
              ModelConfig::hardNegativeBeta),
          modelDouble(
              "model.loss.positive-prior",
              "Debiasing positive prior tau+ of the InfoNCE losses; 0 = off.",
              ModelConfig.Builder::positivePrior,
              ModelConfig::positivePrior),
          modelDouble(
              "model.loss.margin",
              "Margin of the triplet loss, in squared distance between unit vectors (0, 4].",
              ModelConfig.Builder::tripletMargin,
              ModelConfig::tripletMargin),
          modelBool(
              "model.temperature.learned",
              "true | false: learn log(1/temperature) (CLIP), clamped to [0.01, 1].",
              ModelConfig.Builder::learnedTemperature,
              ModelConfig::learnedTemperature),
          modelInt(
              "model.queue.size",
              "MoCo queue of recent positives used as extra negatives; 0 = off.",
              ModelConfig.Builder::queueSize,
              ModelConfig::queueSize),
          modelDouble(
              "model.queue.momentum",
              "Momentum of the per-item encoder that feeds the queue.",
              ModelConfig.Builder::queueMomentum,
              ModelConfig::queueMomentum),
          modelInt(
              "model.table.admission-min-count",
              "Sightings of an id before it gets a row; 1 = on first sight.",
              ModelConfig.Builder::admissionMinCount,
              ModelConfig::admissionMinCount),
          modelLong(
              "model.table.ttl-events",
              "Rows idle for more than this many trained events are evicted; 0 = never.",
              ModelConfig.Builder::rowTtlEvents,
              ModelConfig::rowTtlEvents),
          new Option(
              "model.table.optimizer",
              "adagrad | adam: optimizer of the id embedding tables (row-wise Adagrad, one accumulator a row; or lazy Adam, two moments a coordinate: three times the memory, and it wants a learning rate near 0.005).",
              (b, v) ->
                  b.model.tableOptimizer(
                      parseEnum("model.table.optimizer", v, ModelConfig.TableOptimizer.class)),
              c -> c.model.tableOptimizer().cliName()),
          modelInt(
              "model.augment.views",
              "Augmented views per event: extra rows with the same user and item whose pooled history is a random crop and mask of the user's recent items (SimCLR/SimCSE views); 0 = off.",
              ModelConfig.Builder::augmentViews,
              ModelConfig::augmentViews),
          modelDouble(
              "model.augment.mask-probability",
              "Probability that a view leaves out each history item it kept.",
              ModelConfig.Builder::augmentMaskProbability,
              ModelConfig::augmentMaskProbability),
          modelDouble(
              "model.augment.crop-fraction",
              "Fraction of the history a view keeps as one contiguous window at a random place; 1 = no crop.",
              ModelConfig.Builder::augmentCropFraction,
              ModelConfig::augmentCropFraction),
          modelInt(
              "model.loss.dino.prototypes",
              "dino loss: learned prototypes, the width of its distributions.",
              ModelConfig.Builder::dinoPrototypes,
              ModelConfig::dinoPrototypes),
          modelDouble(
              "model.loss.dino.teacher-temperature",
              "dino loss: the teacher's temperature (the student's is model.temperature).",
              ModelConfig.Builder::dinoTeacherTemperature,
              ModelConfig::dinoTeacherTemperature),
          modelDouble(
              "model.loss.dino.momentum",
              "dino loss: momentum of the teacher's prototypes after each step.",
              ModelConfig.Builder::dinoMomentum,
              ModelConfig::dinoMomentum));

  private static final Map<String, Option> BY_NAME =
      OPTIONS.stream()
          .collect(Collectors.toMap(Option::name, o -> o, (a, b) -> a, LinkedHashMap::new));

  // ---------------------------------------------------------------------------------------------------------

  /**
   * Parses {@code --name value} or {@code --name=value} pairs.
   *
   * @throws IllegalArgumentException naming the option, for an unknown or repeated option, a
   *     missing or bad value, or a missing required option
   */
  /**
   * The environment variables' prefix: {@code TOWERSTREAM_JOB_MODEL_DIM} sets {@code --model.dim}.
   */
  public static final String ENV_PREFIX = "TOWERSTREAM_JOB_";

  /**
   * The job's options as a deployment gives them: flags, then the environment ({@link
   * #ENV_PREFIX}), then the file of {@code --config FILE} (see {@link LayeredOptions}), validated
   * as {@link #fromArgs} does.
   */
  public static JobConfig fromCommandLine(String[] args, Map<String, String> env) {
    return fromArgs(LayeredOptions.merge(args, env, ENV_PREFIX, BY_NAME.keySet()));
  }

  public static JobConfig fromArgs(String... args) {
    Builder builder = builder();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new IllegalArgumentException(
            "expected an option like --name value, got '" + arg + "'");
      }
      String name = arg.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("option --" + name + " needs a value");
      }
      if (name.startsWith(KafkaClientProperties.OPTION_PREFIX)
          && name.length() > KafkaClientProperties.OPTION_PREFIX.length()) {
        if (!seen.add(name)) {
          throw new IllegalArgumentException("option --" + name + " is given more than once");
        }
        builder.kafkaProperty(
            name.substring(KafkaClientProperties.OPTION_PREFIX.length()), value.trim());
        continue;
      }
      Option option = BY_NAME.get(name);
      if (option == null) {
        throw new IllegalArgumentException(
            "unknown option --"
                + name
                + "; known options: "
                + BY_NAME.keySet().stream().map(n -> "--" + n).collect(Collectors.joining(" ")));
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException("option --" + name + " is given more than once");
      }
      option.parse.accept(builder, value.trim());
    }
    return builder.build();
  }

  /**
   * The options that reproduce this configuration through {@link #fromArgs}, e.g. for {@code flink
   * run}.
   */
  public List<String> toArgs() {
    List<String> args = new ArrayList<>();
    for (Option option : OPTIONS) {
      args.add("--" + option.name);
      args.add(option.format.apply(this));
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
    String required = "\u0000required";
    JobConfig defaults = builder().bootstrapServers(required).build();
    return OPTIONS.stream()
        .map(
            o -> {
              String def = o.format.apply(defaults);
              return new OptionDoc(o.name, def.equals(required) ? "" : def, o.doc);
            })
        .toList();
  }

  /** Every option with its default and meaning, one per line. */
  public static String usage() {
    StringBuilder out =
        new StringBuilder("Options of the towerstream training job (--name value):\n");
    for (OptionDoc o : options()) {
      String shown =
          o.name().equals("bootstrap-servers")
              ? ""
              : " (default: " + (o.defaultValue().isEmpty() ? "none" : o.defaultValue()) + ")";
      out.append(String.format(Locale.ROOT, "  --%-30s %s%s%n", o.name(), o.description(), shown));
    }
    out.append(
        String.format(
            Locale.ROOT,
            "  --%-30s %s%n",
            LayeredOptions.CONFIG_OPTION,
            "Properties file of these options (name=value, e.g. model.dim=32; kafka.<property> too)."));
    out.append("Each option may instead come from ")
        .append(ENV_PREFIX)
        .append("<NAME> (upper case, '.' and '-' as '_', e.g. TOWERSTREAM_JOB_MODEL_DIM).\n")
        .append("Flags win over environment variables, and those over the --config file.\n");
    return out.toString();
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
     * JVM with the store's rocksdbjni (STACK.md trap 2), so the one-process demo cannot use it; a
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
   * The Flink settings this job needs: the configured state backend ({@code hashmap}, or {@code
   * rocksdb} with incremental checkpoints), exactly-once checkpoints at the configured interval, a
   * fixed delay restart strategy, and generic (Kryo) types switched off so a type Flink cannot
   * serialise properly fails at submission rather than at run time. Apply with {@code
   * env.configure(...)} or pass to {@code StreamExecutionEnvironment.getExecutionEnvironment(...)}.
   */
  public Configuration flinkConfiguration() {
    Configuration conf = new Configuration();
    conf.set(StateBackendOptions.STATE_BACKEND, stateBackend.name().toLowerCase(Locale.ROOT));
    if (stateBackend == StateBackend.ROCKSDB) {
      conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    }
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(checkpointIntervalMs));
    conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
    if (checkpointDir != null) {
      conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir);
      // a cancelled job can then be resumed from its last checkpoint (flink run -s <dir>)
      conf.set(
          CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
          ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    }
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restartAttempts);
    conf.set(
        RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY,
        Duration.ofMillis(restartDelayMs));
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    // No operator keeps a reference to a record it received, so chained operators may pass records
    // on without the
    // deep copy Flink makes otherwise (a serialise-deserialise of every published update, measured
    // as a third of
    // the trainer's publish time).
    conf.set(PipelineOptions.OBJECT_REUSE, true);
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

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public String clicksTopic() {
    return clicksTopic;
  }

  public String dlqTopic() {
    return dlqTopic;
  }

  public String embeddingsTopic() {
    return embeddingsTopic;
  }

  public String statusTopic() {
    return statusTopic;
  }

  public String syncTopic() {
    return syncTopic;
  }

  public String itemFeaturesTopic() {
    return itemFeaturesTopic;
  }

  /** How the clicks topic's values are encoded. */
  public ValueFormat clicksFormat() {
    return clicksFormat;
  }

  /** Where JSON clicks keep each field (used with {@link ValueFormat#JSON} only). */
  public ClickJson clicksJson() {
    return clicksJson;
  }

  /** How the item-features topic's values are encoded. */
  public ValueFormat itemFeaturesFormat() {
    return itemFeaturesFormat;
  }

  /** Where JSON item features keep each field (used with {@link ValueFormat#JSON} only). */
  public ItemFeaturesJson itemFeaturesJson() {
    return itemFeaturesJson;
  }

  public String groupId() {
    return groupId;
  }

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

  public StateBackend stateBackend() {
    return stateBackend;
  }

  public long watermarkOutOfOrdernessMs() {
    return watermarkOutOfOrdernessMs;
  }

  /** 0 means partitions are never marked idle. */
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

  public DeliveryGuarantee delivery() {
    return delivery;
  }

  public String transactionalIdPrefix() {
    return transactionalIdPrefix;
  }

  public long checkpointIntervalMs() {
    return checkpointIntervalMs;
  }

  /** Null when the cluster's configured checkpoint directory is used. */
  public String checkpointDir() {
    return checkpointDir;
  }

  public int restartAttempts() {
    return restartAttempts;
  }

  public long restartDelayMs() {
    return restartDelayMs;
  }

  /**
   * Extra properties for every Kafka client of the job: the config file's, then {@code --kafka.*}
   * (sorted).
   */
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
    private String clicksTopic = Topics.CLICKS.defaultName();
    private String dlqTopic = Topics.CLICKS_DLQ.defaultName();
    private String embeddingsTopic = Topics.EMBEDDINGS.defaultName();
    private String statusTopic = Topics.TRAINER_STATUS.defaultName();
    private String syncTopic = Topics.MODEL_SYNC.defaultName();
    private String itemFeaturesTopic = Topics.ITEM_FEATURES.defaultName();
    private ValueFormat clicksFormat = ValueFormat.parse(InputOptions.FORMAT_DEFAULT);
    private String clicksUserField = ClickJson.DEFAULTS.userField();
    private String clicksItemField = ClickJson.DEFAULTS.itemField();
    private String clicksTimeField = ClickJson.DEFAULTS.timeField();
    private EventTimeFormat clicksTimeFormat = ClickJson.DEFAULTS.timeFormat();
    private String clicksTypeField = ClickJson.DEFAULTS.typeField();
    private String clicksWeightField = ClickJson.DEFAULTS.weightField();
    private ValueFormat itemFeaturesFormat = ValueFormat.parse(InputOptions.FORMAT_DEFAULT);
    private String itemsItemField = ItemFeaturesJson.DEFAULTS.itemField();
    private String itemsCategoriesField = ItemFeaturesJson.DEFAULTS.categoriesField();
    private String itemsTagsField = ItemFeaturesJson.DEFAULTS.tagsField();
    private String itemsNumericField = ItemFeaturesJson.DEFAULTS.numericField();
    private String groupId = "towerstream-trainer";
    private StartingOffsets startingOffsets = StartingOffsets.COMMITTED;
    private int sourceParallelism = 0;
    private int trainerParallelism = 1;
    private int maxParallelism = 128;
    private long syncIntervalMs = 200;
    private StateBackend stateBackend = StateBackend.HASHMAP;
    private long watermarkOutOfOrdernessMs = 5_000;
    private long watermarkIdlenessMs = 30_000;
    private long batchMaxWaitMs = 50;
    private long publishIntervalMs = 1_000;
    private long itemRefreshMs = 10_000;
    private int maxIdLength = ClickRules.DEFAULTS.maxIdLength();
    private float maxWeight = ClickRules.DEFAULTS.maxWeight();
    private long maxFutureMs = ClickRules.DEFAULTS.maxFutureMs();
    private double prequentialSampleRate = 1.0;
    private double prequentialBudget = 0.1;
    private int prequentialWindow = 10_000;
    private int prequentialPopularityWindow = 1_000;
    private long prequentialFromTimeMs = 0;
    private long modelVersion = 1;
    private ModelConfig.Builder model = ModelConfig.builder();
    // the distributed mode's guarantee; the one-machine demo and benchmarks choose at-least-once
    // for freshness
    private DeliveryGuarantee delivery = DeliveryGuarantee.EXACTLY_ONCE;
    private String transactionalIdPrefix = "towerstream-trainer";
    private long checkpointIntervalMs = 10_000;
    private String checkpointDir;
    private int restartAttempts = 10;
    private long restartDelayMs = 5_000;
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

    public Builder checkpointIntervalMs(long v) {
      checkpointIntervalMs = v;
      return this;
    }

    /** Null or empty: use the cluster's configured checkpoint directory. */
    public Builder checkpointDir(String v) {
      checkpointDir = v == null || v.isBlank() ? null : v;
      return this;
    }

    public Builder restartAttempts(int v) {
      restartAttempts = v;
      return this;
    }

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
      requireName(clicksTopic, "topic.clicks");
      requireName(dlqTopic, "topic.dlq");
      requireName(embeddingsTopic, "topic.embeddings");
      requireName(statusTopic, "topic.status");
      requireName(syncTopic, "topic.sync");
      requireName(itemFeaturesTopic, "topic.item-features");
      require(clicksFormat != null, InputOptions.CLICKS_FORMAT, null, "avro or json");
      require(itemFeaturesFormat != null, InputOptions.ITEMS_FORMAT, null, "avro or json");
      requireField(clicksUserField, InputOptions.CLICKS_USER_FIELD);
      requireField(clicksItemField, InputOptions.CLICKS_ITEM_FIELD);
      requireField(clicksTimeField, InputOptions.CLICKS_TIME_FIELD);
      require(
          clicksTimeFormat != null,
          InputOptions.CLICKS_TIME_FORMAT,
          null,
          "epoch-millis, epoch-seconds or iso-8601");
      requireField(itemsItemField, InputOptions.ITEMS_ITEM_FIELD);
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
      requireName(groupId, "group-id");
      require(
          startingOffsets != null, "starting-offsets", null, "one of earliest, latest, committed");
      require(
          sourceParallelism >= 0,
          "parallelism.source",
          sourceParallelism,
          "non-negative (0 = default)");
      require(trainerParallelism >= 1, "parallelism.trainer", trainerParallelism, "at least 1");
      require(
          maxParallelism >= trainerParallelism && maxParallelism <= 32_768,
          "parallelism.max",
          maxParallelism,
          "between parallelism.trainer (" + trainerParallelism + ") and 32768");
      require(syncIntervalMs >= 1, "sync.interval-ms", syncIntervalMs, "at least 1");
      require(stateBackend != null, "state.backend", null, "hashmap or rocksdb");
      require(
          stateBackend.available(),
          "state.backend",
          "rocksdb",
          "hashmap in this process: Flink's RocksDB state "
              + "backend (flink-statebackend-rocksdb) is not on its classpath (a Flink cluster's lib/ has it; the embedded "
              + "demo leaves it out because its frocksdbjni clashes with the store's rocksdbjni)");
      require(
          watermarkOutOfOrdernessMs >= 0,
          "watermark.out-of-orderness-ms",
          watermarkOutOfOrdernessMs,
          "non-negative");
      require(
          watermarkIdlenessMs >= 0, "watermark.idleness-ms", watermarkIdlenessMs, "non-negative");
      require(
          batchMaxWaitMs >= 0,
          "batch.max-wait-ms",
          batchMaxWaitMs,
          "non-negative (0 = count only)");
      require(publishIntervalMs >= 1, "publish.interval-ms", publishIntervalMs, "at least 1");
      require(
          itemRefreshMs >= 0,
          "publish.item-refresh-ms",
          itemRefreshMs,
          "non-negative (0 = every publish)");
      require(
          maxIdLength >= 1 && maxIdLength <= 65_536,
          "validation.max-id-length",
          maxIdLength,
          "in [1, 65536]");
      require(
          maxWeight > 0 && !Float.isInfinite(maxWeight),
          "validation.max-weight",
          maxWeight,
          "a finite positive number");
      require(maxFutureMs >= 0, "validation.max-future-ms", maxFutureMs, "non-negative");
      require(
          prequentialSampleRate >= 0 && prequentialSampleRate <= 1,
          "eval.prequential.sample-rate",
          prequentialSampleRate,
          "in [0, 1] (0 = off)");
      require(
          prequentialBudget >= 0 && prequentialBudget <= 10,
          "eval.prequential.budget",
          prequentialBudget,
          "in [0, 10] (0 = no limit)");
      require(prequentialWindow >= 1, "eval.prequential.window", prequentialWindow, "at least 1");
      require(
          prequentialPopularityWindow >= 1,
          "eval.prequential.popularity-window",
          prequentialPopularityWindow,
          "at least 1");
      require(
          prequentialFromTimeMs >= 0,
          "eval.prequential.from-time",
          prequentialFromTimeMs,
          "non-negative epoch milliseconds (0 = every click)");
      require(modelVersion >= 0, "model.version", modelVersion, "non-negative");
      require(
          delivery == DeliveryGuarantee.AT_LEAST_ONCE || delivery == DeliveryGuarantee.EXACTLY_ONCE,
          "delivery",
          delivery,
          "at-least-once or exactly-once");
      requireName(transactionalIdPrefix, "sink.transactional-id-prefix");
      require(
          checkpointIntervalMs >= 10,
          "checkpoint.interval-ms",
          checkpointIntervalMs,
          "at least 10 (offsets and model state are only safe in checkpoints)");
      require(restartAttempts >= 0, "restart.attempts", restartAttempts, "non-negative");
      require(restartDelayMs >= 0, "restart.delay-ms", restartDelayMs, "non-negative");
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

    private static void requireName(String value, String option) {
      require(value != null && !value.isBlank(), option, value, "a non-empty name");
    }

    private static void requireField(String value, String option) {
      require(
          value != null && !value.isEmpty(),
          option,
          value,
          "a field name or a JSON Pointer such as /user/id");
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

  // ---------------------------------------------------------------------------------------------------------
  // value parsing: every failure names the option

  private static void require(boolean ok, String option, Object value, String expectation) {
    if (!ok) {
      throw new IllegalArgumentException(
          "--" + option + " must be " + expectation + ", was " + value);
    }
  }

  private static int parseInt(String option, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw bad(option, v, "an integer");
    }
  }

  private static long parseLong(String option, String v) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw bad(option, v, "an integer");
    }
  }

  private static double parseDouble(String option, String v) {
    double d;
    try {
      d = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw bad(option, v, "a number");
    }
    if (!Double.isFinite(d)) {
      throw bad(option, v, "a finite number");
    }
    return d;
  }

  private static float parseFloat(String option, String v) {
    double d = parseDouble(option, v);
    if (Math.abs(d) > Float.MAX_VALUE) {
      throw bad(option, v, "a number within float range");
    }
    return (float) d;
  }

  private static boolean parseBool(String option, String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw bad(option, v, "true or false");
    };
  }

  private static <E extends Enum<E>> E parseEnum(String option, String v, Class<E> type) {
    for (E e : type.getEnumConstants()) {
      if (e.name().replace('_', '-').equalsIgnoreCase(v)) {
        return e;
      }
    }
    throw bad(
        option,
        v,
        "one of "
            + Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .collect(Collectors.joining(", ")));
  }

  private static DeliveryGuarantee parseDelivery(String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "at-least-once" -> DeliveryGuarantee.AT_LEAST_ONCE;
      case "exactly-once" -> DeliveryGuarantee.EXACTLY_ONCE;
      default -> throw bad("delivery", v, "at-least-once or exactly-once");
    };
  }

  private static String cliName(DeliveryGuarantee d) {
    return d.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static IllegalArgumentException bad(String option, String value, String expected) {
    return new IllegalArgumentException(
        "--" + option + " must be " + expected + ", was '" + value + "'");
  }

  // model options: read into / write from the nested ModelConfig

  private interface ModelSetter<V> extends BiConsumer<ModelConfig.Builder, V> {}

  private interface ModelGetter<V> extends Function<ModelConfig, V> {}

  private static Option modelInt(
      String name, String doc, ModelSetter<Integer> set, ModelGetter<Integer> get) {
    return new Option(
        name,
        doc,
        (b, v) -> set.accept(b.model, parseInt(name, v)),
        c -> get.apply(c.model).toString());
  }

  private static Option modelLong(
      String name, String doc, ModelSetter<Long> set, ModelGetter<Long> get) {
    return new Option(
        name,
        doc,
        (b, v) -> set.accept(b.model, parseLong(name, v)),
        c -> get.apply(c.model).toString());
  }

  private static Option modelFloat(
      String name, String doc, ModelSetter<Float> set, ModelGetter<Float> get) {
    return new Option(
        name,
        doc,
        (b, v) -> set.accept(b.model, parseFloat(name, v)),
        c -> get.apply(c.model).toString());
  }

  private static Option modelDouble(
      String name, String doc, ModelSetter<Double> set, ModelGetter<Double> get) {
    return new Option(
        name,
        doc,
        (b, v) -> set.accept(b.model, parseDouble(name, v)),
        c -> get.apply(c.model).toString());
  }

  private static Option modelBool(
      String name, String doc, ModelSetter<Boolean> set, ModelGetter<Boolean> get) {
    return new Option(
        name,
        doc,
        (b, v) -> set.accept(b.model, parseBool(name, v)),
        c -> get.apply(c.model).toString());
  }
}
