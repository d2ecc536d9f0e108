package io.towerstream.jobs;

import io.towerstream.jobs.functions.DeltaAsSideInput;
import io.towerstream.jobs.functions.UserIdKey;
import io.towerstream.jobs.functions.ValidateClicks;
import io.towerstream.jobs.functions.ValidateItemFeatures;
import io.towerstream.jobs.operators.ModelFactory;
import io.towerstream.jobs.operators.StatusAggregator;
import io.towerstream.jobs.operators.TrainerOperator;
import io.towerstream.jobs.operators.TwoTowerModelFactory;
import io.towerstream.jobs.records.AvroTypeInfo;
import io.towerstream.jobs.records.TrainerSideInput;
import io.towerstream.jobs.sinks.KafkaSinks;
import io.towerstream.jobs.sources.ClickSource;
import io.towerstream.jobs.sources.ItemFeatureSource;
import io.towerstream.jobs.sources.ParsedClick;
import io.towerstream.jobs.sources.ParsedItemFeatures;
import io.towerstream.jobs.sources.SyncSource;
import io.towerstream.schemas.AvroTrust;
import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.avro.DeadLetter;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import io.towerstream.schemas.avro.ModelDelta;
import io.towerstream.schemas.avro.TrainerStatus;
import java.util.Arrays;
import java.util.Objects;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.LoggerFactory;

/**
 * The training job: clicks from Kafka → validation (bad records to the dead-letter topic) → trainer
 * subtasks sharded by user, each with a replica of the item rows and tower weights kept in step
 * through the sync topic, and every item's side features from the item-features topic → changed
 * embeddings to Kafka at every publish, and one job-level status record.
 *
 * <p>Configuration, topology and execution are separate: {@link #build} wires any source and sinks
 * (tests use their own), {@link #buildWithKafka} plugs in the Kafka connectors, {@link #main}
 * parses the options, configures the environment and executes. Every operator has a name and a
 * stable uid, so savepoints survive code changes.
 */
public final class TrainingJob {
  public static final String SOURCE_UID = "clicks-source";
  public static final String VALIDATE_UID = "validate-clicks";
  public static final String TRAINER_UID = "trainer";
  public static final String EMBEDDINGS_SINK_UID = "embeddings-sink";
  public static final String STATUS_UID = "trainer-status";
  public static final String STATUS_SINK_UID = "trainer-status-sink";
  public static final String SYNC_SOURCE_UID = "sync-source";
  public static final String SYNC_SINK_UID = "sync-sink";
  public static final String DLQ_SINK_UID = "clicks-dlq-sink";
  public static final String ITEM_FEATURES_SOURCE_UID = "item-features-source";
  public static final String VALIDATE_ITEM_FEATURES_UID = "validate-item-features";
  public static final String SYNC_SIDE_INPUT_UID = "sync-side-input";

  private final JobConfig config;
  private final ModelFactory models;

  /** The job with the production model ({@code TwoTowerModels}). */
  public TrainingJob(JobConfig config) {
    this(config, new TwoTowerModelFactory());
  }

  /** The job with another model implementation, e.g. a fake in tests. */
  public TrainingJob(JobConfig config, ModelFactory models) {
    this.config = Objects.requireNonNull(config, "config");
    this.models = Objects.requireNonNull(models, "models");
  }

  public JobConfig config() {
    return config;
  }

  /**
   * The streams of a built topology, for callers that want to attach more (e.g. evaluation taps).
   */
  public record Streams(
      DataStream<ClickEvent> validClicks,
      DataStream<DeadLetter> deadLetters,
      DataStream<EmbeddingUpdate> embeddings,
      DataStream<TrainerStatus> status,
      DataStream<ModelDelta> deltas) {}

  /**
   * Where the job reads and writes: the clicks, the replicas' deltas and the item catalogue in,
   * dead letters, embeddings, the job-level status and this job's own deltas out. {@link
   * #buildWithKafka} uses the Kafka ones; tests their own.
   */
  public record Connectors(
      Source<ParsedClick, ?, ?> clicks,
      Source<ModelDelta, ?, ?> deltasIn,
      Source<ParsedItemFeatures, ?, ?> itemFeatures,
      Sink<DeadLetter> dlq,
      Sink<EmbeddingUpdate> embeddings,
      Sink<TrainerStatus> status,
      Sink<ModelDelta> deltasOut) {
    public static Connectors kafka(JobConfig config) {
      return new Connectors(
          ClickSource.kafka(config),
          SyncSource.kafka(config),
          ItemFeatureSource.kafka(config),
          KafkaSinks.deadLetters(config),
          KafkaSinks.embeddings(config),
          KafkaSinks.status(config),
          KafkaSinks.sync(config));
    }
  }

  /**
   * Applies {@link JobConfig#flinkConfiguration()} to {@code env}: the settings the job needs, and
   * the state backend, checkpoint interval and restart strategy only where the options gave them,
   * so the cluster's own settings hold otherwise. Where neither sets a checkpoint interval, the job
   * checkpoints every {@link JobConfig#FALLBACK_CHECKPOINT_INTERVAL_MS}: without checkpoints it
   * would never commit its offsets or transactions. {@link #main} does this; a caller building its
   * own environment should too.
   */
  public StreamExecutionEnvironment configure(StreamExecutionEnvironment env) {
    env.configure(config.flinkConfiguration());
    if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
      env.enableCheckpointing(JobConfig.FALLBACK_CHECKPOINT_INTERVAL_MS);
    }
    return env;
  }

  /** Adds the whole topology to {@code env}. */
  public Streams build(StreamExecutionEnvironment env, Connectors c) {
    AvroTrust.ensure();
    // source, validation and dead-letter sink share one parallelism so they chain into one task
    int sourceParallelism =
        config.sourceParallelism() > 0 ? config.sourceParallelism() : env.getParallelism();
    if (sourceParallelism <= 0) {
      sourceParallelism = ExecutionConfig.PARALLELISM_DEFAULT;
    }
    int trainers = config.trainerParallelism();

    SingleOutputStreamOperator<ParsedClick> parsed =
        env.fromSource(
                c.clicks(), ClickSource.watermarks(config), "Clicks source", ParsedClick.TYPE)
            .uid(SOURCE_UID)
            .setParallelism(sourceParallelism);

    SingleOutputStreamOperator<ClickEvent> valid =
        parsed
            .process(new ValidateClicks(config.clickRules()))
            .name("Validate clicks")
            .uid(VALIDATE_UID)
            .setParallelism(sourceParallelism);

    // The catalogue: one reader (every record goes to every trainer anyway, and a catalogue is
    // small next to the clicks); no event time, as for the deltas.
    SingleOutputStreamOperator<TrainerSideInput> features =
        env.fromSource(
                c.itemFeatures(),
                WatermarkStrategy.noWatermarks(),
                "Item features source",
                ParsedItemFeatures.TYPE)
            .uid(ITEM_FEATURES_SOURCE_UID)
            .setParallelism(1)
            .process(new ValidateItemFeatures(config.clickRules()))
            .name("Validate item features")
            .uid(VALIDATE_ITEM_FEATURES_UID)
            .setParallelism(1);

    // One partition, one reader: every delta reaches every trainer subtask, in each sender's order.
    // No event time: the trainer does not order by it, and the deltas must not hold its watermark
    // back.
    DataStream<TrainerSideInput> deltasIn =
        env.fromSource(
                c.deltasIn(),
                WatermarkStrategy.noWatermarks(),
                "Sync source",
                AvroTypeInfo.forClass(ModelDelta.class))
            .uid(SYNC_SOURCE_UID)
            .setParallelism(1)
            .map(new DeltaAsSideInput())
            .name("Sync side input")
            .uid(SYNC_SIDE_INPUT_UID)
            .setParallelism(1);

    // Users are sharded by id (keyed state, rescalable up to parallelism.max); the replicas' deltas
    // and the item features are broadcast.
    SingleOutputStreamOperator<EmbeddingUpdate> trained =
        valid
            .keyBy(new UserIdKey())
            .connect(deltasIn.union(features).broadcast())
            .transform(
                "Trainer",
                AvroTypeInfo.forClass(EmbeddingUpdate.class),
                new TrainerOperator(config.trainerSettings(), models, config.syncTopic()))
            .uid(TRAINER_UID)
            .setParallelism(trainers)
            .setMaxParallelism(config.maxParallelism());
    trained
        .sinkTo(c.embeddings())
        .name("Embeddings sink")
        .uid(EMBEDDINGS_SINK_UID)
        .setParallelism(trainers);
    // One dead-letter topic for every input: clicks, item features and the replicas' deltas the
    // trainers refused. The union gives the sink several inputs, so it no longer chains to the
    // click validation: dead letters are rare, the extra hop costs nothing.
    DataStream<DeadLetter> deadLetters =
        valid
            .getSideOutput(ValidateClicks.DEAD_LETTERS)
            .union(
                features.getSideOutput(ValidateItemFeatures.DEAD_LETTERS),
                trained.getSideOutput(TrainerOperator.REJECTED_DELTAS));
    deadLetters
        .sinkTo(c.dlq())
        .name("Dead-letter sink")
        .uid(DLQ_SINK_UID)
        .setParallelism(sourceParallelism);
    DataStream<ModelDelta> deltasOut = trained.getSideOutput(TrainerOperator.SYNC);
    deltasOut.sinkTo(c.deltasOut()).name("Sync sink").uid(SYNC_SINK_UID).setParallelism(trainers);
    // Never chained into the trainer: at trainer parallelism 1 it would be, at 2 not, and the job
    // vertex it then joins decides its max parallelism, so a savepoint of one could not be restored
    // at the other.
    SingleOutputStreamOperator<TrainerStatus> statusStream =
        trained
            .getSideOutput(TrainerOperator.STATUS)
            .transform(
                "Trainer status",
                AvroTypeInfo.forClass(TrainerStatus.class),
                new StatusAggregator(trainers))
            .uid(STATUS_UID)
            .setParallelism(1)
            .disableChaining();
    statusStream
        .sinkTo(c.status())
        .name("Trainer status sink")
        .uid(STATUS_SINK_UID)
        .setParallelism(1);

    return new Streams(valid, deadLetters, trained, statusStream, deltasOut);
  }

  /** Adds the topology with the Kafka sources and sinks named in the configuration. */
  public Streams buildWithKafka(StreamExecutionEnvironment env) {
    return build(env, Connectors.kafka(config));
  }

  /** The job name shown in Flink. */
  public String name() {
    return "towerstream training (model version " + config.modelVersion() + ")";
  }

  /**
   * {@code flink run -c io.towerstream.jobs.TrainingJob towerstream-flink-jobs-…-job.jar
   * --bootstrap-servers kafka:9092 …}; {@code --help} lists every option.
   */
  public static void main(String[] args) throws Exception {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.println(JobConfig.usage());
      return;
    }
    // the cluster's configuration (flink-conf / config.yaml, a FlinkDeployment's
    // flinkConfiguration):
    // its towerstream.* keys are the job's options' lowest layer
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    JobConfig config;
    try {
      config = JobConfig.fromCommandLine(args, System.getenv(), env.getConfiguration().toMap());
    } catch (IllegalArgumentException e) {
      System.err.println("Invalid configuration: " + e.getMessage());
      System.err.println(JobConfig.usage());
      throw e;
    }
    LoggerFactory.getLogger(TrainingJob.class)
        .info("Submitting the training job with {}", config); // secrets masked
    TrainingJob job = new TrainingJob(config);
    job.configure(env);
    job.buildWithKafka(env);
    env.execute(job.name());
  }
}
