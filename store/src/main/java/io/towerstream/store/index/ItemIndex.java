package io.towerstream.store.index;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maximum-inner-product retrieval over item vectors. Vectors are L2-normalised on the way in and queries
 * before scoring, so a score is the cosine similarity whatever the caller's scaling. All vectors share one
 * dimension, fixed by the first vector while the index is empty.
 *
 * <p>Implementations are safe for any number of concurrent readers alongside a single writer; a query sees
 * each item either before or after a concurrent update, never a mix, and never a removed item's old score
 * under a reused slot.
 */
public interface ItemIndex extends AutoCloseable {

  /**
   * Inserts or replaces an item's vector; copies {@code vector}, never mutates it.
   *
   * @throws IllegalArgumentException when the dimension differs from the index's
   */
  void upsert(String id, float[] vector);

  /** Upserts many items as one write (one lock acquisition); copies the vectors, never mutates them. */
  default void upsertAll(Map<String, float[]> vectors) {
    vectors.forEach(this::upsert);
  }

  /** Removes an item; returns whether it was present. */
  boolean remove(String id);

  /**
   * The {@code k} best items for {@code query}, best first (ties by id), without the ids in {@code exclude}.
   * Does not mutate {@code query} or {@code exclude}.
   *
   * @throws IllegalArgumentException when {@code k < 1} or the query's dimension differs from a non-empty
   *     index's
   */
  List<ScoredItem> topK(float[] query, int k, Set<String> exclude);

  /** The number of items. */
  int size();

  /** The vector dimension, or 0 while the index is empty and has none yet. */
  int dimension();

  @Override
  default void close() {}
}
