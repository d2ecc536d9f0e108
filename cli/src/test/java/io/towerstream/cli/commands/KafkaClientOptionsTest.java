package io.towerstream.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka client options of {@code topics}, {@code produce} and {@code export}: the file, then
 * {@code --kafka.<property>} options read by the config module's rules.
 */
class KafkaClientOptionsTest {
  @TempDir Path dir;

  @Test
  void inlinePropertiesWinOverTheFileInEitherForm() throws IOException {
    KafkaClientOptions options = new KafkaClientOptions();
    options.file = dir.resolve("client.properties");
    Files.writeString(options.file, "security.protocol=SSL\nsasl.mechanism=PLAIN\n");
    assertThat(
            options.properties(
                List.of("--kafka.security.protocol", "SASL_SSL", "--kafka.acks=all")))
        .containsExactlyEntriesOf(
            new TreeMap<>(
                Map.of(
                    "acks", "all",
                    "sasl.mechanism", "PLAIN",
                    "security.protocol", "SASL_SSL")));
    assertThat(new KafkaClientOptions().properties(List.of())).isEmpty();
  }

  @Test
  void aRepeatedMissingOrUnknownOptionFailsNamingIt() {
    KafkaClientOptions options = new KafkaClientOptions();
    assertThatThrownBy(() -> options.properties(List.of("--kafka.acks", "1", "--kafka.acks=all")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("option --kafka.acks is given more than once");
    assertThatThrownBy(() -> options.properties(List.of("--kafka.acks")))
        .hasMessage("option --kafka.acks needs a value");
    assertThatThrownBy(() -> options.properties(List.of("--kafka.", "x")))
        .hasMessageContaining("unknown option --kafka.");
    assertThatThrownBy(() -> options.properties(List.of("--partitons", "3")))
        .hasMessageContaining("unknown option --partitons");
  }

  @Test
  void aCommandRefusesARepeatedPropertyBeforeItConnects() {
    CliRun run =
        CliRun.of(
            "topics",
            "--bootstrap-servers",
            "127.0.0.1:1",
            "--kafka.security.protocol",
            "SSL",
            "--kafka.security.protocol=PLAINTEXT");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--kafka.security.protocol is given more than once");
    CliRun unreadable =
        CliRun.of(
            "topics",
            "--bootstrap-servers",
            "127.0.0.1:1",
            "--kafka-config-file",
            dir.resolve("missing.properties").toString());
    assertThat(unreadable.exitCode()).isEqualTo(2);
    assertThat(unreadable.err()).contains("--kafka-config-file", "missing.properties");
  }
}
