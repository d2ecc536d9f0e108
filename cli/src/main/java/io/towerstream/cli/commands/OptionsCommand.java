package io.towerstream.cli.commands;

import io.towerstream.cli.docs.OptionTables;
import io.towerstream.cli.options.ConfigFileOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code towerstream options}: every option of every process, as the tables of {@code
 * docs/configuration.md} show them.
 */
@Command(
    name = "options",
    mixinStandardHelpOptions = true,
    description =
        "Prints every option of the training job, the store and each command as Markdown tables, "
            + "from the code that parses them; --write rewrites the tables in docs/configuration.md.")
public final class OptionsCommand implements Callable<Integer> {
  /** The page that holds the generated tables, relative to the repository root. */
  public static final String DEFAULT_TARGET = "docs/configuration.md";

  @Spec CommandSpec spec;

  @Mixin ConfigFileOption config;

  @Option(
      names = "--write",
      arity = "0..1",
      fallbackValue = DEFAULT_TARGET,
      paramLabel = "FILE",
      description =
          "Rewrite the option tables between the <!-- options:NAME --> markers of this file "
              + "(without a value: "
              + DEFAULT_TARGET
              + ", relative to the working directory).")
  Path write;

  @Override
  public Integer call() throws Exception {
    Map<String, String> tables =
        OptionTables.tables(TowerstreamCommand.commandLine(Map.of())); // no env in the docs
    if (write != null) {
      String page = Files.readString(write, StandardCharsets.UTF_8);
      Files.writeString(write, OptionTables.update(page, tables), StandardCharsets.UTF_8);
      spec.commandLine()
          .getOut()
          .println("rewrote " + tables.size() + " option tables in " + write);
    } else {
      tables.forEach(
          (name, table) -> spec.commandLine().getOut().println("## " + name + "\n\n" + table));
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
