package io.towerstream.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every bad option stops {@code eval} before anything starts: exit 2 and a message naming the
 * option.
 */
class EvalCommandTest {
  @TempDir Path dir;
  private Path data;
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void writeData() throws IOException {
    data = dir.resolve("clicks.csv");
    Files.writeString(data, "u1,i1,1\nu1,i2,2\n");
  }

  @Test
  void splitOutsideTheOpenUnitIntervalIsRefused() {
    for (String split : List.of("0", "1", "1.5", "-0.2", "NaN")) {
      assertThat(run("--data", data.toString(), "--format", "csv", "--split", split)).isEqualTo(2);
      assertThat(err.toString()).contains("--split");
    }
  }

  @Test
  void aNonNumericSplitIsRefused() {
    assertThat(run("--data", data.toString(), "--split", "most")).isEqualTo(2);
    assertThat(err.toString()).contains("--split");
  }

  @Test
  void anEmptyOrBadListOfCutoffsIsRefused() {
    for (String ks : List.of("", ",", " , ", "10,x", "0", "10,1001")) {
      assertThat(run("--data", data.toString(), "--format", "csv", "-k", ks))
          .as("-k '%s'", ks)
          .isEqualTo(2);
      assertThat(err.toString()).contains("-k");
    }
  }

  @Test
  void aMissingFileIsRefused() {
    assertThat(run("--data", dir.resolve("nope.data").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--data").contains("nope.data");
  }

  @Test
  void aMissingItemFileIsRefused() {
    assertThat(run("--data", data.toString(), "--items", dir.resolve("u.item").toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--items").contains("u.item");
  }

  @Test
  void withoutDataTheSyntheticSizesAreCheckedBeforeAnythingStarts() {
    assertThat(run("--synthetic-items", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("synthetic stream");
  }

  @Test
  void withoutDataTheLongTailSizesAreCheckedNamingTheShape() {
    assertThat(
            run(
                "--synthetic-shape",
                "long-tail",
                "--synthetic-items",
                "10",
                "--synthetic-topics",
                "20"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--synthetic-shape long-tail", "items ≥ topics");
  }

  @Test
  void aShapesGroupOptionWithTheOtherShapeIsRefusedNamingIt() {
    assertThat(run("--synthetic-topics", "30")).isEqualTo(2);
    assertThat(err.toString()).contains("--synthetic-topics", "long-tail only");
    assertThat(run("--synthetic-shape", "long-tail", "--synthetic-clusters", "5")).isEqualTo(2);
    assertThat(err.toString()).contains("--synthetic-clusters", "planted only");
  }

  @Test
  void anUnknownShapeIsRefused() {
    assertThat(run("--synthetic-shape", "zipf")).isEqualTo(2);
    assertThat(err.toString()).contains("--synthetic-shape", "zipf", "planted, long-tail");
  }

  @Test
  void longTailAloneIsTheLongTailGeneratorsOwnDefaults() {
    CommandLine cli =
        TowerstreamCommand.commandLine(Map.of()); // main's wiring: no layer sets a size
    EvalCommand command =
        cli.parseArgs("eval", "--synthetic-shape", "long-tail")
            .subcommand()
            .commandSpec()
            .commandLine()
            .getCommand();
    command.validate();
    assertThat(command.source.name())
        .isEqualTo(
            "synthetic long-tail (6000 users, 12000 items, 300 topics, 60000 events, seed 11)");
  }

  @Test
  void withoutDataTheSyntheticStreamIsReadInTimestampOrder() throws IOException {
    EvalCommand command = new EvalCommand();
    new CommandLine(command)
        .parseArgs(
            "--synthetic-users", "50", "--synthetic-items", "40", "--synthetic-events", "300");
    command.validate();
    var records = command.source.records();
    assertThat(records).hasSize(300);
    for (int i = 1; i < records.size(); i++) {
      assertThat(records.get(i).timestampMillis())
          .isGreaterThan(records.get(i - 1).timestampMillis());
    }
    assertThat(command.source.name()).contains("planted", "40 items", "300 events");
  }

  @Test
  void anUnknownFormatIsRefused() {
    assertThat(run("--data", data.toString(), "--format", "parquet")).isEqualTo(2);
    assertThat(err.toString()).contains("--format").contains("parquet");
  }

  @Test
  void aBadTrainingJobOptionIsRefusedBeforeAnythingStarts() {
    assertThat(run("--data", data.toString(), "--format", "csv", "--model.dim", "many"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("model.dim");
  }

  @Test
  void cutoffsAreSortedAndDistinct() {
    EvalCommand command = new EvalCommand();
    new CommandLine(command).parseArgs("--data", data.toString(), "-k", "50, 10,20,10");
    assertThat(command.validate()).containsExactly(10, 20, 50);
  }

  @Test
  void anUnknownProtocolIsRefused() {
    assertThat(run("--data", data.toString(), "--format", "csv", "--protocol", "holdout"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--protocol").contains("next-click, frozen, both");
  }

  @Test
  void theProtocolIsNextClickUnlessChosen() {
    EvalCommand command = new EvalCommand();
    new CommandLine(command).parseArgs("--data", data.toString());
    command.validate();
    assertThat(command.protocol).isEqualTo("next-click");
    assertThat(command.refits).isEqualTo(10);
    assertThat(command.lambda()).as("tune").isNaN();
    new CommandLine(command)
        .parseArgs("--data", data.toString(), "--protocol", "both", "--ease-lambda", "300");
    command.validate();
    assertThat(command.lambda()).isEqualTo(300);
  }

  @Test
  void fewerThanOneRefitIsRefused() {
    for (String refits : List.of("0", "-2")) {
      assertThat(run("--data", data.toString(), "--format", "csv", "--refits", refits))
          .isEqualTo(2);
      assertThat(err.toString()).contains("--refits");
    }
  }

  @Test
  void anEaseLambdaThatIsNeitherTuneNorAPositiveNumberIsRefused() {
    for (String lambda : List.of("0", "-300", "auto", "NaN", "Infinity", "")) {
      assertThat(run("--data", data.toString(), "--format", "csv", "--ease-lambda", lambda))
          .as("--ease-lambda '%s'", lambda)
          .isEqualTo(2);
      assertThat(err.toString()).contains("--ease-lambda");
    }
  }

  @Test
  void aNegativeEaseItemBoundIsRefused() {
    assertThat(run("--data", data.toString(), "--format", "csv", "--ease-max-items", "-1"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--ease-max-items");
  }

  @Test
  void nextClickRefusesAJobWhoseEvaluationIsOff() {
    for (String protocol : List.of("next-click", "both")) {
      assertThat(
              run(
                  "--data",
                  data.toString(),
                  "--format",
                  "csv",
                  "--protocol",
                  protocol,
                  "--eval.prequential.sample-rate",
                  "0"))
          .isEqualTo(2);
      assertThat(err.toString()).contains("--eval.prequential.sample-rate");
    }
  }

  private int run(String... args) {
    CommandLine cli = new CommandLine(new EvalCommand());
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    return cli.execute(args);
  }
}
