package io.towerstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayeredOptionsTest {
  private static final List<String> KNOWN = List.of("model.dim", "batch.max-wait-ms", "group-id");

  @Test
  void flagsWinOverTheEnvironmentAndTheEnvironmentOverTheFile(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("job.properties");
    Files.writeString(
        file,
        "# a comment\nmodel.dim = 16\nbatch.max-wait-ms=5\ngroup-id=from-file\n"
            + "kafka.security.protocol=SSL\n");
    String[] merged =
        LayeredOptions.merge(
            new String[] {"--config", file.toString(), "--model.dim", "64"},
            Map.of("TOWERSTREAM_JOB_BATCH_MAX_WAIT_MS", "7", "TOWERSTREAM_JOB_MODEL_DIM", "32"),
            "TOWERSTREAM_JOB_",
            KNOWN);
    assertThat(merged)
        .containsExactly(
            "--batch.max-wait-ms=7",
            "--group-id=from-file",
            "--kafka.security.protocol=SSL",
            "--model.dim",
            "64");
  }

  @Test
  void theInlineFormsCountAsGiven(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("c.properties");
    Files.writeString(file, "group-id=file\n");
    assertThat(
            LayeredOptions.merge(
                new String[] {"--config=" + file, "--group-id=flag"}, Map.of(), "P_", KNOWN))
        .containsExactly("--group-id=flag");
    assertThat(LayeredOptions.merge(new String[] {}, Map.of("P_GROUP_ID", "env"), "P_", KNOWN))
        .containsExactly("--group-id=env");
  }

  @Test
  void aMissingOrRepeatedConfigFileFailsWithTheOptionNamed(@TempDir Path dir) {
    assertThatThrownBy(
            () ->
                LayeredOptions.merge(
                    new String[] {"--config", dir.resolve("nope").toString()},
                    Map.of(),
                    "P_",
                    KNOWN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--config")
        .hasMessageContaining("nope");
    assertThatThrownBy(
            () ->
                LayeredOptions.merge(
                    new String[] {"--config", "a", "--config", "b"}, Map.of(), "P_", KNOWN))
        .hasMessageContaining("more than once");
    assertThatThrownBy(() -> LayeredOptions.merge(new String[] {"--config"}, Map.of(), "P_", KNOWN))
        .hasMessageContaining("needs a file");
  }

  @Test
  void anAliasCountsAsItsOptionInEveryLayer(@TempDir Path dir) throws IOException {
    List<String> known = List.of("http-port");
    Map<String, String> aliases = Map.of("port", "http-port");
    Path file = dir.resolve("store.properties");
    Files.writeString(file, "port=9000\n");
    String[] config = {"--config", file.toString()};
    assertThat(LayeredOptions.merge(config, Map.of("P_HTTP_PORT", "8000"), "P_", known, aliases))
        .containsExactly("--http-port=8000");
    assertThat(LayeredOptions.merge(config, Map.of("P_PORT", "7000"), "P_", known, aliases))
        .containsExactly("--http-port=7000");
    assertThat(LayeredOptions.merge(config, Map.of(), "P_", known, aliases))
        .containsExactly("--http-port=9000");
    assertThat(
            LayeredOptions.merge(
                new String[] {"--config", file.toString(), "--port", "1"},
                Map.of("P_HTTP_PORT", "8000"),
                "P_",
                known,
                aliases))
        .containsExactly("--http-port", "1");
    assertThat(LayeredOptions.merge(new String[] {"--port=2"}, Map.of(), "P_", known, aliases))
        .containsExactly("--http-port=2");
    Files.writeString(file, "port=9000\nhttp-port=9001\n");
    assertThatThrownBy(() -> LayeredOptions.merge(config, Map.of(), "P_", known, aliases))
        .hasMessageContaining("http-port twice");
  }

  @Test
  void environmentNamesUpperCaseTheOptionWithUnderscores() {
    assertThat(LayeredOptions.envName("TOWERSTREAM_STORE_", "hnsw-max-degree"))
        .isEqualTo("TOWERSTREAM_STORE_HNSW_MAX_DEGREE");
    assertThat(LayeredOptions.envName("TOWERSTREAM_JOB_", "eval.prequential.sample-rate"))
        .isEqualTo("TOWERSTREAM_JOB_EVAL_PREQUENTIAL_SAMPLE_RATE");
  }
}
