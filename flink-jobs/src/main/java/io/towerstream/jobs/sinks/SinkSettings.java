package io.towerstream.jobs.sinks;

import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * What the job's Kafka sinks read of its configuration. The job's configuration implements it, so
 * the sinks need not know the rest of it.
 */
public interface SinkSettings {
  String bootstrapServers();

  /** Kafka client properties for every producer (security and the like), applied last. */
  Map<String, String> kafkaProperties();

  DeliveryGuarantee delivery();

  /** The prefix of the sinks' transactional ids (exactly-once delivery). */
  String transactionalIdPrefix();

  String dlqTopic();

  String embeddingsTopic();

  String statusTopic();

  String syncTopic();
}
