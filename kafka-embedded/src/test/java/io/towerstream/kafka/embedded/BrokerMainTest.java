package io.towerstream.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BrokerMainTest {
  @Test
  void theLogDirectoryIsRequiredAndThePortDefaultsToAnyFreeOne() {
    var options = BrokerMain.OPTIONS.parse("--log-dir", "/tmp/kafka");
    assertThat(options.get(BrokerMain.LOG_DIR)).isEqualTo(Path.of("/tmp/kafka"));
    assertThat(options.get(BrokerMain.PORT)).isZero();
    assertThat(BrokerMain.OPTIONS.parse("--log-dir=/k", "--port=9092").get(BrokerMain.PORT))
        .isEqualTo(9092);
    assertThatThrownBy(() -> BrokerMain.main(new String[] {"--port", "1"}))
        .hasMessageContaining("--log-dir is required")
        .hasMessageContaining("Usage: BrokerMain");
  }

  @Test
  void aBadPortOrAnUnknownOptionFailsNamingIt() {
    assertThatThrownBy(() -> BrokerMain.OPTIONS.parse("--log-dir", "/k", "--port", "x"))
        .hasMessage("--port must be an integer, was 'x'");
    assertThatThrownBy(() -> BrokerMain.OPTIONS.parse("--log-dir", "/k", "--port", "70000"))
        .hasMessageStartingWith("--port must be a port");
    assertThatThrownBy(() -> BrokerMain.OPTIONS.parse("--log-dir", "/k", "--logdir", "/j"))
        .hasMessageContaining("unknown option --logdir; did you mean --log-dir?");
  }
}
