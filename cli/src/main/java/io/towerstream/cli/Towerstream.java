package io.towerstream.cli;

import io.towerstream.cli.commands.TowerstreamCommand;
import io.towerstream.schemas.AvroTrust;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * The {@code towerstream} program: runs the root command ({@link TowerstreamCommand}) over the
 * process's arguments and environment and exits with its code. The jar's main class.
 */
public final class Towerstream {
  private Towerstream() {}

  public static void main(String[] args) {
    AvroTrust.ensure();
    // exit explicitly: Kafka, Flink and Jetty leave non-daemon threads behind
    CommandLine cli = TowerstreamCommand.commandLine(System.getenv());
    // UTF-8 whatever the locale (Java 17 takes the platform's, often ASCII in containers): ids and
    // titles are UTF-8
    cli.setOut(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
    System.exit(cli.execute(args));
  }
}
