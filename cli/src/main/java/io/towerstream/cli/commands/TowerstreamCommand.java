package io.towerstream.cli.commands;

import io.towerstream.cli.options.LayeredDefaults;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The root {@code towerstream} command: its subcommands and the one way they are wired ({@link
 * #commandLine}), which {@code main}, the tests and {@code towerstream options} share.
 */
@Command(
    name = "towerstream",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description =
        "Streaming two-tower recommendation embeddings: Kafka clicks -> Flink/ND4J training -> "
            + "Kafka embedding updates + a RocksDB retrieval store.",
    subcommands = {
      DemoCommand.class,
      EvalCommand.class,
      QueryCommand.class,
      TrainCommand.class,
      ServeCommand.class,
      TopicsCommand.class,
      ProduceCommand.class,
      ExportCommand.class,
      BenchCommand.class,
      StoreCommand.class,
      OptionsCommand.class
    })
public final class TowerstreamCommand {
  private TowerstreamCommand() {}

  /**
   * The command line {@code main} runs, for tests too: every command with {@code --config} takes
   * its options from flags, then {@code env} ({@code TOWERSTREAM_<COMMAND>_<OPTION>}), then the
   * file ({@link LayeredDefaults}); a bad option, or an {@link IllegalArgumentException} from a
   * command, is a usage error (exit 2).
   */
  public static CommandLine commandLine(Map<String, String> env) {
    CommandLine cli = new CommandLine(new TowerstreamCommand());
    LayeredDefaults defaults = LayeredDefaults.install(cli, env);
    // A bad option value is a usage error: say which option and why (and where a value not typed
    // came from), exit 2.
    cli.setParameterExceptionHandler(
        (ex, a) -> {
          String origin = ex.getArgSpec() == null ? null : defaults.origin(ex.getArgSpec());
          ex.getCommandLine()
              .getErr()
              .println(
                  "towerstream: "
                      + ex.getMessage()
                      + (origin == null ? "" : " (from " + origin + ")"));
          ex.getCommandLine()
              .getErr()
              .println(
                  "Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
          return 2;
        });
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          if (ex instanceof IllegalArgumentException) {
            commandLine.getErr().println("towerstream: " + ex.getMessage());
            return 2;
          }
          throw ex;
        });
    return cli;
  }
}
