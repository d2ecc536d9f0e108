package io.towerstream.cli.demo;

import io.towerstream.jobs.JobConfig;
import io.towerstream.jobs.TrainingJob;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training job on a Flink MiniCluster inside this JVM: the same topology that {@code flink run}
 * submits to a cluster, with parallelism 1 (the trainer is one subtask anyway, and the demo shares its
 * cores with the broker and the store).
 */
public final class LocalTrainingJob implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalTrainingJob.class);
  private final JobClient client;

  private LocalTrainingJob(JobClient client) {
    this.client = client;
  }

  /**
   * Starts the job and returns once it is submitted.
   *
   * @param webUiPort port of Flink's web UI, or 0 for none
   */
  public static LocalTrainingJob start(JobConfig config, int webUiPort) throws Exception {
    TrainingJob job = new TrainingJob(config);
    Configuration flink = config.flinkConfiguration();
    StreamExecutionEnvironment env;
    if (webUiPort > 0) {
      flink.set(RestOptions.PORT, webUiPort);
      env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
      env.setParallelism(1);
    } else {
      env = StreamExecutionEnvironment.createLocalEnvironment(1, flink);
    }
    job.configure(env);
    job.buildWithKafka(env);
    JobClient client = env.executeAsync(job.name());
    LOG.info("training job {} submitted to a local MiniCluster", client.getJobID());
    return new LocalTrainingJob(client);
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
