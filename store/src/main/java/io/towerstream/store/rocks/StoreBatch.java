package io.towerstream.store.rocks;

import io.towerstream.schemas.avro.TrainerStatus;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * What one RocksDB write makes durable together: mutations in topic order, the newest trainer
 * status seen (or null), and for every partition the offset of the last record consumed, malformed
 * ones included, so a restart neither re-applies nor skips anything.
 */
public record StoreBatch(
    List<EmbeddingMutation> mutations,
    TrainerStatus trainerStatus,
    Map<TopicPartition, Long> lastOffsets) {

  public StoreBatch {
    mutations = List.copyOf(mutations);
    lastOffsets = Map.copyOf(lastOffsets);
  }

  /** A batch of mutations that came from no topic (tests, tools). */
  public static StoreBatch of(List<EmbeddingMutation> mutations) {
    return new StoreBatch(mutations, null, Map.of());
  }
}
