package io.towerstream.cli.options;

import io.towerstream.config.OptionSet;
import io.towerstream.config.Source;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * The CLI's commands take their options as the job and the store do ({@link OptionSet}): flags,
 * then environment variables, then the properties file of {@code --config FILE}. Picocli asks a
 * default value provider only for the options the command line left out, after parsing, and its
 * answer beats the annotation's {@code defaultValue}; so this provider answers, for an option of a
 * command that has {@link ConfigFileOption}: the variable {@link #envPrefix} + the option's longest
 * name ({@link OptionSet#envName}) if set, else the file's value, else null (the annotation's
 * default). {@code --config} itself, help and version options, and commands without the mixin get
 * null.
 *
 * <p>Every key of the file must name an option of its command (any of its names, without {@code
 * --}); anything else fails as a {@link ParameterException} naming the file and the key, as an
 * unknown flag would. Picocli asks about the help and version options of every command in every
 * run, so the file is checked even when each of its options is also given as a flag. An unreadable
 * file fails naming {@code --config}.
 *
 * <p>One instance serves one parse of one command line (it caches each command's file and remembers
 * where each value came from, for {@link #origin}).
 */
public final class LayeredDefaults implements IDefaultValueProvider {
  private static final String ROOT_PREFIX = "TOWERSTREAM_";

  private final Map<String, String> env;

  /** Per command: the file read and its values, by option. */
  private final Map<CommandSpec, Loaded> files = new IdentityHashMap<>();

  private final Map<ArgSpec, String> origins = new IdentityHashMap<>();

  private record Loaded(Path file, Map<OptionSpec, String> values) {}

  /**
   * @param env the environment variables: {@code System.getenv()}, or a test's own
   */
  public LayeredDefaults(Map<String, String> env) {
    this.env = Objects.requireNonNull(env, "env");
  }

  /**
   * Registers a provider over {@code env} on {@code root} and its subcommands, and adds to the
   * usage of each layered command a footer naming its variables' prefix.
   */
  public static LayeredDefaults install(CommandLine root, Map<String, String> env) {
    LayeredDefaults defaults = new LayeredDefaults(env);
    root.setDefaultValueProvider(
        defaults); // reaches the subcommands already added, which is all of them
    addFooters(root.getCommandSpec());
    return defaults;
  }

  /**
   * Whether {@code command} takes {@code --config} and its variables, i.e. has {@link
   * ConfigFileOption}.
   */
  public static boolean isLayered(CommandSpec command) {
    return configOf(command) != null;
  }

  /**
   * {@code TOWERSTREAM_} + the command's path below the root, e.g. {@code
   * TOWERSTREAM_BENCH_TRAIN_}.
   */
  public static String envPrefix(CommandSpec command) {
    Deque<String> path = new ArrayDeque<>();
    for (CommandSpec c = command; c.parent() != null; c = c.parent()) {
      path.addFirst(c.name());
    }
    return OptionSet.envName(ROOT_PREFIX, String.join("_", path)) + "_";
  }

  /** The option's name in the file and in its variable: its longest name without the dashes. */
  static String name(OptionSpec option) {
    return bare(option.longestName());
  }

  /**
   * Where this provider took the value of {@code arg} from, e.g. {@code environment variable
   * TOWERSTREAM_DEMO_PORT}; null when it gave none (a flag or the annotation's default), so that an
   * error can say where a bad value is.
   */
  public String origin(ArgSpec arg) {
    return origins.get(arg);
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option)) {
      return null;
    }
    CommandSpec command = option.command();
    ConfigFileOption config = configOf(command);
    if (config == null || option.longestName().equals(ConfigFileOption.NAME)) {
      return null;
    }
    // read and check the file before skipping help and version: they are asked about in every run
    Loaded loaded = load(command, config.file);
    origins.remove(option);
    if (option.usageHelp() || option.versionHelp()) {
      return null;
    }
    String variable = OptionSet.envName(envPrefix(command), name(option));
    String value = env.get(variable);
    if (value != null) {
      origins.put(option, "environment variable " + variable);
      return value;
    }
    value = loaded.values().get(option);
    if (value != null) {
      origins.put(option, ConfigFileOption.NAME + " " + loaded.file());
    }
    return value;
  }

  private Loaded load(CommandSpec command, Path file) {
    if (file == null) {
      return new Loaded(null, Map.of());
    }
    Loaded cached = files.get(command);
    if (cached != null && cached.file().equals(file)) {
      return cached;
    }
    Map<String, String> raw;
    try {
      raw = Source.configFile(file).values();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          command.commandLine(), e.getMessage()); // names --config and the file
    }
    Map<String, OptionSpec> byName = optionsByName(command);
    Map<OptionSpec, String> values = new LinkedHashMap<>();
    raw.forEach(
        (key, value) -> {
          OptionSpec option = byName.get(key);
          if (option == null) {
            throw new ParameterException(
                command.commandLine(),
                "Unknown option in "
                    + ConfigFileOption.NAME
                    + " "
                    + file
                    + ": '"
                    + key
                    + "' ("
                    + command.qualifiedName()
                    + " takes: "
                    + String.join(", ", byName.keySet())
                    + ")");
          }
          if (values.putIfAbsent(option, value) != null) {
            throw new ParameterException(
                command.commandLine(),
                ConfigFileOption.NAME
                    + " "
                    + file
                    + " sets "
                    + option.longestName()
                    + " twice (once as '"
                    + key
                    + "')");
          }
        });
    Loaded loaded = new Loaded(file, values);
    files.put(command, loaded);
    return loaded;
  }

  /** The options a file may set, under each of their names without dashes. */
  private static Map<String, OptionSpec> optionsByName(CommandSpec command) {
    Map<String, OptionSpec> byName = new LinkedHashMap<>();
    for (OptionSpec option : command.options()) {
      if (option.usageHelp()
          || option.versionHelp()
          || option.longestName().equals(ConfigFileOption.NAME)) {
        continue;
      }
      for (String name : option.names()) {
        byName.putIfAbsent(bare(name), option);
      }
    }
    return byName;
  }

  private static ConfigFileOption configOf(CommandSpec command) {
    for (CommandSpec mixin : command.mixins().values()) {
      if (mixin.userObject() instanceof ConfigFileOption config) {
        return config;
      }
    }
    return null;
  }

  private static void addFooters(CommandSpec command) {
    if (isLayered(command)) {
      String example =
          command.options().stream()
              .filter(
                  o ->
                      !o.usageHelp()
                          && !o.versionHelp()
                          && !o.longestName().equals(ConfigFileOption.NAME))
              .findFirst()
              .map(o -> ", e.g. " + OptionSet.envName(envPrefix(command), name(o)))
              .orElse("");
      List<String> footer = new ArrayList<>(List.of(command.usageMessage().footer()));
      footer.add("");
      footer.add(
          "Every option may also come from an environment variable "
              + envPrefix(command)
              + "<OPTION> (the name in upper case, - as _"
              + example
              + ") or from the "
              + ConfigFileOption.NAME
              + " file; flags win over the environment, the environment over the file.");
      command.usageMessage().footer(footer.toArray(String[]::new));
    }
    command.subcommands().values().forEach(sub -> addFooters(sub.getCommandSpec()));
  }

  private static String bare(String name) {
    return name.replaceFirst("^-+", "");
  }
}
