package io.towerstream.store.rocks;

import io.towerstream.schemas.avro.Entity;
import java.util.Objects;

/**
 * One change to the store: the new vector of a user or item, or its deletion ({@code vector ==
 * null}, from a tombstone on the compacted topic).
 *
 * @param source where it came from, for log lines ({@code embeddings-0@42}); may be null
 */
public record EmbeddingMutation(Entity entity, String id, StoredVector vector, String source) {

  public EmbeddingMutation {
    Objects.requireNonNull(entity, "entity");
    Objects.requireNonNull(id, "id");
  }

  public static EmbeddingMutation upsert(
      Entity entity, String id, StoredVector vector, String source) {
    return new EmbeddingMutation(entity, id, Objects.requireNonNull(vector, "vector"), source);
  }

  public static EmbeddingMutation delete(Entity entity, String id, String source) {
    return new EmbeddingMutation(entity, id, null, source);
  }

  public boolean isDelete() {
    return vector == null;
  }
}
