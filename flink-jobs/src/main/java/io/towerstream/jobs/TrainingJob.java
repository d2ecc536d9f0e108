package io.towerstream.jobs;

import io.towerstream.jobs.functions.ValidateClicks;
import io.towerstream.jobs.operators.ModelFactory;
import io.towerstream.jobs.operators.TrainerOperator;
import io.towerstream.jobs.operators.TrainerSettings;
import io.towerstream.jobs.operators.TwoTowerModelFactory;
import io.towerstream.jobs.records.AvroTypeInfo;
import io.towerstream.jobs.sinks.KafkaSinks;
import io.towerstream.jobs.sources.ClickSource;
import io.towerstream.jobs.sources.ParsedClick;
import io.towerstream.schemas.AvroTrust;
import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.avro.DeadLetter;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import io.towerstream.schemas.avro.TrainerStatus;
import java.util.Arrays;
import org.apache.flink.api.common.ExecutionConfig;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The training job: clicks from Kafka → validation (bad records to the dead-letter topic) → one trainer
 * subtask that owns the model → changed embeddings and a status record to Kafka at every publish.
 *
 * <p>Configuration, topology and execution are separate: {@link #build} wires any source and sinks (tests
 * use their own), {@link #buildWithKafka} plugs in the Kafka connectors, {@link #main} parses the options,
 * configures the environment and executes. Every operator has a name and a stable uid, so savepoints
 * survive code changes.
 */
public final class TrainingJob {
  public static final String SOURCE_UID = "clicks-source";
  public static final String VALIDATE_UID = "validate-clicks";
  public static final String TRAINER_UID = "trainer";
  public static final String EMBEDDINGS_SINK_UID = "embeddings-sink";
  public static final String STATUS_SINK_UID = "trainer-status-sink";
  public static final String DLQ_SINK_UID = "clicks-dlq-sink";

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

  /** The streams of a built topology, for callers that want to attach more (e.g. evaluation taps). */
  public record Streams(
      DataStream<ClickEvent> validClicks,
      DataStream<DeadLetter> deadLetters,
      DataStream<EmbeddingUpdate> embeddings,
      DataStream<TrainerStatus> status) {}

  /**
   * Applies {@link JobConfig#flinkConfiguration()} (hashmap state backend, checkpoint interval, restart
   * strategy) to {@code env}. {@link #main} does this; a caller building its own environment should too.
   */
  public StreamExecutionEnvironment configure(StreamExecutionEnvironment env) {
    env.configure(config.flinkConfiguration());
    env.enableCheckpointing(config.checkpointIntervalMs());
    return env;
  }

  /** Adds the whole topology to {@code env}, reading {@code clicks} and writing to the three sinks. */
  public Streams build(StreamExecutionEnvironment env, Source<ParsedClick, ?, ?> clicks, Sink<DeadLetter> dlq,
      Sink<EmbeddingUpdate> embeddings, Sink<TrainerStatus> status) {
    AvroTrust.ensure();
    // source, validation and dead-letter sink share one parallelism so they chain into one task
    int sourceParallelism = config.sourceParallelism() > 0 ? config.sourceParallelism() : env.getParallelism();
    if (sourceParallelism <= 0) {
      sourceParallelism = ExecutionConfig.PARALLELISM_DEFAULT;
    }

    SingleOutputStreamOperator<ParsedClick> parsed = env
        .fromSource(clicks, ClickSource.watermarks(config), "Clicks source", ParsedClick.TYPE)
        .uid(SOURCE_UID)
        .setParallelism(sourceParallelism);

    SingleOutputStreamOperator<ClickEvent> valid = parsed
        .process(new ValidateClicks())
        .name("Validate clicks")
        .uid(VALIDATE_UID)
        .setParallelism(sourceParallelism);
    DataStream<DeadLetter> deadLetters = valid.getSideOutput(ValidateClicks.DEAD_LETTERS);
    deadLetters.sinkTo(dlq)
        .name("Dead-letter sink")
        .uid(DLQ_SINK_UID)
        .setParallelism(sourceParallelism);

    // One subtask owns the whole model (see TrainerOperator); max parallelism 1 makes that a property of
    // the savepoint too, so nobody can rescale it by accident.
    SingleOutputStreamOperator<EmbeddingUpdate> trained = valid
        .transform("Trainer", AvroTypeInfo.forClass(EmbeddingUpdate.class),
            new TrainerOperator(TrainerSettings.from(config), models))
        .uid(TRAINER_UID)
        .setParallelism(1)
        .setMaxParallelism(1);
    trained.sinkTo(embeddings)
        .name("Embeddings sink")
        .uid(EMBEDDINGS_SINK_UID)
        .setParallelism(1);
    DataStream<TrainerStatus> statusStream = trained.getSideOutput(TrainerOperator.STATUS);
    statusStream.sinkTo(status)
        .name("Trainer status sink")
        .uid(STATUS_SINK_UID)
        .setParallelism(1);

    return new Streams(valid, deadLetters, trained, statusStream);
  }

  /** Adds the topology with the Kafka source and sinks named in the configuration. */
  public Streams buildWithKafka(StreamExecutionEnvironment env) {
    return build(env, ClickSource.kafka(config), KafkaSinks.deadLetters(config), KafkaSinks.embeddings(config),
        KafkaSinks.status(config));
  }

  /** The job name shown in Flink. */
  public String name() {
    return "towerstream training (model version " + config.modelVersion() + ")";
  }

  /**
   * {@code flink run -c io.towerstream.jobs.TrainingJob towerstream-flink-jobs-…-job.jar --bootstrap-servers
   * kafka:9092 …}; {@code --help} lists every option.
   */
  public static void main(String[] args) throws Exception {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.println(JobConfig.usage());
      return;
    }
    JobConfig config;
    try {
      config = JobConfig.fromArgs(args);
    } catch (IllegalArgumentException e) {
      System.err.println("Invalid configuration: " + e.getMessage());
      System.err.println(JobConfig.usage());
      throw e;
    }
    TrainingJob job = new TrainingJob(config);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config.flinkConfiguration());
    job.configure(env);
    job.buildWithKafka(env);
    env.execute(job.name());
  }
}
