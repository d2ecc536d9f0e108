package io.towerstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.jobs.sources.StartingOffsets;
import io.towerstream.model.ModelConfig;
import io.towerstream.schemas.TopicProvisioner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash after crash, nothing observable changes. The same 200,000 clicks (plus two bad records)
 * train once without interruption and once cancelled at ten random points of the stream, each time
 * restarted from the latest retained checkpoint, both exactly-once (the distributed default) at one
 * trainer with count-closed batches, and both ended with stop-with-drain, which publishes the whole
 * model. Afterwards both have trained every valid click exactly once, and the final models they
 * published are the same, vector for vector.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RecoveryITCase {
  private static final Logger LOG = LoggerFactory.getLogger(RecoveryITCase.class);
  private static final int USERS = 3_000;
  private static final int ITEMS = 600;
  private static final int VALID_CLICKS =
      Integer.getInteger(
          "recovery.clicks",
          200_000); // a multiple of the batch size: no partial batch is left over
  private static final int BATCH = 64;
  private static final int CANCELS = 10;

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(1)
              .build());

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @Test
  void cancelledAndRestoredTenTimesTrainsEveryClickOnceAndEndsWithTheSameModel(@TempDir Path work)
      throws Exception {
    assertThat(VALID_CLICKS % BATCH)
        .as("count-closed batches leave no partial batch behind")
        .isZero();
    String clicks = "rc.clicks";
    TopicProvisioner.ensureTopics(
        KAFKA.bootstrapServers(), config("a", work).topicNames(), 1, (short) 1);
    ClickTraffic.produce(KAFKA.bootstrapServers(), clicks, USERS, ITEMS, VALID_CLICKS);

    JobConfig straight = config("a", work);
    TopicProvisioner.ensureTopics(KAFKA.bootstrapServers(), straight.topicNames(), 1, (short) 1);
    long t0 = System.nanoTime();
    drain(straight, run(straight, null), work);
    LOG.info("uninterrupted run: {} s", String.format("%.1f", (System.nanoTime() - t0) / 1e9));
    PublishedModel expected = PublishedModel.read(straight);

    JobConfig crashing = config("b", work);
    TopicProvisioner.ensureTopics(KAFKA.bootstrapServers(), crashing.topicNames(), 1, (short) 1);
    // ten random points of the stream, in order: each run is cancelled once it has trained past the
    // next one
    Random random = new Random(20261202);
    long[] points = random.longs(CANCELS, 1_000, VALID_CLICKS - 5_000).sorted().toArray();
    Path checkpoints = Path.of(java.net.URI.create(crashing.checkpointDir()));
    List<Long> trainedAtCancel = new ArrayList<>();
    for (long point : points) {
      JobClient client = run(crashing, latestCheckpoint(checkpoints).orElse(null));
      trainedAtCancel.add(
          PublishedModel.awaitTrained(
              crashing,
              () -> client.getJobExecutionResult().isDone(),
              point,
              Duration.ofMinutes(2)));
      client.cancel().get(1, TimeUnit.MINUTES);
    }
    LOG.info(
        "cancelled at {} random points, after these events trained (as last published): {}",
        CANCELS,
        trainedAtCancel);
    drain(crashing, run(crashing, latestCheckpoint(checkpoints).orElse(null)), work);
    PublishedModel actual = PublishedModel.read(crashing);

    assertThat(trainedAtCancel)
        .as("the cancels fell inside the stream")
        .filteredOn(n -> n < VALID_CLICKS)
        .hasSizeGreaterThan(CANCELS / 2);
    assertThat(expected.status().getEventsTrained()).isEqualTo(VALID_CLICKS);
    assertThat(actual.status().getEventsTrained())
        .as("none lost, none trained twice")
        .isEqualTo(VALID_CLICKS);
    assertThat(actual.status().getBatches()).isEqualTo(VALID_CLICKS / BATCH);
    assertThat(actual.latest().keySet()).hasSizeGreaterThan(ITEMS);
    double maxDiff = expected.largestDifference(actual);
    LOG.info("largest difference between the two runs' final vectors: {}", maxDiff);
    assertThat(maxDiff).as("the same final model, bit for bit").isZero();
    assertThat(actual.deadLetters()).as("each bad record dead-lettered once").isEqualTo(2);
    assertThat(actual.status().getPrequential())
        .as("test-then-train metrics, restored with the model")
        .hasSize(4)
        .isEqualTo(expected.status().getPrequential());
  }

  private static JobConfig config(String run, Path work) {
    return JobConfig.builder()
        .bootstrapServers(KAFKA.bootstrapServers())
        .clicksTopic("rc.clicks")
        .dlqTopic("rc" + run + ".clicks.dlq")
        .embeddingsTopic("rc" + run + ".embeddings")
        .statusTopic("rc" + run + ".trainer-status")
        .syncTopic("rc" + run + ".model-sync")
        .groupId("rc" + run)
        .transactionalIdPrefix("rc" + run)
        .startingOffsets(StartingOffsets.EARLIEST)
        .sourceParallelism(1)
        .trainerParallelism(1)
        .batchMaxWaitMs(0) // count-closed batches: the same input order gives the same batches
        .publishIntervalMs(100)
        .checkpointIntervalMs(300)
        .checkpointDir(work.resolve("checkpoints-" + run).toUri().toString())
        .prequentialBudget(
            0) // the budget shrinks the scored cohort by measured time: not repeatable
        .model(
            ModelConfig.builder()
                .dim(16)
                .batchSize(BATCH)
                .reservoirCapacity(1_000)
                .reservoirNegatives(16)
                .build())
        .build();
  }

  /**
   * Waits until the run has trained every valid click, then stops it with drain, as an operator
   * ends a job for good: the trainer publishes the whole model, and the savepoint commits the last
   * transaction.
   */
  private static void drain(JobConfig config, JobClient client, Path work) throws Exception {
    PublishedModel.awaitTrained(
        config, () -> client.getJobExecutionResult().isDone(), VALID_CLICKS, Duration.ofMinutes(3));
    client
        .stopWithSavepoint(
            true, work.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
        .get(2, TimeUnit.MINUTES);
  }

  private static JobClient run(JobConfig config, String restoreFrom) throws Exception {
    Configuration conf = new Configuration();
    if (restoreFrom != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(1);
    TrainingJob job = new TrainingJob(config);
    job.configure(env);
    job.buildWithKafka(env);
    return env.executeAsync(job.name());
  }

  /**
   * The newest completed checkpoint of any run of the job (its {@code chk-N} directory), if there
   * is one.
   */
  private static Optional<String> latestCheckpoint(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(p -> p.getFileName().toString().equals("_metadata"))
          .max((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified()))
          .map(p -> p.getParent().toUri().toString());
    }
  }
}
