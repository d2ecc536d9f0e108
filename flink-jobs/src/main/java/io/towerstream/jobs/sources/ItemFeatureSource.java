package io.towerstream.jobs.sources;

import io.towerstream.schemas.KafkaClientProperties;
import java.util.Properties;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

/**
 * The Kafka source of the item-features topic, whose records are broadcast to every trainer
 * subtask. The topic is compacted, so it is the catalogue: without a checkpoint the source always
 * starts at the earliest offset, whatever {@code starting-offsets} says for clicks (starting later
 * would leave the items produced before the job without features). Offsets are part of the job's
 * checkpoints like the clicks'; a restored job continues after the features its restored model
 * already holds.
 */
public final class ItemFeatureSource {
  private ItemFeatureSource() {}

  /**
   * An unbounded KafkaSource reading {@code config.itemFeaturesTopic()}; offsets are committed to
   * the consumer group {@code <group-id>-item-features} on each completed checkpoint, for
   * monitoring.
   */
  public static KafkaSource<ParsedItemFeatures> kafka(SourceSettings config) {
    String group = config.groupId() + "-item-features";
    return KafkaSource.<ParsedItemFeatures>builder()
        .setBootstrapServers(config.bootstrapServers())
        .setTopics(config.itemFeaturesTopic())
        .setGroupId(group)
        .setClientIdPrefix(group)
        .setStartingOffsets(OffsetsInitializer.earliest())
        .setDeserializer(
            new ItemFeatureDeserializer(config.itemFeaturesFormat(), config.itemFeaturesJson()))
        .setProperties(KafkaClientProperties.addTo(new Properties(), config.kafkaProperties()))
        .setProperty("commit.offsets.on.checkpoint", "true")
        .build();
  }
}
