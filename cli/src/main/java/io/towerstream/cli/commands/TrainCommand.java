package io.towerstream.cli.commands;

import io.towerstream.cli.demo.LocalTrainingJob;
import io.towerstream.jobs.JobConfig;
import io.towerstream.jobs.TrainingJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * Runs the training job against an external Kafka: on a local MiniCluster, or submitted to a Flink
 * cluster.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs the training job against an external Kafka cluster. Job options follow "
          + "(--bootstrap-servers is required; --help-job lists them all).",
      "Without --flink-rest the job runs on a local Flink MiniCluster in this process until interrupted; with it, "
          + "the job jar is submitted to that cluster and this command returns (the same as `flink run`)."
    },
    footer = {
      "",
      "Example: towerstream train --bootstrap-servers kafka:9092 --model.batch-size 512"
    })
public final class TrainCommand implements Callable<Integer> {
  @Option(
      names = "--flink-rest",
      paramLabel = "HOST:PORT",
      description = "REST address of a Flink cluster's JobManager.")
  String flinkRest;

  @Option(
      names = "--job-jar",
      description = "The shaded job jar to submit (default: flink-jobs/target/*-job.jar).")
  Path jobJar;

  @Option(
      names = "--flink-ui-port",
      defaultValue = "0",
      description = "Local mode: serve Flink's web UI on this port.")
  int flinkUiPort;

  @Option(names = "--help-job", description = "List every training-job option with its default.")
  boolean helpJob;

  @Unmatched List<String> jobArgs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if (helpJob) {
      System.out.println(JobConfig.usage());
      return 0;
    }
    JobConfig config = JobConfig.fromCommandLine(jobArgs.toArray(String[]::new), System.getenv());
    if (flinkRest == null) {
      LocalTrainingJob job = LocalTrainingJob.start(config, flinkUiPort, 0);
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    job.close();
                    stopped.countDown();
                  },
                  "train-shutdown"));
      System.out.println(
          "training job "
              + job.jobId()
              + " running locally against "
              + config.bootstrapServers()
              + "; Ctrl-C to stop");
      stopped.await();
      return 0;
    }
    String[] hostPort = flinkRest.split(":");
    if (hostPort.length != 2 || !hostPort[1].matches("\\d+")) {
      throw new IllegalArgumentException("--flink-rest must be HOST:PORT, was " + flinkRest);
    }
    Path jar = jobJar != null ? jobJar : findJobJar();
    TrainingJob job = new TrainingJob(config);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createRemoteEnvironment(
            hostPort[0],
            Integer.parseInt(hostPort[1]),
            config.flinkConfiguration(),
            jar.toString());
    job.configure(env);
    job.buildWithKafka(env);
    JobClient client = env.executeAsync(job.name());
    System.out.println("submitted training job " + client.getJobID() + " to " + flinkRest);
    return 0;
  }

  private static Path findJobJar() throws IOException {
    Path target = Path.of(System.getProperty("towerstream.home", "."), "flink-jobs", "target");
    try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
      return files
          .filter(p -> p.getFileName().toString().endsWith("-job.jar"))
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "no job jar in "
                          + target
                          + "; build it with `mvn -DskipTests package -pl flink-jobs -am` or pass --job-jar"));
    }
  }
}
