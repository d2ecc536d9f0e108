package io.towerstream.cli.commands;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;

/**
 * Runs the {@code towerstream} command line in-process, wired as {@code main} wires it ({@link
 * TowerstreamCommand#commandLine}), capturing what it prints. The environment is the run's own,
 * empty unless given, so no {@code TOWERSTREAM_*} variable of the machine running the tests changes
 * a command's options.
 */
record CliRun(int exitCode, String out, String err) {

  static CliRun of(String... args) {
    return withEnv(Map.of(), args);
  }

  static CliRun withEnv(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = TowerstreamCommand.commandLine(env);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
