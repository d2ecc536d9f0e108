package io.towerstream.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A layer of option values below the flags and the environment: option names (without {@code --})
 * to values, and how an error names where they came from (e.g. {@code --config job.properties}).
 */
public record Source(String label, Map<String, String> values) {
  public Source {
    values = new LinkedHashMap<>(values);
  }

  /**
   * The properties file {@code file} (UTF-8; keys are option names, {@code --} optional; values
   * trimmed), as the file of {@code --config FILE}.
   *
   * @throws OptionException naming {@code --config} and the file when it cannot be read
   */
  public static Source configFile(Path file) {
    Map<String, String> values = new LinkedHashMap<>();
    readProperties(file, "--" + OptionSet.CONFIG_OPTION)
        .forEach((k, v) -> values.put(k.startsWith("--") ? k.substring(2) : k, v));
    return new Source("--" + OptionSet.CONFIG_OPTION + " " + file, values);
  }

  /**
   * The entries of {@code config} whose keys start with {@code prefix}, the prefix taken off: the
   * options a platform's own configuration carries, e.g. {@code towerstream.model.dim: 64} in a
   * Flink configuration.
   */
  public static Source withPrefix(String label, String prefix, Map<String, String> config) {
    Map<String, String> values = new TreeMap<>();
    config.forEach(
        (k, v) -> {
          if (k.startsWith(prefix) && k.length() > prefix.length()) {
            values.put(k.substring(prefix.length()), v.trim());
          }
        });
    return new Source(label, values);
  }

  /**
   * A Java properties file (UTF-8), sorted by key, values trimmed.
   *
   * @param option the option that named the file, for the error
   * @throws OptionException naming {@code option} and the file when it cannot be read
   */
  public static Map<String, String> readProperties(Path file, String option) {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (IOException | RuntimeException e) {
      throw new OptionException("invalid option " + option + ": cannot read " + file + ": " + e);
    }
    Map<String, String> out = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k).trim()));
    return out;
  }
}
