package io.towerstream.jobs.sources;

import io.towerstream.jobs.records.AvroTypeInfo;
import io.towerstream.schemas.AvroCodec;
import io.towerstream.schemas.AvroTrust;
import io.towerstream.schemas.KafkaClientProperties;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.ModelDelta;
import java.util.Properties;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka source of the sync topic, whose deltas are broadcast to every trainer subtask. Offsets
 * are part of the job's checkpoints like the clicks'; without a checkpoint it starts at deltas
 * produced from a minute before the job's graph was built, so that no delta this job sends before
 * the source is assigned its partition is missed (those of older jobs in that minute are dropped by
 * the trainers' ledgers as orphans).
 */
public final class SyncSource {
  /** How far before the graph's build time a fresh job starts reading the sync topic. */
  static final long FRESH_START_SLACK_MS = 60_000;

  private SyncSource() {}

  public static KafkaSource<ModelDelta> kafka(SourceSettings config) {
    return KafkaSource.<ModelDelta>builder()
        .setBootstrapServers(config.bootstrapServers())
        .setTopics(config.syncTopic())
        .setGroupId(config.groupId() + "-sync")
        .setClientIdPrefix(config.groupId() + "-sync")
        .setStartingOffsets(
            OffsetsInitializer.timestamp(System.currentTimeMillis() - FRESH_START_SLACK_MS))
        .setDeserializer(new Deserializer())
        .setProperties(KafkaClientProperties.addTo(new Properties(), config.kafkaProperties()))
        .setProperty("commit.offsets.on.checkpoint", "false")
        // deltas are small in number and latency-sensitive: do not wait to fill fetches
        .setProperty("fetch.max.wait.ms", "20")
        .build();
  }

  /**
   * Decodes deltas; an undecodable record is logged and skipped (it can only come from a foreign
   * writer).
   */
  static final class Deserializer implements KafkaRecordDeserializationSchema<ModelDelta> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(Deserializer.class);
    private transient AvroCodec<ModelDelta> codec;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
      codec();
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ModelDelta> out) {
      try {
        out.collect(codec().decode(record.value()));
      } catch (RuntimeException e) {
        LOG.error(
            "Skipping an undecodable record at {}-{}@{} of the sync topic: {}",
            record.topic(),
            record.partition(),
            record.offset(),
            e.toString());
      }
    }

    @Override
    public TypeInformation<ModelDelta> getProducedType() {
      return AvroTypeInfo.forClass(ModelDelta.class);
    }

    private AvroCodec<ModelDelta> codec() {
      if (codec == null) {
        AvroTrust.ensure();
        codec = Topics.MODEL_SYNC.codec();
      }
      return codec;
    }
  }
}
