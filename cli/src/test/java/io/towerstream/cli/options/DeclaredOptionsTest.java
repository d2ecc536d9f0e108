package io.towerstream.cli.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.towerstream.config.Option;
import io.towerstream.config.OptionSet;
import io.towerstream.config.OptionValues;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A process's declarations become a command's options: shown with their meaning and default,
 * layered as the command's own options, each value checked by its declaration, and only the values
 * given handed on to the process's parser.
 */
class DeclaredOptionsTest {
  enum Shape {
    ROUND,
    FLAT_TOP
  }

  static final Option<Integer> DIM =
      Option.intOption("model.dim").defaultValue(128).check(d -> d > 0, "positive").doc("Width.");
  static final Option<Shape> SHAPE =
      Option.enumOption("shape", Shape.class).defaultValue(Shape.ROUND).doc("Its 100% shape");
  static final Option<String> SERVERS =
      Option.stringOption("bootstrap-servers").alias("servers").required().doc("Kafka.");
  static final OptionSet PROCESS = OptionSet.of(DIM, SHAPE, SERVERS);

  @Command(name = "run", modelTransformer = Declared.class)
  static final class Run {
    @Spec CommandSpec spec;
    @Mixin ConfigFileOption config;

    OptionValues values() {
      return PROCESS.parse(DeclaredOptions.args(spec));
    }
  }

  static final class Declared extends DeclaredOptions {
    Declared() {
      super(PROCESS.options());
    }
  }

  @Test
  void eachDeclarationIsAnOptionWithItsMeaningDefaultAndValues() {
    CommandLine cli = new CommandLine(new Run());
    OptionSpec dim = cli.getCommandSpec().findOption("--model.dim");
    assertThat(dim.arity().min).isEqualTo(1);
    assertThat(dim.description()).containsExactly("Width (default: 128).");
    assertThat(DeclaredOptions.declaration(dim)).isSameAs(DIM);
    OptionSpec shape = cli.getCommandSpec().findOption("--shape");
    assertThat(shape.paramLabel()).isEqualTo("round|flat-top");
    assertThat(cli.getCommandSpec().findOption("--servers").required()).isTrue();
    String usage = cli.getUsageMessage();
    assertThat(usage).contains("Its 100% shape (default: round)", "Kafka (required).");
  }

  @Test
  void onlyTheValuesGivenReachTheProcessWhichFillsInItsDefaults() {
    Run run = parse(Map.of(), "--servers", "k:9092", "--shape=flat-top");
    assertThat(DeclaredOptions.args(run.spec))
        .containsExactly("--shape=flat-top", "--bootstrap-servers=k:9092");
    OptionValues values = run.values();
    assertThat(values.isSet(DIM)).isFalse();
    assertThat(values.get(DIM)).isEqualTo(128);
    assertThat(values.get(SHAPE)).isEqualTo(Shape.FLAT_TOP);
    // a value that starts with -- travels whole
    assertThat(parse(Map.of(), "--bootstrap-servers=--odd").values().get(SERVERS))
        .isEqualTo("--odd");
  }

  @Test
  void theEnvironmentAndTheConfigFileFillADeclaredOptionAsAnyOther() {
    Run run =
        parse(
            Map.of("TOWERSTREAM_RUN_MODEL_DIM", "32", "TOWERSTREAM_RUN_BOOTSTRAP_SERVERS", "e:1"),
            "--shape",
            "round");
    assertThat(run.values().get(DIM)).isEqualTo(32);
    assertThat(run.values().get(SERVERS)).isEqualTo("e:1");
  }

  @Test
  void aBadValueIsAUsageErrorNamingTheOptionAndWhereItCameFrom() {
    assertThatThrownBy(() -> parse(Map.of(), "--servers", "k", "--model.dim", "0"))
        .isInstanceOf(ParameterException.class)
        .hasMessage("Invalid value for option '--model.dim': must be positive, was 0");
    assertThatThrownBy(() -> parse(Map.of(), "--servers", "k", "--shape", "square"))
        .hasMessageContaining("must be one of round, flat-top, was 'square'");
    assertThatThrownBy(() -> parse(Map.of(), "--servers", "k", "--shape", "round", "--shape=round"))
        .as("given twice")
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--shape");
    assertThatThrownBy(() -> parse(Map.of(), "--shape", "round"))
        .hasMessageContaining("--bootstrap-servers");
    CommandLine root = new CommandLine(new Root());
    LayeredDefaults defaults =
        LayeredDefaults.install(root, Map.of("TOWERSTREAM_RUN_MODEL_DIM", "wide"));
    ParameterException fromEnv =
        catchThrowableOfType(
            () -> root.parseArgs("run", "--servers", "k"), ParameterException.class);
    assertThat(fromEnv).hasMessageContaining("'--model.dim': must be an integer, was 'wide'");
    assertThat(defaults.origin(fromEnv.getArgSpec()))
        .isEqualTo("environment variable TOWERSTREAM_RUN_MODEL_DIM");
  }

  /** Parsed as the CLI parses: below a root command whose defaults read {@code env}. */
  private static Run parse(Map<String, String> env, String... args) {
    CommandLine root = new CommandLine(new Root());
    LayeredDefaults.install(root, env);
    String[] full = new String[args.length + 1];
    full[0] = "run";
    System.arraycopy(args, 0, full, 1, args.length);
    return root.parseArgs(full).subcommand().commandSpec().commandLine().getCommand();
  }

  @Command(name = "towerstream", subcommands = Run.class)
  static final class Root {}

  @Test
  void theOptionsAreThoseOfTheDeclarations() {
    assertThat(
            new CommandLine(new Run())
                .getCommandSpec().options().stream()
                    .filter(o -> DeclaredOptions.declaration(o) != null)
                    .map(OptionSpec::longestName)
                    .toList())
        .isEqualTo(List.of("--model.dim", "--shape", "--bootstrap-servers"));
  }
}
