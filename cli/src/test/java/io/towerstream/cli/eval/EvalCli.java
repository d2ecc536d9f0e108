package io.towerstream.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.towerstream.cli.commands.EvalCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/** Runs {@code towerstream eval} in this JVM as the launcher does, minus System.exit. */
final class EvalCli {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EvalCli() {}

  /** What one run printed: the JSON of its last stdout line, and its stderr (the tables). */
  record Output(JsonNode json, String stderr) {}

  /**
   * The MovieLens-100K folder that {@code TOWERSTREAM_DATA_DIR} names; the calling test is skipped,
   * saying how to run it, when it is not given.
   */
  static Path movieLens100k() {
    String dataDir = System.getProperty("towerstream.data.dir", "");
    assumeTrue(
        !dataDir.isBlank() && Files.exists(Path.of(dataDir, "u.data")),
        "MovieLens-100K not given: set TOWERSTREAM_DATA_DIR to the ml-100k folder to run this test");
    return Path.of(dataDir);
  }

  /** Runs the command, which must exit 0. */
  static Output eval(String... args) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new EvalCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    assertThat(exit).as("exit status; stderr:%n%s", err).isZero();
    String[] stdout = out.toString().strip().split("\\R");
    return new Output(JSON.readTree(stdout[stdout.length - 1]), err.toString());
  }
}
