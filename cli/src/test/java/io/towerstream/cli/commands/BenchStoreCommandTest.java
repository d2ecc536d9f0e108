package io.towerstream.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.benchmarks.store.BenchOptions;
import io.towerstream.store.IndexKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchStoreCommandTest {

  @Test
  void parsesEveryOptionIntoTheBenchmarksOptions() {
    BenchStoreCommand command =
        parse(
            "bench",
            "store",
            "--items",
            "1000,2000",
            "--dim",
            "32",
            "--k",
            "10",
            "--data",
            "random,clustered",
            "--threads",
            "1,2",
            "--updates-per-sec",
            "500",
            "--index",
            "EXACT",
            "--hnsw-overquery",
            "2,3",
            "--hnsw-max-degree",
            "16",
            "--hnsw-beam-width",
            "50",
            "--index-build-threads",
            "1",
            "--bias-scale",
            "0.2",
            "--seconds",
            "2",
            "--recall-queries",
            "30",
            "--seed",
            "7",
            "--peer",
            "lucene",
            "--lucene-max-conn",
            "8",
            "--lucene-beam-width",
            "40",
            "--lucene-ef",
            "10,20",
            "--lucene-refresh-ms",
            "50",
            "--recall-targets",
            "0.9,0.999");
    BenchOptions o = command.toBenchOptions();
    assertThat(o.items()).containsExactly(1000, 2000);
    assertThat(o.dim()).isEqualTo(32);
    assertThat(o.k()).isEqualTo(10);
    assertThat(o.data()).containsExactly("random", "clustered");
    assertThat(o.threads()).containsExactly(1, 2);
    assertThat(o.updateRate()).isEqualTo(500);
    assertThat(o.index()).isEqualTo(IndexKind.EXACT);
    assertThat(o.overqueries()).containsExactly(2f, 3f);
    assertThat(o.graph().maxDegree()).isEqualTo(16);
    assertThat(o.graph().constructionBeam()).isEqualTo(50);
    assertThat(o.graph().buildThreads()).isEqualTo(1);
    assertThat(o.biasScale()).isEqualTo(0.2);
    assertThat(o.seconds()).isEqualTo(2);
    assertThat(o.recallQueries()).isEqualTo(30);
    assertThat(o.seed()).isEqualTo(7);
    assertThat(o.lucenePeerEnabled()).isTrue();
    assertThat(o.lucene().maxConn()).isEqualTo(8);
    assertThat(o.lucene().beamWidth()).isEqualTo(40);
    assertThat(o.lucene().efs()).containsExactly(10, 20);
    assertThat(o.lucene().refreshMs()).isEqualTo(50);
    assertThat(o.recallTargets()).containsExactly(0.9, 0.999);
  }

  @Test
  void defaultsAreTheDocumentedQuickRun() {
    BenchOptions o = parse("bench", "store").toBenchOptions();
    assertThat(o.items()).containsExactly(100_000);
    assertThat(o.data()).containsExactly("clustered");
    assertThat(o.dim()).isEqualTo(64);
    assertThat(o.k()).isEqualTo(100);
    assertThat(o.threads()).containsExactly(1, 2);
    assertThat(o.updateRate()).isEqualTo(1000);
    assertThat(o.index()).isEqualTo(IndexKind.HNSW);
    assertThat(o.biasScale()).isZero();
    assertThat(o.lucenePeerEnabled()).isFalse();
    assertThat(o.recallTargets()).containsExactly(0.95, 0.99);
  }

  @Test
  void badValuesFailFastNamingTheOption() {
    assertRejected("--items", "--items", "0");
    assertRejected("--items", "--items", "ten");
    assertRejected("--data", "--data", "gaussian");
    assertRejected("--k", "--k", "1001");
    assertRejected("--dim", "--dim", "0");
    assertRejected("--threads", "--threads", "1,0");
    assertRejected("--updates-per-sec", "--updates-per-sec", "-1");
    assertRejected("--index", "--index", "ivf");
    assertRejected("--hnsw-overquery", "--hnsw-overquery", "0.5");
    assertRejected("--seconds", "--seconds", "0");
    assertRejected("--bias-scale", "--bias-scale", "-0.1");
    assertRejected("--index-build-threads", "--index-build-threads", "0");
    assertRejected("--peer", "--peer", "faiss");
    assertRejected("--lucene-ef", "--peer", "lucene", "--lucene-ef", "50");
    assertRejected("--lucene-max-conn", "--lucene-max-conn", "0");
    assertRejected("--recall-targets", "--recall-targets", "1.5");
    CliRun unknown = CliRun.of("bench", "store", "--update-rate", "5");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("--update-rate");
  }

  /**
   * The benchmark itself, tiny: the printed table has the header, a quiet row and a churn row per
   * thread count.
   */
  @Test
  void runsTheBenchmarkInProcessAndPrintsItsTable() {
    CliRun run =
        CliRun.of(
            "bench",
            "store",
            "--items",
            "3000",
            "--dim",
            "16",
            "--k",
            "10",
            "--data",
            "clustered",
            "--threads",
            "1,2",
            "--updates-per-sec",
            "200",
            "--seconds",
            "1",
            "--recall-queries",
            "20",
            "--index-build-threads",
            "1");
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> rows = run.out().lines().filter(l -> l.startsWith("|")).toList();
    // the table is printed after every (size, data) pair; this run has one pair, so one table
    assertThat(rows).hasSize(2 + 4);
    assertThat(rows.get(0))
        .contains("data", "items", "p99 ms", "QPS", "recall@10", "visible p50/p99");
    List<String> data = rows.subList(2, 6);
    assertThat(data).allSatisfy(r -> assertThat(r).contains("clustered", "3,000"));
    assertThat(data.get(0)).matches("\\|[^|]*\\|[^|]*\\|[^|]*\\|[^|]*\\|[^|]*\\| 0 +\\| +1 \\|.*");
    assertThat(data.get(1)).matches("\\|[^|]*\\|[^|]*\\|[^|]*\\|[^|]*\\|[^|]*\\| 0 +\\| +2 \\|.*");
    assertThat(data.subList(2, 4))
        .allSatisfy(r -> assertThat(cell(r, 5)).isNotEqualTo("0"))
        .allSatisfy(r -> assertThat(cell(r, 11)).matches("[0-9.]+/[0-9.]+"));
    for (String r : data) {
      assertThat(Double.parseDouble(cell(r, 10)))
          .as("recall@10 of a 3,000-item graph")
          .isGreaterThan(0.9);
    }
  }

  private static String cell(String row, int column) {
    return row.split("\\|")[column + 1].trim();
  }

  private static void assertRejected(String option, String... args) {
    String[] full = new String[args.length + 2];
    full[0] = "bench";
    full[1] = "store";
    System.arraycopy(args, 0, full, 2, args.length);
    CliRun run = CliRun.of(full);
    assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(2);
    assertThat(run.err()).as(String.join(" ", args)).contains(option);
    assertThat(run.out()).as("nothing ran").doesNotContain("store benchmark");
  }

  private static BenchStoreCommand parse(String... args) {
    CommandLine.ParseResult result = TowerstreamCommand.commandLine(Map.of()).parseArgs(args);
    return result.subcommand().subcommand().commandSpec().commandLine().getCommand();
  }
}
