package io.towerstream.schemas;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The one way every towerstream process takes its options: flags ({@code --name value} or {@code
 * --name=value}), a file named by {@code --config FILE} (properties: {@code name=value}, the names
 * of the flags without {@code --}), and environment variables ({@code PREFIX} plus the name in
 * upper case with {@code .} and {@code -} as {@code _}, e.g. {@code TOWERSTREAM_JOB_MODEL_DIM}).
 * Flags win over the environment, the environment over the file. Each process's own parser then
 * validates the merged options, so a misspelt name in the file fails as an unknown option, as it
 * would on the command line.
 */
public final class LayeredOptions {
  /** The option naming the file. */
  public static final String CONFIG_OPTION = "config";

  private LayeredOptions() {}

  /** The environment variable of {@code option} under {@code prefix}. */
  public static String envName(String prefix, String option) {
    return prefix + option.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * One flag list holding every option once: the flags as given (without {@code --config}), then
   * for each option they leave out its environment variable's value if set, else the file's.
   *
   * @param known the options whose environment variables are read (the file may also hold others,
   *     e.g. {@code kafka.<property>} pass-throughs, which the parser then accepts or refuses)
   * @throws IllegalArgumentException when the file cannot be read, or {@code --config} is given
   *     twice
   */
  public static String[] merge(
      String[] args, Map<String, String> env, String envPrefix, Collection<String> known) {
    return merge(args, env, envPrefix, known, Map.of());
  }

  /**
   * As {@link #merge(String[], Map, String, Collection)}, where an option also has other names
   * ({@code port} for {@code http-port}): flags, file keys and environment variables under an alias
   * count as the option itself, so the layers' order holds whichever name each layer used. The
   * result names only the canonical options.
   *
   * @param aliases alias to canonical name
   */
  public static String[] merge(
      String[] args,
      Map<String, String> env,
      String envPrefix,
      Collection<String> known,
      Map<String, String> aliases) {
    List<String> flags = new ArrayList<>();
    Set<String> given = new LinkedHashSet<>();
    String file = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg.startsWith("--") ? arg.substring(2) : null;
      String inline = null;
      if (name != null && name.indexOf('=') >= 0) {
        inline = name.substring(name.indexOf('=') + 1);
        name = name.substring(0, name.indexOf('='));
      }
      if (CONFIG_OPTION.equals(name)) {
        if (file != null) {
          throw new IllegalArgumentException(
              "option --" + CONFIG_OPTION + " is given more than once");
        }
        if (inline == null && (i + 1 >= args.length || args[i + 1].startsWith("--"))) {
          throw new IllegalArgumentException("option --" + CONFIG_OPTION + " needs a file");
        }
        file = inline != null ? inline : args[++i];
        continue;
      }
      if (name != null && aliases.containsKey(name)) {
        name = aliases.get(name);
        arg = inline != null ? "--" + name + "=" + inline : "--" + name;
      }
      if (name != null) {
        given.add(name);
      }
      flags.add(arg);
    }
    Map<String, String> fromFile =
        file == null ? Map.of() : canonical(load(Path.of(file)), aliases);
    List<String> merged = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>(known);
    names.addAll(fromFile.keySet());
    for (String name : names) {
      if (given.contains(name)) {
        continue;
      }
      String value = known.contains(name) ? env.get(envName(envPrefix, name)) : null;
      for (Map.Entry<String, String> alias : aliases.entrySet()) {
        if (value == null && alias.getValue().equals(name)) {
          value = env.get(envName(envPrefix, alias.getKey()));
        }
      }
      if (value == null) {
        value = fromFile.get(name);
      }
      if (value != null) {
        merged.add("--" + name + "=" + value);
      }
    }
    merged.addAll(flags);
    return merged.toArray(String[]::new);
  }

  private static Map<String, String> canonical(
      Map<String, String> file, Map<String, String> aliases) {
    Map<String, String> out = new LinkedHashMap<>();
    file.forEach(
        (name, value) -> {
          String canonical = aliases.getOrDefault(name, name);
          if (out.putIfAbsent(canonical, value) != null) {
            throw new IllegalArgumentException(
                "invalid option --"
                    + CONFIG_OPTION
                    + ": the file sets "
                    + canonical
                    + " twice (once as "
                    + name
                    + ")");
          }
        });
    return out;
  }

  /** A {@code --config} file: properties whose keys are option names ({@code --} optional). */
  public static Map<String, String> load(Path file) {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid option --" + CONFIG_OPTION + ": cannot read " + file + ": " + e);
    }
    Map<String, String> out = new LinkedHashMap<>();
    p.stringPropertyNames().stream()
        .sorted()
        .forEach(k -> out.put(k.startsWith("--") ? k.substring(2) : k, p.getProperty(k).trim()));
    return out;
  }
}
