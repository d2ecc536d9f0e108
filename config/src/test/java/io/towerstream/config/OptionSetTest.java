package io.towerstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one rule set every process's options are read by. */
class OptionSetTest {
  private static final Option<Integer> DIM =
      Option.intOption("model.dim").defaultValue(128).check(v -> v > 0, "positive").doc("Width.");
  private static final Option<Long> WAIT =
      Option.longOption("batch.max-wait-ms").defaultValue(50L).doc("Wait.");
  private static final Option<String> GROUP = Option.stringOption("group-id").doc("Group.");
  private static final Option<String> SERVERS =
      Option.stringOption("bootstrap-servers").required().doc("Kafka.");
  private static final Option<Integer> PORT =
      Option.intOption("http-port").defaultValue(8080).alias("port").doc("Port.");

  private static final OptionSet FLAGS = OptionSet.of(DIM, WAIT, GROUP, PORT);
  private static final OptionSet LAYERED =
      OptionSet.of(DIM, WAIT, GROUP, PORT)
          .withEnvironment("TOWERSTREAM_JOB_")
          .passThrough("kafka.", "One Kafka client property.");

  @Test
  void bothFormsOfAFlagAreRead() {
    OptionValues v = FLAGS.parse("--model.dim", "64", "--batch.max-wait-ms=7", "--group-id=a=b");
    assertThat(v.get(DIM)).isEqualTo(64);
    assertThat(v.get(WAIT)).isEqualTo(7L);
    assertThat(v.get(GROUP)).as("only the first = splits").isEqualTo("a=b");
    assertThat(FLAGS.parse("--group-id=").get(GROUP)).isEmpty();
  }

  @Test
  void anOptionNotGivenTakesItsDefaultAndIsNotSet() {
    OptionValues v = FLAGS.parse("--model.dim", "64");
    assertThat(v.get(WAIT)).isEqualTo(50L);
    assertThat(v.isSet(WAIT)).isFalse();
    assertThat(v.isSet(DIM)).isTrue();
    assertThat(v.get(GROUP)).as("no default").isNull();
  }

  @Test
  void aRepeatedFlagIsAnErrorUnderAnyOfItsNames() {
    assertThatThrownBy(() -> FLAGS.parse("--model.dim", "1", "--model.dim=2"))
        .isInstanceOf(OptionException.class)
        .hasMessage("option --model.dim is given more than once");
    assertThatThrownBy(() -> FLAGS.parse("--http-port", "1", "--port", "2"))
        .hasMessage("option --http-port (as --port) is given more than once");
    assertThatThrownBy(() -> LAYERED.parse("--kafka.acks", "1", "--kafka.acks", "all"))
        .hasMessage("option --kafka.acks is given more than once");
  }

  @Test
  void anUnknownOptionIsNamedWithTheClosestKnownOne() {
    assertThatThrownBy(() -> FLAGS.parse("--model.dimm", "16"))
        .isInstanceOf(OptionException.class)
        .hasMessage("unknown option --model.dimm; did you mean --model.dim?");
    assertThatThrownBy(() -> FLAGS.parse("--prot", "80"))
        .hasMessage("unknown option --prot; did you mean --port?");
    assertThatThrownBy(() -> FLAGS.parse("--model.dimension", "8"))
        .hasMessage("unknown option --model.dimension; did you mean --model.dim?");
    assertThatThrownBy(() -> FLAGS.parse("--xyz", "8")).hasMessage("unknown option --xyz");
    assertThatThrownBy(() -> FLAGS.parse("--kafka.acks", "1"))
        .as("no pass-through declared")
        .hasMessageStartingWith("unknown option --kafka.acks");
    assertThatThrownBy(() -> LAYERED.parse("--kafka.", "1"))
        .as("a prefix alone names nothing")
        .hasMessageStartingWith("unknown option --kafka.");
  }

  @Test
  void aMalformedValueNamesTheOptionTheFormAndWhereItCameFrom() {
    assertThatThrownBy(() -> FLAGS.parse("--model.dim", "wide"))
        .hasMessage("--model.dim must be an integer, was 'wide'");
    assertThatThrownBy(() -> FLAGS.parse("--model.dim", "-3"))
        .hasMessage("--model.dim must be positive, was -3");
    assertThatThrownBy(() -> LAYERED.parse(new String[0], Map.of("TOWERSTREAM_JOB_MODEL_DIM", "x")))
        .hasMessage(
            "--model.dim must be an integer, was 'x' (from environment variable TOWERSTREAM_JOB_MODEL_DIM)");
  }

  @Test
  void aFlagWithoutAValueOrAStrayWordIsAnError() {
    assertThatThrownBy(() -> FLAGS.parse("--model.dim"))
        .hasMessage("option --model.dim needs a value");
    assertThatThrownBy(() -> FLAGS.parse("--model.dim", "--group-id", "g"))
        .hasMessage("option --model.dim needs a value");
    assertThatThrownBy(() -> FLAGS.parse("64"))
        .hasMessage("expected an option like --name value, got '64'");
    assertThatThrownBy(() -> FLAGS.parse("--")).hasMessageStartingWith("expected an option");
  }

  @Test
  void aRequiredOptionMustComeFromSomeLayer() {
    OptionSet set = OptionSet.of(SERVERS, DIM).withEnvironment("P_");
    assertThatThrownBy(() -> set.parse("--model.dim", "4"))
        .hasMessage("option --bootstrap-servers is required (or P_BOOTSTRAP_SERVERS)");
    assertThat(set.parse(new String[0], Map.of("P_BOOTSTRAP_SERVERS", "k:1")).get(SERVERS))
        .isEqualTo("k:1");
  }

  @Test
  void flagsWinOverTheEnvironmentAndTheEnvironmentOverTheFile(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("job.properties");
    Files.writeString(
        file,
        "# a comment\nmodel.dim = 16\nbatch.max-wait-ms=5\n--group-id=from-file\n"
            + "kafka.security.protocol=SSL\n");
    OptionValues v =
        LAYERED.parse(
            new String[] {"--config", file.toString(), "--model.dim", "64"},
            Map.of("TOWERSTREAM_JOB_BATCH_MAX_WAIT_MS", "7", "TOWERSTREAM_JOB_MODEL_DIM", "32"));
    assertThat(v.get(DIM)).isEqualTo(64);
    assertThat(v.origin(DIM)).isNull();
    assertThat(v.get(WAIT)).isEqualTo(7L);
    assertThat(v.origin(WAIT)).isEqualTo("environment variable TOWERSTREAM_JOB_BATCH_MAX_WAIT_MS");
    assertThat(v.get(GROUP)).isEqualTo("from-file");
    assertThat(v.origin(GROUP)).isEqualTo("--config " + file);
    assertThat(v.passThrough("kafka.")).containsExactly(Map.entry("security.protocol", "SSL"));
  }

  @Test
  void aLowerSourceSitsUnderTheFileAndKnowsOnlyTheOptions(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("c.properties");
    Files.writeString(file, "group-id=file\n");
    Source flink =
        Source.withPrefix(
            "Flink configuration",
            "towerstream.",
            Map.of(
                "towerstream.group-id", "flink",
                "towerstream.model.dim", "8",
                "towerstream.kafka.acks", "all",
                "state.backend.type", "rocksdb"));
    OptionValues v = LAYERED.parse(new String[] {"--config=" + file}, Map.of(), flink);
    assertThat(v.get(GROUP)).isEqualTo("file");
    assertThat(v.get(DIM)).isEqualTo(8);
    assertThat(v.origin(DIM)).isEqualTo("Flink configuration");
    assertThat(v.passThrough("kafka.")).containsEntry("acks", "all");
    Source typo = new Source("Flink configuration", Map.of("model.dimm", "8"));
    assertThatThrownBy(() -> LAYERED.parse(new String[0], Map.of(), typo))
        .hasMessage(
            "unknown option --model.dimm in Flink configuration; did you mean --model.dim?");
  }

  @Test
  void theEnvironmentAndTheFileAreReadOnlyByALayeredSet() {
    assertThat(FLAGS.parse(new String[0], Map.of("TOWERSTREAM_JOB_MODEL_DIM", "2")).get(DIM))
        .isEqualTo(128);
    assertThatThrownBy(() -> FLAGS.parse("--config", "x.properties"))
        .hasMessageStartingWith("unknown option --config");
  }

  @Test
  void aMissingOrRepeatedConfigFileFailsWithTheOptionNamed(@TempDir Path dir) {
    assertThatThrownBy(() -> LAYERED.parse("--config", dir.resolve("nope").toString()))
        .isInstanceOf(OptionException.class)
        .hasMessageContaining("--config")
        .hasMessageContaining("nope");
    assertThatThrownBy(() -> LAYERED.parse("--config", "a", "--config", "b"))
        .hasMessageContaining("more than once");
    assertThatThrownBy(() -> LAYERED.parse("--config")).hasMessageContaining("needs a file");
  }

  @Test
  void anUnknownNameInTheFileFailsAsAnUnknownFlagWould(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("c.properties");
    Files.writeString(file, "model.dimm=16\n");
    assertThatThrownBy(() -> LAYERED.parse("--config", file.toString()))
        .hasMessage(
            "unknown option --model.dimm in --config " + file + "; did you mean --model.dim?");
  }

  @Test
  void anAliasCountsAsItsOptionInEveryLayer(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("store.properties");
    Files.writeString(file, "port=9000\n");
    String[] config = {"--config", file.toString()};
    assertThat(LAYERED.parse(config, Map.of("TOWERSTREAM_JOB_HTTP_PORT", "8000")).get(PORT))
        .isEqualTo(8000);
    assertThat(LAYERED.parse(config, Map.of("TOWERSTREAM_JOB_PORT", "7000")).get(PORT))
        .isEqualTo(7000);
    assertThat(LAYERED.parse(config, Map.of()).get(PORT)).isEqualTo(9000);
    assertThat(
            LAYERED
                .parse(
                    new String[] {"--config", file.toString(), "--port", "1"},
                    Map.of("TOWERSTREAM_JOB_HTTP_PORT", "8000"))
                .get(PORT))
        .isEqualTo(1);
    Files.writeString(file, "port=9000\nhttp-port=9001\n");
    assertThatThrownBy(() -> LAYERED.parse(config, Map.of()))
        .hasMessageContaining("sets http-port twice");
  }

  @Test
  void givesSaysWhetherTheUserChoseAnOptionInAnyFormOrInTheFile(@TempDir Path dir)
      throws IOException {
    assertThat(LAYERED.gives(new String[] {"--http-port", "1"}, "http-port")).isTrue();
    assertThat(LAYERED.gives(new String[] {"--http-port=1"}, "http-port")).isTrue();
    assertThat(LAYERED.gives(new String[] {"--port", "1"}, "http-port")).as("alias").isTrue();
    assertThat(LAYERED.gives(new String[] {"--http-port", "1"}, "port")).isTrue();
    assertThat(LAYERED.gives(new String[0], "http-port")).isFalse();
    assertThat(LAYERED.gives(new String[] {"--model.dim", "4"}, "http-port")).isFalse();
    Path file = dir.resolve("job.properties");
    Files.writeString(file, "port=9000\n");
    assertThat(LAYERED.gives(new String[] {"--config", file.toString()}, "http-port"))
        .as("from the --config file, under its alias")
        .isTrue();
    assertThat(LAYERED.gives(new String[] {"--config", file.toString()}, "model.dim")).isFalse();
    assertThatThrownBy(() -> LAYERED.gives(new String[0], "model.dimm"))
        .hasMessage("unknown option --model.dimm");
    assertThatThrownBy(() -> LAYERED.gives(new String[] {"--model.dimm", "4"}, "model.dim"))
        .hasMessageContaining("did you mean --model.dim?");
  }

  @Test
  void environmentNamesUpperCaseTheOptionWithUnderscores() {
    assertThat(OptionSet.envName("TOWERSTREAM_STORE_", "hnsw-max-degree"))
        .isEqualTo("TOWERSTREAM_STORE_HNSW_MAX_DEGREE");
    assertThat(OptionSet.envName("TOWERSTREAM_JOB_", "eval.prequential.sample-rate"))
        .isEqualTo("TOWERSTREAM_JOB_EVAL_PREQUENTIAL_SAMPLE_RATE");
  }

  @Test
  void anOptionIsDeclaredOnce() {
    assertThatThrownBy(() -> OptionSet.of(DIM, Option.intOption("model.dim")))
        .hasMessageContaining("--model.dim is declared twice");
    assertThatThrownBy(() -> OptionSet.of(PORT, Option.intOption("port")))
        .hasMessageContaining("--port is declared twice");
  }

  @Test
  void theUsageListsEveryOptionItsDefaultAndTheLayers() {
    String usage = LAYERED.usage("Options:", "model.dim=32");
    assertThat(usage)
        .startsWith("Options:\n")
        .contains("--model.dim", "Width. (default: 128)")
        .contains("Port. (default: 8080)")
        .contains("--kafka.<property>", "--config", "model.dim=32")
        .contains("TOWERSTREAM_JOB_MODEL_DIM");
    assertThat(LAYERED.docs())
        .extracting(OptionDoc::name)
        .containsExactly("model.dim", "batch.max-wait-ms", "group-id", "http-port");
    assertThat(FLAGS.usage("x", "")).doesNotContain("--config");
  }

  @Test
  void theClosestNameAllowsAFewEditsOrAWordTooMany() {
    assertThat(Suggestion.distance("prot", "port")).isEqualTo(1);
    assertThat(Suggestion.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(Suggestion.closest("seed", java.util.List.of("speed", "dim"))).isEqualTo("speed");
    assertThat(Suggestion.closest("abc", java.util.List.of("xyz"))).isNull();
  }
}
