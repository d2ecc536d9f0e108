package io.towerstream.cli.demo;

import io.towerstream.jobs.JobConfig;
import io.towerstream.kafka.embedded.EmbeddedKafkaBroker;
import io.towerstream.schemas.TopicProvisioner;
import io.towerstream.store.RetrievalStore;
import io.towerstream.store.StoreConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything the embedded demo runs, started in dependency order and closed in reverse: an
 * in-process Kafka broker, the topics, the retrieval store with its HTTP API, and the training job
 * on a MiniCluster. Each piece talks to the others only through Kafka and HTTP, exactly as in the
 * distributed deployment.
 */
public final class DemoStack implements AutoCloseable {
  private final EmbeddedKafkaBroker broker;
  private final RetrievalStore store;
  private final LocalTrainingJob job;
  private final JobConfig jobConfig;

  private DemoStack(
      EmbeddedKafkaBroker broker, RetrievalStore store, LocalTrainingJob job, JobConfig jobConfig) {
    this.broker = broker;
    this.store = store;
    this.job = job;
    this.jobConfig = jobConfig;
  }

  /**
   * @param jobArgs training-job options ({@code --model.dim 32} …), validated by {@link JobConfig}
   */
  public static DemoStack start(
      Path workDir,
      int kafkaPort,
      String httpHost,
      int httpPort,
      int flinkUiPort,
      List<String> jobArgs)
      throws Exception {
    return start(workDir, kafkaPort, httpHost, httpPort, flinkUiPort, 0, jobArgs);
  }

  /**
   * @param jobMetricsPort port of the job's Prometheus endpoint (Flink's reporter), 0 = none
   * @param jobArgs training-job options ({@code --model.dim 32} …), validated by {@link JobConfig}
   */
  public static DemoStack start(
      Path workDir,
      int kafkaPort,
      String httpHost,
      int httpPort,
      int flinkUiPort,
      int jobMetricsPort,
      List<String> jobArgs)
      throws Exception {
    return start(
        new Settings(
            workDir,
            kafkaPort,
            httpHost,
            httpPort,
            flinkUiPort,
            jobMetricsPort,
            LocalTrainingJob.LOOPBACK,
            null,
            jobArgs));
  }

  /**
   * What a stack is started with.
   *
   * @param kafkaPort the broker's port, 0 = any free
   * @param httpPort the store's port, 0 = any free
   * @param flinkUiPort Flink's web UI, 0 = none
   * @param jobMetricsPort the job's Prometheus endpoint (Flink's reporter), 0 = none
   * @param flinkBindHost the address Flink's UI, the job's metrics and the MiniCluster's ports bind
   *     to
   * @param itemTitles titles the store shows beside item ids ({@code u.item} or {@code id,title}
   *     CSV); null for none
   * @param jobArgs training-job options ({@code --model.dim 32} …), validated by {@link JobConfig}
   */
  public record Settings(
      Path workDir,
      int kafkaPort,
      String httpHost,
      int httpPort,
      int flinkUiPort,
      int jobMetricsPort,
      String flinkBindHost,
      Path itemTitles,
      List<String> jobArgs) {
    public Settings {
      jobArgs = List.copyOf(jobArgs);
    }
  }

  public static DemoStack start(Settings settings) throws Exception {
    Path workDir = settings.workDir();
    List<String> jobArgs = settings.jobArgs();
    EmbeddedKafkaBroker broker = null;
    RetrievalStore store = null;
    try {
      // no time-based retention: a user may produce historical clicks with their original
      // timestamps
      broker =
          EmbeddedKafkaBroker.persistent(
                  workDir.resolve("kafka"), settings.kafkaPort(), Map.of("log.retention.ms", "-1"))
              .start();
      String bootstrap = broker.bootstrapServers();
      JobConfig jobConfig = jobConfig(bootstrap, workDir, jobArgs);
      TopicProvisioner.ensureTopics(bootstrap, jobConfig.topicNames(), 1, (short) 1);

      store =
          RetrievalStore.open(
                  StoreConfig.builder()
                      .bootstrapServers(bootstrap)
                      .embeddingsTopic(jobConfig.embeddingsTopic())
                      .trainerStatusTopic(jobConfig.statusTopic())
                      .dbPath(workDir.resolve("store"))
                      .httpHost(settings.httpHost())
                      .httpPort(settings.httpPort())
                      .itemTitles(settings.itemTitles())
                      .build())
              .start();

      LocalTrainingJob job =
          LocalTrainingJob.start(
              jobConfig,
              settings.flinkUiPort(),
              settings.jobMetricsPort(),
              settings.flinkBindHost());
      return new DemoStack(broker, store, job, jobConfig);
    } catch (Exception | Error e) {
      if (store != null) {
        store.close();
      }
      if (broker != null) {
        broker.close();
      }
      throw e;
    }
  }

  /**
   * The demo's job configuration: the user's options, plus the broker and a fresh start from
   * earliest.
   */
  static JobConfig jobConfig(String bootstrap, Path workDir, List<String> jobArgs) {
    // the demo owns its broker: a user's --bootstrap-servers fails as "given more than once"
    List<String> args = new ArrayList<>(jobArgs);
    args.add("--bootstrap-servers");
    args.add(bootstrap);
    if (!JobConfig.sets(jobArgs, "checkpoint.dir")) {
      // the JobManager's in-memory checkpoint storage caps state at 5 MB; the model outgrows that
      // quickly
      args.add("--checkpoint.dir");
      args.add(workDir.resolve("checkpoints").toUri().toString());
    }
    return JobConfig.fromArgs(withOneMachineDelivery(args).toArray(String[]::new));
  }

  /**
   * {@code args} plus {@code --delivery at-least-once} unless they choose: on one machine the demo
   * and the benchmarks show updates within a publish interval, where the job's exactly-once default
   * (the distributed mode's) would hold them back until each checkpoint completes.
   */
  public static List<String> withOneMachineDelivery(List<String> args) {
    if (JobConfig.sets(args, "delivery")) {
      return args;
    }
    List<String> out = new ArrayList<>(args);
    out.add("--delivery");
    out.add("at-least-once");
    return out;
  }

  /**
   * Checks training-job options before anything starts, so a bad one fails in milliseconds rather
   * than after the broker is up; returns the configuration they give (with a placeholder broker).
   *
   * @throws IllegalArgumentException naming the bad option
   */
  public static JobConfig validateJobArgs(List<String> jobArgs) {
    return jobConfig("127.0.0.1:9092", Path.of("."), jobArgs);
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  public String clicksTopic() {
    return jobConfig.clicksTopic();
  }

  public String itemFeaturesTopic() {
    return jobConfig.itemFeaturesTopic();
  }

  public RetrievalStore store() {
    return store;
  }

  public String jobId() {
    return job.jobId();
  }

  @Override
  public void close() {
    job.close();
    store.close();
    broker.close();
  }
}
