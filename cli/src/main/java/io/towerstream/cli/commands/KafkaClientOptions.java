package io.towerstream.cli.commands;

import io.towerstream.config.OptionSet;
import io.towerstream.schemas.KafkaClientProperties;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Option;

/**
 * The Kafka client properties of a command that talks to a Kafka cluster, as the job and the store
 * take them: {@code --kafka-config-file FILE}, then {@code --kafka.<property> value} options, which
 * win. Picocli cannot declare a prefix, so the command keeps the arguments it did not match
 * ({@code @Unmatched}) and {@link #properties} reads them by the config module's rules: {@code
 * --kafka.<property> value} or {@code --kafka.<property>=value}, each property at most once, and
 * anything else fails naming the argument.
 */
final class KafkaClientOptions {
  private static final OptionSet INLINE =
      OptionSet.of().passThrough(KafkaClientProperties.OPTION_PREFIX, "One Kafka client property.");

  @Option(
      names = "--" + KafkaClientProperties.FILE_OPTION,
      paramLabel = "FILE",
      description =
          "Properties file of Kafka client settings (security.protocol, "
              + "sasl.*, ssl.*); --kafka.<property> value sets one and wins over the file.")
  Path file;

  /**
   * The file's properties, then those of the {@code --kafka.<property>} options in {@code
   * unmatched}, sorted by name.
   *
   * @throws IllegalArgumentException naming the option: one given twice or without a value, an
   *     argument that is no {@code --kafka.<property>}, an unreadable file
   */
  Map<String, String> properties(List<String> unmatched) {
    Map<String, String> props = new TreeMap<>();
    if (file != null) {
      props.putAll(KafkaClientProperties.load(file));
    }
    props.putAll(
        INLINE
            .parse(unmatched.toArray(String[]::new))
            .passThrough(KafkaClientProperties.OPTION_PREFIX));
    return props;
  }
}
