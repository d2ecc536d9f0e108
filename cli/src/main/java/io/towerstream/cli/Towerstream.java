package io.towerstream.cli;

import io.towerstream.cli.commands.BenchCommand;
import io.towerstream.cli.commands.DemoCommand;
import io.towerstream.cli.commands.QueryCommand;
import io.towerstream.cli.commands.ServeCommand;
import io.towerstream.cli.commands.StoreCommand;
import io.towerstream.cli.commands.TopicsCommand;
import io.towerstream.cli.commands.TrainCommand;
import io.towerstream.schemas.AvroTrust;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code towerstream} command line. */
@Command(name = "towerstream", mixinStandardHelpOptions = true, version = "towerstream 0.1.0",
    description = "Streaming two-tower recommendation embeddings: Kafka clicks -> Flink/ND4J training -> "
        + "Kafka embedding updates + a RocksDB retrieval store.",
    subcommands = {DemoCommand.class, io.towerstream.cli.commands.EvalCommand.class, QueryCommand.class,
        TrainCommand.class, ServeCommand.class, TopicsCommand.class, io.towerstream.cli.commands.ProduceCommand.class, BenchCommand.class, StoreCommand.class})
public final class Towerstream {
  private Towerstream() {}

  public static void main(String[] args) {
    AvroTrust.ensure();
    CommandLine cli = new CommandLine(new Towerstream());
    // A bad option value is a usage error: say which option and why, exit 2.
    cli.setParameterExceptionHandler((ex, a) -> {
      ex.getCommandLine().getErr().println("towerstream: " + ex.getMessage());
      ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
      return 2;
    });
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      if (ex instanceof IllegalArgumentException) {
        commandLine.getErr().println("towerstream: " + ex.getMessage());
        return 2;
      }
      throw ex;
    });
    // exit explicitly: Kafka, Flink and Jetty leave non-daemon threads behind
    System.exit(cli.execute(args));
  }
}
