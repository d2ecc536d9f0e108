package io.towerstream.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The options of one process and the one way they are read. Flags take {@code --name value} or
 * {@code --name=value} (a value that starts with {@code --} needs the second form); every option
 * may be given once (an alias counts as its option); an unknown name fails naming it, with the
 * closest known name when one is near; a malformed value fails naming the option and the form it
 * needs.
 *
 * <p>A process {@link #withEnvironment with an environment prefix} also reads, for each option the
 * flags leave out, the environment variable of its name ({@link #envName}), then the properties
 * file of {@code --config FILE}, then any lower {@link Source} the caller adds (a platform's own
 * configuration): flags win over the environment, the environment over the file. A name in a file
 * or source that is no option fails as an unknown flag would.
 *
 * <p>Pass-through prefixes ({@code kafka.}) take any name below them, from the flags and the lower
 * layers (never the environment), for {@link OptionValues#passThrough}.
 */
public final class OptionSet {
  /** The option naming the properties file of a layered process. */
  public static final String CONFIG_OPTION = "config";

  private record PassThrough(String prefix, String description) {}

  private record Raw(String value, String origin) {}

  private final List<Option<?>> options;
  private final Map<String, Option<?>> byName;
  private final String envPrefix;
  private final List<PassThrough> passThroughs;

  private OptionSet(List<Option<?>> options, String envPrefix, List<PassThrough> passThroughs) {
    this.options = List.copyOf(options);
    this.envPrefix = envPrefix;
    this.passThroughs = List.copyOf(passThroughs);
    Map<String, Option<?>> names = new LinkedHashMap<>();
    for (Option<?> o : options) {
      for (String name : names(o)) {
        if (names.put(name, o) != null || name.equals(CONFIG_OPTION)) {
          throw new IllegalArgumentException("option --" + name + " is declared twice");
        }
      }
    }
    this.byName = names;
  }

  /** {@code options}, read from flags only (no environment, no {@code --config}). */
  public static OptionSet of(List<? extends Option<?>> options) {
    return new OptionSet(new ArrayList<>(options), null, List.of());
  }

  public static OptionSet of(Option<?>... options) {
    return of(List.of(options));
  }

  /**
   * These options, also read from environment variables named {@code prefix} + the option ({@link
   * #envName}) and from a {@code --config FILE}.
   */
  public OptionSet withEnvironment(String prefix) {
    return new OptionSet(options, prefix, passThroughs);
  }

  /** These options, and any option named {@code prefix<key>}, e.g. {@code --kafka.<property>}. */
  public OptionSet passThrough(String prefix, String description) {
    List<PassThrough> more = new ArrayList<>(passThroughs);
    more.add(new PassThrough(prefix, description));
    return new OptionSet(options, envPrefix, more);
  }

  public List<Option<?>> options() {
    return options;
  }

  /** The environment variable prefix; null when the environment is not read. */
  public String envPrefix() {
    return envPrefix;
  }

  /** The environment variable of {@code option} under {@code prefix}. */
  public static String envName(String prefix, String option) {
    return prefix + option.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** Flags only (the environment, if read, is empty). */
  public OptionValues parse(String... args) {
    return parse(args, Map.of());
  }

  /**
   * @throws OptionException naming the option: an unknown or repeated one, a missing or malformed
   *     value, a required option not given, an unreadable {@code --config} file
   */
  public OptionValues parse(String[] args, Map<String, String> env, Source... lower) {
    Map<String, Raw> raw = new LinkedHashMap<>();
    Path file = flags(args, raw);
    if (envPrefix != null) {
      for (Option<?> o : options) {
        for (String name : names(o)) {
          String variable = envName(envPrefix, name);
          if (!raw.containsKey(o.name()) && env.containsKey(variable)) {
            raw.put(o.name(), new Raw(env.get(variable), "environment variable " + variable));
          }
        }
      }
    }
    List<Source> sources = new ArrayList<>();
    if (file != null) {
      sources.add(Source.configFile(file));
    }
    sources.addAll(List.of(lower));
    for (Source source : sources) {
      Map<String, Raw> layer = new LinkedHashMap<>();
      source
          .values()
          .forEach(
              (name, value) -> {
                String key = key(name, " in " + source.label());
                if (layer.put(key, new Raw(value, source.label())) != null) {
                  throw new OptionException(
                      source.label() + " sets " + key + " twice (once as " + name + ")");
                }
              });
      layer.forEach(raw::putIfAbsent);
    }
    return values(raw);
  }

  /**
   * Whether {@code args} give the option {@code name} (or one of its aliases): as a flag in either
   * form, or in the file of {@code --config}. Values are not parsed and required options not
   * checked, so a caller can ask before it adds its own defaults below the user's.
   *
   * @throws OptionException when {@code name} is no option, or the flags are malformed as {@link
   *     #parse} reports them
   */
  public boolean gives(String[] args, String name) {
    Option<?> option = byName.get(name);
    if (option == null) {
      throw new OptionException("unknown option --" + name);
    }
    Map<String, Raw> raw = new LinkedHashMap<>();
    Path file = flags(args, raw);
    if (raw.containsKey(option.name())) {
      return true;
    }
    return file != null
        && Source.configFile(file).values().keySet().stream()
            .anyMatch(key -> byName.get(key) == option);
  }

  /** The flags into {@code raw}; returns the file of {@code --config}, or null. */
  private Path flags(String[] args, Map<String, Raw> raw) {
    Path file = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new OptionException("expected an option like --name value, got '" + arg + "'");
      }
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        value = args[++i];
      }
      boolean config = envPrefix != null && name.equals(CONFIG_OPTION);
      if (value == null) {
        throw new OptionException(
            "option --" + name + (config ? " needs a file" : " needs a value"));
      }
      if (config) {
        if (file != null) {
          throw new OptionException("option --" + CONFIG_OPTION + " is given more than once");
        }
        file = Path.of(value);
        continue;
      }
      String key = key(name, "");
      if (raw.put(key, new Raw(value, null)) != null) {
        throw new OptionException(
            "option --"
                + key
                + (key.equals(name) ? "" : " (as --" + name + ")")
                + " is given more than once");
      }
    }
    return file;
  }

  /** The canonical name of {@code name}: its option's, or itself under a pass-through prefix. */
  private String key(String name, String where) {
    Option<?> option = byName.get(name);
    if (option != null) {
      return option.name();
    }
    for (PassThrough p : passThroughs) {
      if (name.startsWith(p.prefix) && name.length() > p.prefix.length()) {
        return name;
      }
    }
    String near = Suggestion.closest(name, byName.keySet());
    throw new OptionException(
        "unknown option --"
            + name
            + where
            + (near == null ? "" : "; did you mean --" + near + "?"));
  }

  private OptionValues values(Map<String, Raw> raw) {
    Map<Option<?>, Object> values = new LinkedHashMap<>();
    Map<Option<?>, String> origins = new LinkedHashMap<>();
    Map<String, String> passThrough = new LinkedHashMap<>();
    raw.forEach(
        (name, r) -> {
          Option<?> option = byName.get(name);
          if (option == null) {
            passThrough.put(name, r.value.trim());
            return;
          }
          try {
            values.put(option, option.parse(r.value));
          } catch (OptionException e) {
            throw r.origin == null
                ? e
                : new OptionException(e.getMessage() + " (from " + r.origin + ")");
          }
          if (r.origin != null) {
            origins.put(option, r.origin);
          }
        });
    for (Option<?> o : options) {
      if (o.isRequired() && !values.containsKey(o)) {
        throw new OptionException(
            "option --"
                + o.name()
                + " is required"
                + (envPrefix == null ? "" : " (or " + envName(envPrefix, o.name()) + ")"));
      }
    }
    return new OptionValues(values, origins, passThrough);
  }

  /** Every option as its users read it, in declaration order. */
  public List<OptionDoc> docs() {
    return options.stream().map(Option::toDoc).toList();
  }

  /**
   * The usage text: {@code header}, every option with its meaning and default, the pass-through
   * options, and for a layered process {@code --config} and how the layers combine.
   *
   * @param configExample a line of a {@code --config} file, e.g. {@code model.dim=32}
   */
  public String usage(String header, String configExample) {
    int width = 2 + options.stream().mapToInt(o -> o.name().length()).max().orElse(10);
    String format = "  --%-" + width + "s %s%s%n";
    StringBuilder out = new StringBuilder(header).append('\n');
    for (Option<?> o : options) {
      OptionDoc d = o.toDoc();
      String shown =
          o.isRequired()
              ? " (required)"
              : d.defaultValue().isEmpty() ? "" : " (default: " + d.defaultValue() + ")";
      out.append(String.format(Locale.ROOT, format, o.name(), d.description(), shown));
    }
    for (PassThrough p : passThroughs) {
      out.append(String.format(Locale.ROOT, format, p.prefix + "<property>", p.description, ""));
    }
    if (envPrefix != null) {
      out.append(
          String.format(
              Locale.ROOT,
              format,
              CONFIG_OPTION,
              "Properties file of these options (name=value, e.g. " + configExample + ").",
              ""));
      out.append("Each option may instead come from ")
          .append(envPrefix)
          .append("<NAME> (upper case, '.' and '-' as '_', e.g. ")
          .append(envName(envPrefix, options.get(0).name()))
          .append(").\nFlags win over environment variables, and those over the --config file.\n");
    }
    return out.toString();
  }

  private static List<String> names(Option<?> o) {
    List<String> names = new ArrayList<>();
    names.add(o.name());
    names.addAll(o.aliases());
    return names;
  }
}
