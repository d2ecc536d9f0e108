package io.towerstream.cli;

import io.towerstream.cli.commands.BenchCommand;
import io.towerstream.cli.commands.DemoCommand;
import io.towerstream.cli.commands.LayeredDefaults;
import io.towerstream.cli.commands.QueryCommand;
import io.towerstream.cli.commands.ServeCommand;
import io.towerstream.cli.commands.StoreCommand;
import io.towerstream.cli.commands.TopicsCommand;
import io.towerstream.cli.commands.TrainCommand;
import io.towerstream.schemas.AvroTrust;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code towerstream} command line. */
@Command(
    name = "towerstream",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description =
        "Streaming two-tower recommendation embeddings: Kafka clicks -> Flink/ND4J training -> "
            + "Kafka embedding updates + a RocksDB retrieval store.",
    subcommands = {
      DemoCommand.class,
      io.towerstream.cli.commands.EvalCommand.class,
      QueryCommand.class,
      TrainCommand.class,
      ServeCommand.class,
      TopicsCommand.class,
      io.towerstream.cli.commands.ProduceCommand.class,
      io.towerstream.cli.commands.ExportCommand.class,
      BenchCommand.class,
      StoreCommand.class,
      io.towerstream.cli.commands.OptionsCommand.class
    })
public final class Towerstream {
  private Towerstream() {}

  public static void main(String[] args) {
    AvroTrust.ensure();
    // exit explicitly: Kafka, Flink and Jetty leave non-daemon threads behind
    CommandLine cli = commandLine(System.getenv());
    // UTF-8 whatever the locale (Java 17 takes the platform's, often ASCII in containers): ids and
    // titles are UTF-8
    cli.setOut(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
    System.exit(cli.execute(args));
  }

  /**
   * The command line {@link #main} runs, for tests too: every command with {@code --config} takes
   * its options from flags, then {@code env} ({@code TOWERSTREAM_<COMMAND>_<OPTION>}), then the
   * file ({@link LayeredDefaults}); a bad option, or an {@link IllegalArgumentException} from a
   * command, is a usage error (exit 2).
   */
  public static CommandLine commandLine(Map<String, String> env) {
    CommandLine cli = new CommandLine(new Towerstream());
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
