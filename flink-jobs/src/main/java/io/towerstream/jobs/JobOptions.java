package io.towerstream.jobs;

import io.towerstream.config.Option;
import io.towerstream.config.ValueType;
import io.towerstream.jobs.functions.ClickRules;
import io.towerstream.jobs.sources.StartingOffsets;
import io.towerstream.schemas.KafkaClientProperties;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.ValueFormat;
import io.towerstream.schemas.json.ClickJson;
import io.towerstream.schemas.json.EventTimeFormat;
import io.towerstream.schemas.json.ItemFeaturesJson;
import java.util.function.Predicate;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * The training job's own options, each declared once with its default, checks and meaning; the
 * model's are {@link io.towerstream.model.ModelOptions}. {@link JobConfig} ties them to its builder
 * and reads them; {@link JobConfigBuilder#build()} checks every value by these declarations, so a
 * configuration built in code is held to the same rules as one parsed from flags.
 *
 * <p>{@link #STATE_BACKEND}, {@link #CHECKPOINT_INTERVAL_MS}, {@link #RESTART_ATTEMPTS} and {@link
 * #RESTART_DELAY_MS} have no default: unset, the job leaves the Flink cluster's own settings alone.
 */
public final class JobOptions {
  private static final Predicate<String> NAMED = v -> !v.isBlank();
  private static final String A_NAME = "a non-empty name";
  private static final Predicate<String> FIELD = v -> !v.isEmpty();
  private static final String A_FIELD = "a field name or a JSON Pointer such as /user/id";

  /** The two guarantees the job's sinks give, by their hyphenated names. */
  private static final ValueType<DeliveryGuarantee> DELIVERY_TYPE =
      ValueType.enumType(DeliveryGuarantee.class).describedAs("at-least-once or exactly-once");

  public static final Option<String> BOOTSTRAP_SERVERS =
      Option.stringOption("bootstrap-servers")
          .required()
          .doc("Kafka bootstrap servers, host:port[,host:port]. Required.");

  public static final Option<String> KAFKA_CONFIG_FILE =
      Option.stringOption(KafkaClientProperties.FILE_OPTION)
          .doc(
              "Properties file of Kafka client settings for every consumer and "
                  + "producer of the job (security.protocol, sasl.*, ssl.*), read where the job's main runs; "
                  + "--kafka.<property> value sets one and wins over the file. Keep secrets in the file.");

  public static final Option<String> CLICKS_TOPIC =
      Option.stringOption("topic.clicks")
          .defaultValue(Topics.CLICKS.defaultName())
          .check(NAMED, A_NAME)
          .doc("Input topic of clicks (ClickEvents, encoded as clicks.format says).");

  public static final Option<String> DLQ_TOPIC =
      Option.stringOption("topic.dlq")
          .defaultValue(Topics.CLICKS_DLQ.defaultName())
          .check(NAMED, A_NAME)
          .doc("Output topic of DeadLetters (records that could not be used).");

  public static final Option<String> EMBEDDINGS_TOPIC =
      Option.stringOption("topic.embeddings")
          .defaultValue(Topics.EMBEDDINGS.defaultName())
          .check(NAMED, A_NAME)
          .doc("Output topic of EmbeddingUpdates (compacted).");

  public static final Option<String> STATUS_TOPIC =
      Option.stringOption("topic.status")
          .defaultValue(Topics.TRAINER_STATUS.defaultName())
          .check(NAMED, A_NAME)
          .doc("Output topic of TrainerStatus records (compacted).");

  public static final Option<String> SYNC_TOPIC =
      Option.stringOption("topic.sync")
          .defaultValue(Topics.MODEL_SYNC.defaultName())
          .check(NAMED, A_NAME)
          .doc(
              "Topic through which the trainer subtasks exchange item and tower deltas (internal; "
                  + "one partition).");

  public static final Option<String> ITEM_FEATURES_TOPIC =
      Option.stringOption("topic.item-features")
          .defaultValue(Topics.ITEM_FEATURES.defaultName())
          .check(NAMED, A_NAME)
          .doc(
              "Input topic of ItemFeatures (encoded as item-features.format says), the item "
                  + "catalogue (compacted, key = item id; a tombstone withdraws an item's features); "
                  + "always read from the beginning.");

  public static final Option<ValueFormat> CLICKS_FORMAT =
      Option.enumOption("clicks.format", ValueFormat.class)
          .defaultValue(ValueFormat.parse("avro"))
          .doc(
              "avro | json: encoding of the clicks topic's values: towerstream's Avro ClickEvent, or one"
                  + " JSON object per record whose fields the clicks.json.* options name (docs/clicks.md)."
                  + " Both are validated by the same rules; a record that cannot be read goes to the"
                  + " dead-letter topic with the reason.");

  public static final Option<String> CLICKS_USER_FIELD =
      Option.stringOption("clicks.json.user-field")
          .defaultValue(ClickJson.DEFAULTS.userField())
          .check(FIELD, A_FIELD)
          .doc(
              "JSON clicks: the field of the user id, a string or an integer; a name, or a JSON Pointer"
                  + " into nested objects such as /user/id (so for every *-field option).");

  public static final Option<String> CLICKS_ITEM_FIELD =
      Option.stringOption("clicks.json.item-field")
          .defaultValue(ClickJson.DEFAULTS.itemField())
          .check(FIELD, A_FIELD)
          .doc("JSON clicks: the field of the item id, a string or an integer.");

  public static final Option<String> CLICKS_TIME_FIELD =
      Option.stringOption("clicks.json.time-field")
          .defaultValue(ClickJson.DEFAULTS.timeField())
          .check(FIELD, A_FIELD)
          .doc(
              "JSON clicks: the field of the event time, written as clicks.json.time-format says.");

  public static final Option<EventTimeFormat> CLICKS_TIME_FORMAT =
      Option.enumOption("clicks.json.time-format", EventTimeFormat.class)
          .defaultValue(ClickJson.DEFAULTS.timeFormat())
          .doc(
              "epoch-millis | epoch-seconds | iso-8601: how JSON clicks write the event time: an integer"
                  + " of milliseconds, a number of seconds (a fraction is kept to the millisecond), or a"
                  + " date-time string with an offset such as 2024-05-01T12:30:00Z. Stated, never guessed"
                  + " from the value.");

  public static final Option<String> CLICKS_TYPE_FIELD =
      Option.stringOption("clicks.json.type-field")
          .defaultValue(ClickJson.DEFAULTS.typeField())
          .doc(
              "JSON clicks: the field of the event type (click, view or purchase, in any case; absent or"
                  + " null = click); empty = the records have none.");

  public static final Option<String> CLICKS_WEIGHT_FIELD =
      Option.stringOption("clicks.json.weight-field")
          .defaultValue(ClickJson.DEFAULTS.weightField())
          .doc(
              "JSON clicks: the field of the weight, a number (absent or null = 1); empty = the records"
                  + " have none.");

  public static final Option<ValueFormat> ITEMS_FORMAT =
      Option.enumOption("item-features.format", ValueFormat.class)
          .defaultValue(ValueFormat.parse("avro"))
          .doc(
              "avro | json: encoding of the item-features topic's values: Avro ItemFeatures, or one JSON"
                  + " object per record whose fields the item-features.json.* options name.");

  public static final Option<String> ITEMS_ITEM_FIELD =
      Option.stringOption("item-features.json.item-field")
          .defaultValue(ItemFeaturesJson.DEFAULTS.itemField())
          .check(FIELD, A_FIELD)
          .doc(
              "JSON item features: the field of the item id, a string or an integer (the record key must"
                  + " equal it).");

  public static final Option<String> ITEMS_CATEGORIES_FIELD =
      Option.stringOption("item-features.json.categories-field")
          .defaultValue(ItemFeaturesJson.DEFAULTS.categoriesField())
          .doc(
              "JSON item features: the field of the categories, an array of strings; empty = none.");

  public static final Option<String> ITEMS_TAGS_FIELD =
      Option.stringOption("item-features.json.tags-field")
          .defaultValue(ItemFeaturesJson.DEFAULTS.tagsField())
          .doc("JSON item features: the field of the tags, an array of strings; empty = none.");

  public static final Option<String> ITEMS_NUMERIC_FIELD =
      Option.stringOption("item-features.json.numeric-field")
          .defaultValue(ItemFeaturesJson.DEFAULTS.numericField())
          .doc(
              "JSON item features: the field of the numeric features, an object of finite numbers by"
                  + " name; empty = none.");

  public static final Option<String> GROUP_ID =
      Option.stringOption("group-id")
          .defaultValue("towerstream-trainer")
          .check(NAMED, A_NAME)
          .doc("Kafka consumer group of the click source (offsets are committed on checkpoints).");

  public static final Option<StartingOffsets> STARTING_OFFSETS =
      Option.enumOption("starting-offsets", StartingOffsets.class)
          .defaultValue(StartingOffsets.COMMITTED)
          .doc(
              "earliest | latest | committed: where to start without a checkpoint; "
                  + "committed falls back to earliest for partitions without a commit.");

  public static final Option<Integer> SOURCE_PARALLELISM =
      Option.intOption("parallelism.source")
          .defaultValue(0)
          .check(v -> v >= 0, "non-negative (0 = default)")
          .doc("Parallelism of the Kafka source and validation; 0 = the environment's.");

  public static final Option<Integer> TRAINER_PARALLELISM =
      Option.intOption("parallelism.trainer")
          .defaultValue(1)
          .check(v -> v >= 1, "at least 1")
          .doc(
              "Trainer subtasks. Users (rows, histories) are sharded by user id in keyed "
                  + "state; each subtask holds a replica of the item rows and tower weights, kept in step through "
                  + "topic.sync (see flink-jobs/README.md, Decisions: users sharded, items"
                  + " replicated).");

  public static final Option<Integer> MAX_PARALLELISM =
      Option.intOption("parallelism.max")
          .defaultValue(128)
          .check(v -> v >= 1 && v <= 32_768, "in [1, 32768]")
          .doc(
              "Maximum trainer parallelism (key groups of the user state): a job can be "
                  + "rescaled up to it from a savepoint, and it cannot change for the life of the state.");

  public static final Option<Long> SYNC_INTERVAL_MS =
      Option.longOption("sync.interval-ms")
          .defaultValue(200L)
          .check(v -> v >= 1, "at least 1")
          .doc(
              "How often each trainer subtask sends its item and tower changes to the others "
                  + "(and at every checkpoint); bounds how stale a replica's item rows are.");

  public static final Option<JobConfig.StateBackend> STATE_BACKEND =
      Option.enumOption("state.backend", JobConfig.StateBackend.class)
          .doc(
              "hashmap | rocksdb: Flink state backend; unset, the cluster's state.backend.type (Flink's own default: hashmap). hashmap keeps state on the heap (full "
                  + "checkpoints, written asynchronously); rocksdb keeps the user rows on local disk and checkpoints "
                  + "incrementally (Flink's distribution provides it; the embedded demo cannot, see flink-jobs/README.md).");

  public static final Option<Long> WATERMARK_OUT_OF_ORDERNESS_MS =
      Option.longOption("watermark.out-of-orderness-ms")
          .defaultValue(5_000L)
          .check(v -> v >= 0, "non-negative")
          .doc("How far event times may run backwards before events are late.");

  public static final Option<Long> WATERMARK_IDLENESS_MS =
      Option.longOption("watermark.idleness-ms")
          .defaultValue(30_000L)
          .check(v -> v >= 0, "non-negative")
          .doc(
              "A partition without events this long stops holding watermarks back; "
                  + "0 = never idle.");

  public static final Option<Long> BATCH_MAX_WAIT_MS =
      Option.longOption("batch.max-wait-ms")
          .defaultValue(50L)
          .check(v -> v >= 0, "non-negative (0 = count only)")
          .doc(
              "A partial batch is trained this long after its first event, so freshness "
                  + "holds at low traffic; 0 = batches close by count only (fully deterministic).");

  public static final Option<Long> PUBLISH_INTERVAL_MS =
      Option.longOption("publish.interval-ms")
          .defaultValue(1_000L)
          .check(v -> v >= 1, "at least 1")
          .doc("How often changed embeddings and a status record are published.");

  public static final Option<Long> ITEM_REFRESH_MS =
      Option.longOption("publish.item-refresh-ms")
          .defaultValue(10_000L)
          .check(v -> v >= 0, "non-negative (0 = every publish)")
          .doc(
              "Items changed only as sampled negatives or history items (clicked by "
                  + "nobody since the last publish) are published at most this often, and whenever training pauses; "
                  + "clicked items and users go out every publish. 0 = every changed item at every publish.");

  public static final Option<Integer> MAX_ID_LENGTH =
      Option.intOption("validation.max-id-length")
          .defaultValue(ClickRules.DEFAULTS.maxIdLength())
          .check(v -> v >= 1 && v <= 65_536, "in [1, 65536]")
          .doc(
              "Longest user or item id accepted (characters); longer ones go to "
                  + "the dead-letter topic.");

  public static final Option<Float> MAX_WEIGHT =
      Option.floatOption("validation.max-weight")
          .defaultValue(ClickRules.DEFAULTS.maxWeight())
          .check(v -> v > 0 && !Float.isInfinite(v), "a finite positive number")
          .doc("Largest click weight accepted; larger ones go to the dead-letter topic.");

  public static final Option<Long> MAX_FUTURE_MS =
      Option.longOption("validation.max-future-ms")
          .defaultValue(ClickRules.DEFAULTS.maxFutureMs())
          .check(v -> v >= 0, "non-negative")
          .doc(
              "How far ahead of the job's clock an event time may be; later ones (and "
                  + "any before 1970) go to the dead-letter topic.");

  public static final Option<Double> PREQUENTIAL_SAMPLE_RATE =
      Option.doubleOption("eval.prequential.sample-rate")
          .defaultValue(1.0)
          .check(v -> v >= 0 && v <= 1, "in [0, 1] (0 = off)")
          .doc(
              "Share of users (a fixed cohort, by id hash) whose clicks are scored "
                  + "test-then-train before they train; 0 = off. Each scored event ranks every known item.");

  public static final Option<Double> PREQUENTIAL_BUDGET =
      Option.doubleOption("eval.prequential.budget")
          .defaultValue(0.1)
          .check(v -> v >= 0 && v <= 10, "in [0, 10] (0 = no limit)")
          .doc(
              "Most time test-then-train scoring may take, as a share of the training "
                  + "time: above it the cohort shrinks (large catalogues); 0 = no limit.");

  public static final Option<Integer> PREQUENTIAL_WINDOW =
      Option.intOption("eval.prequential.window")
          .defaultValue(10_000)
          .check(v -> v >= 1, "at least 1")
          .doc("Scored events in the sliding window of the published metrics.");

  public static final Option<Integer> PREQUENTIAL_POPULARITY_WINDOW =
      Option.intOption("eval.prequential.popularity-window")
          .defaultValue(1_000)
          .check(v -> v >= 1, "at least 1")
          .doc("Events counted by the recent-popularity baseline.");

  public static final Option<Long> PREQUENTIAL_FROM_TIME_MS =
      Option.longOption("eval.prequential.from-time")
          .defaultValue(0L)
          .check(v -> v >= 0, "non-negative epoch milliseconds (0 = every click)")
          .doc(
              "Event time (epoch milliseconds) from which clicks are scored; earlier ones still "
                  + "count for the popularity baselines, the known items and each user's seen items, "
                  + "so a replayed log is judged on its tail by all that came before (what `towerstream "
                  + "eval` sets); 0 = every click.");

  public static final Option<Long> MODEL_VERSION =
      Option.longOption("model.version")
          .defaultValue(1L)
          .check(v -> v >= 0, "non-negative")
          .doc("Model generation stamped on every update; vectors compare only within one.");

  public static final Option<DeliveryGuarantee> DELIVERY =
      Option.of("delivery", DELIVERY_TYPE)
          .defaultValue(DeliveryGuarantee.EXACTLY_ONCE)
          .check(d -> d != DeliveryGuarantee.NONE, "at-least-once or exactly-once")
          .doc(
              "at-least-once | exactly-once for the Kafka sinks. exactly-once writes in "
                  + "transactions committed on checkpoints: readers must use isolation.level=read_committed and see "
                  + "updates only when a checkpoint completes. The demo and the benchmarks default to at-least-once.");

  public static final Option<String> TRANSACTIONAL_ID_PREFIX =
      Option.stringOption("sink.transactional-id-prefix")
          .defaultValue("towerstream-trainer")
          .check(NAMED, A_NAME)
          .doc(
              "Prefix of the Kafka transactional ids (exactly-once only); "
                  + "must be unique per job on the Kafka cluster.");

  public static final Option<Long> CHECKPOINT_INTERVAL_MS =
      Option.longOption("checkpoint.interval-ms")
          .check(v -> v >= 10, "at least 10 (offsets and model state are only safe in checkpoints)")
          .doc(
              "Checkpoint interval: bounds replay after a failure and, with "
                  + "exactly-once, the latency of visible updates. Unset, the cluster's execution.checkpointing.interval; "
                  + "where the cluster sets none either, 10000 (the job's offsets and model state are only safe in checkpoints).");

  public static final Option<String> CHECKPOINT_DIR =
      Option.stringOption("checkpoint.dir")
          .doc(
              "Durable checkpoint directory shared by all machines (s3://, hdfs://, "
                  + "file:// on a shared mount); empty = the cluster's execution.checkpointing.dir.");

  public static final Option<Integer> RESTART_ATTEMPTS =
      Option.intOption("restart.attempts")
          .check(v -> v >= 0, "non-negative")
          .doc(
              "Restarts (from the last checkpoint) before the job fails for good, with a fixed delay of "
                  + "restart.delay-ms (5000 when only this is given). Unset with restart.delay-ms, the cluster's restart strategy.");

  public static final Option<Long> RESTART_DELAY_MS =
      Option.longOption("restart.delay-ms")
          .check(v -> v >= 0, "non-negative")
          .doc(
              "Pause before each restart (a fixed-delay restart strategy; restart.attempts 10 when only this "
                  + "is given). Unset with restart.attempts, the cluster's restart strategy.");

  private JobOptions() {}
}
