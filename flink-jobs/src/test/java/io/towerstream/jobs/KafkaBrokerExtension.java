package io.towerstream.jobs;

import io.towerstream.jobs.sources.StartingOffsets;
import io.towerstream.kafka.embedded.EmbeddedKafkaBroker;
import io.towerstream.model.ModelConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;
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

  /**
   * A small job on this broker: every topic and the consumer group named after {@code prefix}, read
   * from the earliest offsets by one source subtask, at-least-once, publishing every 200 ms and
   * checkpointing every 500 ms, with a 16-dimensional model trained in batches of 32.
   */
  public JobConfigBuilder smallJob(String prefix) {
    return JobConfig.builder()
        .bootstrapServers(bootstrapServers())
        .clicksTopic(prefix + ".clicks")
        .dlqTopic(prefix + ".clicks.dlq")
        .embeddingsTopic(prefix + ".embeddings")
        .statusTopic(prefix + ".trainer-status")
        .syncTopic(prefix + ".model-sync")
        .itemFeaturesTopic(prefix + ".item-features")
        .groupId(prefix + "-trainer")
        .startingOffsets(StartingOffsets.EARLIEST)
        .sourceParallelism(1)
        .delivery(DeliveryGuarantee.AT_LEAST_ONCE)
        .publishIntervalMs(200)
        .checkpointIntervalMs(500)
        .model(
            ModelConfig.builder()
                .dim(16)
                .batchSize(32)
                .reservoirCapacity(200)
                .reservoirNegatives(8)
                .build());
  }
}
