package io.towerstream.cli.commands;

import io.towerstream.schemas.KafkaClientProperties;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Kafka client properties of a CLI command: {@code --kafka-config-file FILE}, then {@code
 * --kafka.<property> value} options (left unmatched by picocli), which win. The same two options as
 * the job and the store take.
 */
final class KafkaOptions {
  private KafkaOptions() {}

  /**
   * @throws IllegalArgumentException for an unmatched argument that is not a {@code --kafka.*} pair
   */
  static Map<String, String> parse(Path file, List<String> unmatched) {
    Map<String, String> props = new TreeMap<>();
    if (file != null) {
      props.putAll(KafkaClientProperties.load(file));
    }
    String prefix = "--" + KafkaClientProperties.OPTION_PREFIX;
    for (int i = 0; i < unmatched.size(); i++) {
      String arg = unmatched.get(i);
      if (!arg.startsWith(prefix) || arg.length() == prefix.length()) {
        throw new IllegalArgumentException("unknown option '" + arg + "'");
      }
      String name = arg.substring(prefix.length());
      int eq = name.indexOf('=');
      if (eq >= 0) {
        props.put(name.substring(0, eq), name.substring(eq + 1));
      } else if (i + 1 < unmatched.size()) {
        props.put(name, unmatched.get(++i));
      } else {
        throw new IllegalArgumentException("option " + arg + " needs a value");
      }
    }
    return props;
  }
}
