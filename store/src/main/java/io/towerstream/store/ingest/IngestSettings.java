package io.towerstream.store.ingest;

import io.towerstream.schemas.KafkaClientProperties;
import java.time.Duration;
import java.util.Map;

/**
 * What the ingest loop needs of the store's configuration: where to read, how much at a time, and
 * where refused records go. The store's configuration, checked as a whole, hands it out.
 *
 * @param embeddingsDlqTopic null for none
 * @param consumerOverrides extra Kafka consumer properties, applied last (may hold secrets: {@link
 *     #toString()} masks them as the store's configuration does)
 */
public record IngestSettings(
    String bootstrapServers,
    String embeddingsTopic,
    String trainerStatusTopic,
    String embeddingsDlqTopic,
    Duration pollTimeout,
    int maxPollRecords,
    boolean readCommitted,
    Map<String, String> consumerOverrides) {

  public IngestSettings {
    consumerOverrides = Map.copyOf(consumerOverrides);
  }

  @Override
  public String toString() {
    return "IngestSettings[bootstrapServers="
        + bootstrapServers
        + ", embeddingsTopic="
        + embeddingsTopic
        + ", trainerStatusTopic="
        + trainerStatusTopic
        + ", embeddingsDlqTopic="
        + embeddingsDlqTopic
        + ", pollTimeout="
        + pollTimeout
        + ", maxPollRecords="
        + maxPollRecords
        + ", readCommitted="
        + readCommitted
        + ", consumerOverrides="
        + KafkaClientProperties.masked(consumerOverrides)
        + "]";
  }
}
