package io.towerstream.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.towerstream.cli.bench.TrainBenchmark;
import io.towerstream.store.IndexKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchTrainCommandTest {

  @Test
  void parsesTheOptionsAndPassesTrainingJobOptionsThrough() {
    TrainBenchmark.Options o =
        parse(
                "bench",
                "train",
                "--synthetic-events",
                "5000",
                "--trainers",
                "1,3",
                "--batch-sizes",
                "64",
                "--phases",
                "pipeline,freshness",
                "--quality-runs",
                "2",
                "--store-index",
                "exact",
                "--model.dim",
                "32")
            .validate();
    assertThat(o.syntheticEvents()).isEqualTo(5000);
    assertThat(o.trainers()).containsExactly(1, 3);
    assertThat(o.batchSizes()).containsExactly(64);
    assertThat(o.phases()).containsExactly("pipeline", "freshness");
    assertThat(o.qualityRuns()).isEqualTo(2);
    assertThat(o.storeIndex()).isEqualTo(IndexKind.EXACT);
    assertThat(o.jobArgs()).containsExactly("--model.dim", "32");
  }

  @Test
  void badValuesFailFastNamingTheOption() {
    assertRejected("--trainers", "--trainers", "0");
    assertRejected("--batch-sizes", "--batch-sizes", "0");
    assertRejected("--phases", "--phases", "warmup");
    assertRejected("--phases", "--phases", "quality"); // needs --data
    assertRejected("--quality-runs", "--quality-runs", "0");
    assertRejected("--store-index", "--store-index", "ivf");
    assertRejected("--synthetic-events", "--synthetic-events", "-1");
    assertRejected("--model.dim", "--model.dim", "0");
  }

  /**
   * The pipeline phase, tiny but whole: a broker, the job at one and two trainer subtasks and the
   * store, each run reporting every click trained and served.
   */
  @Test
  void runsThePipelineAtEachParallelismAndReportsEveryClickServed() throws Exception {
    CliRun run =
        CliRun.of(
            "bench",
            "train",
            "--synthetic-events",
            "3000",
            "--synthetic-users",
            "300",
            "--synthetic-items",
            "200",
            "--synthetic-clusters",
            "5",
            "--phases",
            "pipeline",
            "--trainers",
            "1,2",
            "--batch-sizes",
            "32");
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> lines = run.out().lines().toList();
    JsonNode report = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    JsonNode pipelines = report.get("pipelines");
    assertThat(pipelines).hasSize(2);
    for (int i = 0; i < 2; i++) {
      JsonNode p = pipelines.get(i);
      assertThat(p.get("trainers").asInt()).isEqualTo(i + 1);
      assertThat(p.get("events").asLong()).isEqualTo(3000);
      assertThat(p.get("eventsPerSecond").asDouble()).isPositive();
      assertThat(p.get("servedSeconds").asDouble())
          .isGreaterThanOrEqualTo(p.get("trainedSeconds").asDouble());
      assertThat(p.get("storeBytes").asLong()).isPositive();
    }
    assertThat(run.out()).contains("pipeline", "synthetic");
  }

  private static void assertRejected(String option, String... args) {
    String[] full = new String[args.length + 2];
    full[0] = "bench";
    full[1] = "train";
    System.arraycopy(args, 0, full, 2, args.length);
    CliRun run = CliRun.of(full);
    assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(2);
    assertThat(run.err()).as(String.join(" ", args)).contains(option);
  }

  private static BenchTrainCommand parse(String... args) {
    CommandLine.ParseResult result = TowerstreamCommand.commandLine(Map.of()).parseArgs(args);
    return result.subcommand().subcommand().commandSpec().commandLine().getCommand();
  }
}
