package io.towerstream.jobs.sources;

import io.towerstream.schemas.KafkaClientProperties;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The Kafka source of the clicks topic and its event-time watermarks. */
public final class ClickSource {
  private ClickSource() {}

  /**
   * An unbounded KafkaSource reading {@code config.clicksTopic()}; offsets are committed to the
   * consumer group on each completed checkpoint (for monitoring lag; the job itself resumes from
   * its checkpoint).
   */
  public static KafkaSource<ParsedClick> kafka(SourceSettings config) {
    return KafkaSource.<ParsedClick>builder()
        .setBootstrapServers(config.bootstrapServers())
        .setTopics(config.clicksTopic())
        .setGroupId(config.groupId())
        .setClientIdPrefix(config.groupId())
        .setStartingOffsets(startingOffsets(config))
        .setDeserializer(new ClickDeserializer(config.clicksFormat(), config.clicksJson()))
        .setProperties(KafkaClientProperties.addTo(new Properties(), config.kafkaProperties()))
        .setProperty("commit.offsets.on.checkpoint", "true")
        .build();
  }

  /**
   * Bounded out-of-orderness on the ClickEvent's event time; a partition without events for {@code
   * watermark.idleness-ms} is marked idle so it does not hold the watermark back.
   */
  public static WatermarkStrategy<ParsedClick> watermarks(SourceSettings config) {
    WatermarkStrategy<ParsedClick> strategy =
        WatermarkStrategy.<ParsedClick>forBoundedOutOfOrderness(
                Duration.ofMillis(config.watermarkOutOfOrdernessMs()))
            .withTimestampAssigner(new ClickTimestamps());
    if (config.watermarkIdlenessMs() > 0) {
      strategy = strategy.withIdleness(Duration.ofMillis(config.watermarkIdlenessMs()));
    }
    return strategy;
  }

  @SuppressWarnings("deprecation") // OffsetResetStrategy is what this connector version's API takes
  private static OffsetsInitializer startingOffsets(SourceSettings config) {
    return switch (config.startingOffsets()) {
      case EARLIEST -> OffsetsInitializer.earliest();
      case LATEST -> OffsetsInitializer.latest();
      case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
    };
  }
}
