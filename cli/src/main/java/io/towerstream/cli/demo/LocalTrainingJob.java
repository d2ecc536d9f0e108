package io.towerstream.cli.demo;

import io.towerstream.jobs.JobConfig;
import io.towerstream.jobs.TrainingJob;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.prometheus.BoundPrometheusReporterFactory;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training job on a Flink MiniCluster inside this JVM: the same topology that {@code flink run}
 * submits to a cluster, with as many slots as trainer subtasks ({@code --parallelism.trainer}, 1 by
 * default: the demo shares its cores with the broker and the store).
 */
public final class LocalTrainingJob implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalTrainingJob.class);

  /**
   * Flink's Prometheus reporter; the cluster images ship it as a plugin, the CLI has it on its
   * class path.
   */
  public static final String PROMETHEUS_REPORTER =
      "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

  /** The default bind address of every listener of the local cluster. */
  public static final String LOOPBACK = "127.0.0.1";

  private final JobClient client;

  private LocalTrainingJob(JobClient client) {
    this.client = client;
  }

  /** Starts the job with every listener on loopback; see the four-argument form. */
  public static LocalTrainingJob start(JobConfig config, int webUiPort, int metricsPort)
      throws Exception {
    return start(config, webUiPort, metricsPort, LOOPBACK);
  }

  /**
   * Starts the job and returns once it is submitted.
   *
   * @param webUiPort port of Flink's web UI, or 0 for none
   * @param metricsPort port of the job's metrics in Prometheus's format (Flink's reporter's
   *     metrics, as a cluster's {@code metrics.reporter.prom.*} settings give them), or 0 for none
   * @param bindHost the address the web UI, the metrics and the MiniCluster's own ports (RPC, blob
   *     server, data exchange) bind to, where the job's Flink options do not say otherwise
   */
  public static LocalTrainingJob start(
      JobConfig config, int webUiPort, int metricsPort, String bindHost) throws Exception {
    TrainingJob job = new TrainingJob(config);
    // the MiniCluster has no configuration file: it sets what a cluster would where the options
    // leave a setting to the cluster
    Configuration flink = JobConfig.embeddedClusterDefaults();
    flink.addAll(config.flinkConfiguration());
    bindTo(flink, bindHost);
    if (metricsPort > 0) {
      // Flink's own reporter binds every interface and has no option for it
      flink.setString(
          "metrics.reporter.prom.factory.class", BoundPrometheusReporterFactory.class.getName());
      flink.setString("metrics.reporter.prom.port", Integer.toString(metricsPort));
      setUnlessGiven(flink, "metrics.reporter.prom.host", bindHost);
    }
    StreamExecutionEnvironment env;
    int parallelism = config.trainerParallelism();
    if (webUiPort > 0) {
      flink.set(RestOptions.PORT, webUiPort);
      flink.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);
      env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
      env.setParallelism(parallelism);
    } else {
      env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, flink);
    }
    job.configure(env);
    job.buildWithKafka(env);
    JobClient client = env.executeAsync(job.name());
    LOG.info("training job {} submitted to a local MiniCluster", client.getJobID());
    return new LocalTrainingJob(client);
  }

  /**
   * Binds the MiniCluster's listeners to {@code host}: Flink binds them to every interface by
   * default, and the web UI takes jar uploads.
   */
  private static void bindTo(Configuration flink, String host) {
    setUnlessGiven(flink, RestOptions.BIND_ADDRESS.key(), host);
    setUnlessGiven(flink, RestOptions.ADDRESS.key(), host);
    setUnlessGiven(flink, JobManagerOptions.BIND_HOST.key(), host);
    setUnlessGiven(flink, JobManagerOptions.ADDRESS.key(), host);
    setUnlessGiven(flink, TaskManagerOptions.BIND_HOST.key(), host);
    setUnlessGiven(flink, TaskManagerOptions.HOST.key(), host);
  }

  private static void setUnlessGiven(Configuration flink, String key, String value) {
    if (!flink.containsKey(key)) {
      flink.setString(key, value);
    }
  }

  public String jobId() {
    return client.getJobID().toString();
  }

  @Override
  public void close() {
    try {
      client.cancel().get();
    } catch (Exception e) {
      LOG.debug("cancelling the local training job", e);
    }
  }
}
