package io.towerstream.cli.options;

import io.towerstream.config.OptionSet;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --config FILE} option of a command whose options are layered: mixed into a command, it
 * makes {@link LayeredDefaults} fill the options not given as flags from the command's environment
 * variables, then from this file. Commands without it (the containers, and {@code serve} and {@code
 * train}, which hand their arguments raw to the store's and the job's own layered parsers) get
 * nothing from either.
 */
public final class ConfigFileOption {
  /** The option's name, as the job and the store spell it. */
  public static final String NAME = "--" + OptionSet.CONFIG_OPTION;

  @Option(
      names = NAME,
      paramLabel = "FILE",
      description =
          "Properties file of this command's options: name=value lines, with the flags' names "
              + "without --. A name that is not an option of this command fails.")
  Path file;
}
