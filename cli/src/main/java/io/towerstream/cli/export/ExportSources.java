package io.towerstream.cli.export;

import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.store.rocks.EmbeddingStore;
import io.towerstream.store.rocks.StoredVector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Where {@code towerstream export} reads vectors from: a store's RocksDB, or the topic. */
public final class ExportSources {
  private ExportSources() {}

  /**
   * Every vector of a store directory or a snapshot of one, opened read-only (a running store may
   * hold it): each id's latest vector, as that store serves it.
   */
  public static LatestVectors fromStore(Path dir) {
    LatestVectors latest = new LatestVectors();
    try (EmbeddingStore store = EmbeddingStore.openReadOnly(dir)) {
      for (Entity entity : Entity.values()) {
        store.forEach(entity, (id, v) -> latest.offer(entity, exported(id, v)));
      }
    }
    return latest;
  }

  /** What {@link #fromTopic} read. */
  public record TopicRead(LatestVectors latest, long records, long undecodable) {}

  /**
   * The compacted topic from its beginning to its end as of the call (committed records only, as a
   * {@code read_committed} consumer sees them); records that do not decode as {@code
   * EmbeddingUpdate} are counted and skipped, as a store refuses them.
   *
   * @param clientProperties Kafka client settings (security) over the defaults
   */
  public static TopicRead fromTopic(
      String bootstrapServers, String topic, Map<String, String> clientProperties) {
    Map<String, Object> config = new HashMap<>(clientProperties);
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    LatestVectors latest = new LatestVectors();
    long records = 0;
    long undecodable = 0;
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      if (partitions.isEmpty()) {
        throw new IllegalArgumentException("topic " + topic + " does not exist");
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          records++;
          if (!apply(latest, r)) {
            undecodable++;
          }
        }
      }
    }
    return new TopicRead(latest, records, undecodable);
  }

  /** Applies one record of the topic; false if it is not an update or tombstone of this schema. */
  private static boolean apply(LatestVectors latest, ConsumerRecord<String, byte[]> r) {
    if (r.value() == null) {
      int colon = r.key() == null ? -1 : r.key().indexOf(':');
      if (colon < 0) {
        return false;
      }
      try {
        latest.withdraw(Entity.valueOf(r.key().substring(0, colon)), r.key().substring(colon + 1));
        return true;
      } catch (IllegalArgumentException e) {
        return false; // an entity this schema does not know
      }
    }
    EmbeddingUpdate u;
    try {
      u = Topics.EMBEDDINGS.codec().decode(r.value());
    } catch (RuntimeException e) {
      return false;
    }
    float[] vector = new float[u.getVector().size()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = u.getVector().get(i);
    }
    latest.offer(
        u.getEntity(),
        new ExportedVector(
            u.getId(),
            vector,
            u.getBias(),
            u.getModelVersion(),
            u.getSequence(),
            u.getUpdatedAt().toEpochMilli()));
    return true;
  }

  private static ExportedVector exported(String id, StoredVector v) {
    return new ExportedVector(
        id, v.vector(), v.bias(), v.modelVersion(), v.sequence(), v.updatedAt());
  }
}
