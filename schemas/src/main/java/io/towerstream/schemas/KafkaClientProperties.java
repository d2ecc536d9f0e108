package io.towerstream.schemas;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Kafka client properties a user passes through to every client of a process (security above all:
 * {@code security.protocol}, {@code sasl.*}, {@code ssl.*}), from a properties file like the one
 * Kafka's own tools take ({@code --command-config}) and from {@code --kafka.<property>} options,
 * which win. Secrets belong in the file (a mounted secret), not on a command line that {@code ps}
 * and Flink's logs show. Values of secret-looking keys are masked wherever a configuration is
 * printed.
 */
public final class KafkaClientProperties {
  /** The option prefix that passes one property through: {@code --kafka.security.protocol SSL}. */
  public static final String OPTION_PREFIX = "kafka.";

  /** The option naming a properties file of client properties. */
  public static final String FILE_OPTION = "kafka-config-file";

  static final String MASK = "*****";

  private KafkaClientProperties() {}

  /**
   * Reads a Java properties file (UTF-8) of Kafka client properties.
   *
   * @throws IllegalArgumentException naming {@code --kafka-config-file} when the file cannot be
   *     read
   */
  public static Map<String, String> load(Path file) {
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(in);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "--" + FILE_OPTION + " " + file + " cannot be read: " + e.getMessage(), e);
    }
    Map<String, String> out = new TreeMap<>();
    props.stringPropertyNames().forEach(k -> out.put(k, props.getProperty(k).trim()));
    return out;
  }

  /**
   * Whether a property's value must never be printed (passwords, JAAS configs with credentials,
   * keys, tokens).
   */
  public static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password")
        || k.contains("jaas")
        || k.contains("secret")
        || k.contains("token")
        || k.endsWith(".key")
        || k.contains("credential")
        || k.contains("certificate");
  }

  /** A copy for printing: every secret value replaced by {@value #MASK}, sorted by key. */
  public static Map<String, String> masked(Map<String, String> props) {
    Map<String, String> out = new TreeMap<>();
    props.forEach((k, v) -> out.put(k, isSecret(k) ? MASK : v));
    return out;
  }

  /** {@code props} into {@code target}, as strings. */
  public static Properties addTo(Properties target, Map<String, String> props) {
    props.forEach(target::setProperty);
    return target;
  }
}
