package io.towerstream.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.cli.bench.TrainBenchmark;
import io.towerstream.cli.options.LayeredDefaults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The CLI's commands take options as the job and the store do: flags over {@code
 * TOWERSTREAM_<COMMAND>_<OPTION>} over a {@code --config} file over the annotation's default.
 * Commands are parsed through {@code main}'s wiring ({@link TowerstreamCommand#commandLine}) with
 * the test's own environment, and never run.
 */
class LayeredDefaultsTest {
  @TempDir Path dir;

  @Test
  void aFlagBeatsTheEnvironmentWhichBeatsTheFileWhichBeatsTheDefault() throws IOException {
    Path file =
        write(
            "demo.properties",
            "port=1111",
            "host=10.0.0.1",
            "rate=5",
            "synthetic-users=300",
            "exit-after-replay=true",
            "--seed=9");
    DemoCommand demo =
        parse(
            Map.of(
                "TOWERSTREAM_DEMO_PORT",
                "2222",
                "TOWERSTREAM_DEMO_HOST",
                "10.0.0.2",
                "TOWERSTREAM_DEMO_SYNTHETIC_ITEMS",
                "77"),
            "demo",
            "--config",
            file.toString(),
            "--port",
            "3333",
            "--model.dim",
            "32");
    assertThat(demo.port).as("flag over environment and file").isEqualTo(3333);
    assertThat(demo.host).as("environment over file").isEqualTo("10.0.0.2");
    assertThat(demo.rate).as("file over default").isEqualTo(5.0);
    assertThat(demo.exitAfterReplay).as("a flag without value, from the file").isTrue();
    assertThat(demo.source.syntheticUsers).as("a mixin's option, from the file").isEqualTo(300);
    assertThat(demo.source.syntheticItems)
        .as("a mixin's option, from the environment")
        .isEqualTo(77);
    assertThat(demo.source.seed).as("a key written with its --").isEqualTo(9);
    assertThat(demo.jobMetricsPort).as("neither: the annotation's default").isEqualTo(9249);
    assertThat(demo.jobArgs)
        .as("--config is the demo's own; training-job options still pass through")
        .containsExactly("--model.dim", "32");
  }

  @Test
  void withoutEnvironmentOrFileTheAnnotationsDefaultsHold() {
    DemoCommand demo = parse(Map.of("TOWERSTREAM_PORT", "1", "TOWERSTREAM_DEMO_", "2"), "demo");
    assertThat(demo.port).isEqualTo(8080);
    assertThat(demo.host).isEqualTo("127.0.0.1");
    assertThat(demo.source.syntheticUsers).as("unset: the shape's default").isNull();
    assertThat(demo.source.users()).isEqualTo(2000);
  }

  @Test
  void listOptionsSplitValuesFromTheEnvironmentAndTheFile() throws IOException {
    Path file = write("bench.properties", "batch-sizes=64,128", "phases=step", "trainers=7");
    BenchTrainCommand bench =
        parse(
            Map.of("TOWERSTREAM_BENCH_TRAIN_TRAINERS", "1,3"),
            "bench",
            "train",
            "--config",
            file.toString());
    TrainBenchmark.Options o = bench.validate();
    assertThat(o.trainers()).as("environment over file").containsExactly(1, 3);
    assertThat(o.batchSizes()).containsExactly(64, 128);
    assertThat(o.phases()).containsExactly("step");
  }

  @Test
  void eachCommandReadsTheVariablesOfItsOwnPathOnly() throws IOException {
    Map<String, String> env =
        Map.of(
            "TOWERSTREAM_BENCH_STORE_DATA",
            "random",
            "TOWERSTREAM_BENCH_DATA",
            "wrong",
            "TOWERSTREAM_BENCH_TRAIN_DATA",
            dir.resolve("nope").toString(),
            "TOWERSTREAM_STORE_SNAPSHOT_URL",
            "http://store:8080",
            "TOWERSTREAM_SNAPSHOT_URL",
            "http://wrong:1",
            "TOWERSTREAM_STORE_URL",
            "http://wrong:2",
            "TOWERSTREAM_STORE_RESTORE_FROM",
            "/snapshots/a");
    assertThat(this.<BenchStoreCommand>parse(env, "bench", "store").toBenchOptions().data())
        .containsExactly("random");
    assertThat(
            this.<BenchTrainCommand>parse(
                    Map.of("TOWERSTREAM_BENCH_STORE_DATA", "x.data"), "bench", "train")
                .data)
        .isNull();
    assertThat(this.<StoreSnapshotCommand>parse(env, "store", "snapshot").url)
        .isEqualTo("http://store:8080");
    // required options are satisfied by the other layers too
    Path file = write("restore.properties", "db=/stores/new", "from=/snapshots/b");
    StoreRestoreCommand restore = parse(env, "store", "restore", "--config", file.toString());
    assertThat(restore.from).isEqualTo(Path.of("/snapshots/a"));
    assertThat(restore.db).isEqualTo(Path.of("/stores/new"));
    // an option's short and long names share one variable, of the long name
    assertThat(
            this.<EvalCommand>parse(Map.of("TOWERSTREAM_EVAL_K", "5,6"), "eval", "--data", "x").ks)
        .isEqualTo("5,6");
  }

  @Test
  void aKeyInTheFileThatIsNoOptionOfTheCommandFailsNamingFileAndKey() throws IOException {
    Path file = write("typo.properties", "port=1", "prot=8080");
    assertThatThrownBy(() -> parse(Map.of(), "demo", "--config", file.toString()))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("'prot'");
    // the option of another command, a training-job option, --config itself: none is demo's
    for (String key : List.of("bootstrap-servers", "model.dim", "config", "help")) {
      Path other = write("other.properties", key + "=x");
      assertThatThrownBy(() -> parse(Map.of(), "demo", "--config", other.toString()))
          .as(key)
          .isInstanceOf(ParameterException.class)
          .hasMessageContaining("'" + key + "'");
    }
    CliRun run = CliRun.of("demo", "--config", file.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("prot", file.toString());
  }

  @Test
  void theFileIsCheckedEvenWhenEveryOptionIsAFlag() throws IOException {
    Path file = write("restore.properties", "form=/snapshots/a");
    assertThatThrownBy(
            () ->
                parse(
                    Map.of(),
                    "store",
                    "restore",
                    "--from",
                    "/a",
                    "--db",
                    "/b",
                    "--config",
                    file.toString()))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("'form'");
  }

  @Test
  void anUnreadableFileFailsNamingConfig() {
    Path missing = dir.resolve("missing.properties");
    assertThatThrownBy(
            () -> parse(Map.of(), "query", "--user", "u", "--config", missing.toString()))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--config")
        .hasMessageContaining(missing.toString());
  }

  @Test
  void aBadValueFromTheEnvironmentOrTheFileSaysWhereItCameFrom() throws IOException {
    // nothing answers on port 1: were the value accepted, the query would fail with exit 3, not 2
    CliRun env =
        CliRun.withEnv(
            Map.of("TOWERSTREAM_QUERY_K", "many"),
            "query",
            "--user",
            "u",
            "--url",
            "http://127.0.0.1:1");
    assertThat(env.exitCode()).as(env.err()).isEqualTo(2);
    assertThat(env.err()).contains("--k", "many", "environment variable TOWERSTREAM_QUERY_K");
    Path file = write("query.properties", "k=lots");
    CliRun fromFile =
        CliRun.of(
            "query", "--user", "u", "--url", "http://127.0.0.1:1", "--config", file.toString());
    assertThat(fromFile.exitCode()).as(fromFile.err()).isEqualTo(2);
    assertThat(fromFile.err()).contains("--k", "lots", "--config " + file);
    CliRun flag =
        CliRun.withEnv(Map.of("TOWERSTREAM_QUERY_K", "many"), "query", "--user", "u", "-k", "few");
    assertThat(flag.exitCode()).isEqualTo(2);
    assertThat(flag.err()).contains("few").doesNotContain("TOWERSTREAM_QUERY_K");
  }

  @Test
  void serveAndTrainStillHandTheirRawOptionsIncludingConfigToTheStoreAndTheJob() {
    CommandLine cli =
        TowerstreamCommand.commandLine(Map.of("TOWERSTREAM_TRAIN_FLINK_UI_PORT", "5"));
    TrainCommand train =
        leaf(cli.parseArgs("train", "--config", "job.properties", "--bootstrap-servers", "k:9092"));
    assertThat(train.jobArgs)
        .containsExactly("--config", "job.properties", "--bootstrap-servers", "k:9092");
    assertThat(train.flinkUiPort).as("train's own flags are not layered").isZero();
    ServeCommand serve =
        leaf(
            TowerstreamCommand.commandLine(Map.of())
                .parseArgs("serve", "--config=store.properties", "--db-path", "/db"));
    assertThat(serve.args).containsExactly("--config=store.properties", "--db-path", "/db");
    for (String raw : List.of("train", "serve")) {
      CommandSpec spec = cli.getSubcommands().get(raw).getCommandSpec();
      assertThat(spec.findOption("--config")).as(raw).isNull();
      assertThat(LayeredDefaults.isLayered(spec)).as(raw).isFalse();
    }
  }

  /**
   * A new command with options and without the mixin fails here, as does a help that does not say
   * how.
   */
  @Test
  void everyCommandWithOptionsButServeAndTrainIsLayeredAndItsHelpSaysHow() {
    List<String> layered = new ArrayList<>();
    collectLayered(TowerstreamCommand.commandLine(Map.of()), layered);
    assertThat(layered)
        .containsExactlyInAnyOrder(
            "demo",
            "eval",
            "query",
            "produce",
            "export",
            "topics",
            "bench store",
            "bench train",
            "store snapshot",
            "store restore",
            "options");
    CommandLine cli = TowerstreamCommand.commandLine(Map.of());
    CommandLine bench = cli.getSubcommands().get("bench").getSubcommands().get("train");
    assertThat(LayeredDefaults.envPrefix(bench.getCommandSpec()))
        .isEqualTo("TOWERSTREAM_BENCH_TRAIN_");
    CommandLine snapshot = cli.getSubcommands().get("store").getSubcommands().get("snapshot");
    assertThat(LayeredDefaults.envPrefix(snapshot.getCommandSpec()))
        .isEqualTo("TOWERSTREAM_STORE_SNAPSHOT_");
    String help = CliRun.of("demo", "--help").out().replaceAll("\\s+", " "); // unwrapped
    assertThat(help)
        .contains("--config=FILE", "TOWERSTREAM_DEMO_<OPTION>", "flags win over the environment");
    assertThat(help.split("TOWERSTREAM_DEMO_<OPTION>", -1)).as("said once").hasSize(2);
  }

  private static void collectLayered(CommandLine command, List<String> layered) {
    CommandSpec spec = command.getCommandSpec();
    boolean hasOptions = spec.options().stream().anyMatch(o -> !o.usageHelp() && !o.versionHelp());
    String path = spec.qualifiedName().replaceFirst("^towerstream ?", "");
    if (hasOptions && !List.of("train", "serve").contains(path)) {
      assertThat(LayeredDefaults.isLayered(spec)).as(path).isTrue();
      assertThat(command.getUsageMessage())
          .as(path)
          .contains("--config=FILE", LayeredDefaults.envPrefix(spec));
      layered.add(path);
    }
    command.getSubcommands().values().forEach(sub -> collectLayered(sub, layered));
  }

  private <T> T parse(Map<String, String> env, String... args) {
    return leaf(TowerstreamCommand.commandLine(env).parseArgs(args));
  }

  private static <T> T leaf(CommandLine.ParseResult result) {
    while (result.hasSubcommand()) {
      result = result.subcommand();
    }
    return result.commandSpec().commandLine().getCommand();
  }

  private Path write(String name, String... lines) throws IOException {
    return Files.write(dir.resolve(name), List.of(lines));
  }
}
