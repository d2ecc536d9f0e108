package io.towerstream.jobs;

import io.towerstream.kafka.embedded.EmbeddedKafkaBroker;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real in-process KRaft broker for the tests of one class: {@code @RegisterExtension static final
 * KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();}, then {@code KAFKA.bootstrapServers()}.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {
  private EmbeddedKafkaBroker broker;

  @Override
  public void beforeAll(ExtensionContext context) {
    broker = EmbeddedKafkaBroker.temporary().start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (broker != null) {
      broker.close();
      broker = null;
    }
  }

  public String bootstrapServers() {
    if (broker == null) {
      throw new IllegalStateException("the broker runs only while the test class does");
    }
    return broker.bootstrapServers();
  }
}
