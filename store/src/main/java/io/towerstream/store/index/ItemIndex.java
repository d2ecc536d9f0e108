package io.towerstream.store.index;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maximum-inner-product retrieval over item vectors. Vectors are L2-normalised on the way in and
 * queries before scoring, so a score is the cosine similarity whatever the caller's scaling, plus
 * the item's bias under {@link Scoring#DOT_PLUS_BIAS}. All vectors share one dimension, fixed by
 * the first vector while the index is empty. Every item carries the model version of its vector,
 * and a query can ask for items of one model version only (vectors of different model generations
 * live in different spaces: their dot products mean nothing).
 *
 * <p>Implementations are safe for any number of concurrent readers alongside a single writer; a
 * query sees each item either before or after a concurrent update, never a mix, and never an item
 * with an old vector or score.
 */
public interface ItemIndex extends AutoCloseable {
  /** The model-version filter that accepts every item. */
  long ANY_MODEL_VERSION = Long.MIN_VALUE;

  /**
   * Inserts or replaces an item's vector and bias; copies {@code vector}, never mutates it.
   *
   * @throws IllegalArgumentException when the dimension differs from the index's
   */
  void upsert(String id, float[] vector, long modelVersion, float bias);

  /** {@link #upsert(String, float[], long, float)} without bias. */
  default void upsert(String id, float[] vector, long modelVersion) {
    upsert(id, vector, modelVersion, 0f);
  }

  /**
   * {@link #upsert(String, float[], long, float)} with model version 0 and no bias (tests, tools).
   */
  default void upsert(String id, float[] vector) {
    upsert(id, vector, 0, 0f);
  }

  /**
   * Removes {@code removes}, then upserts {@code upserts}, as one write (one lock acquisition)
   * where the implementation can; a bad dimension in {@code upserts} leaves the index untouched.
   * Copies the vectors, never mutates the arguments.
   */
  default void update(Collection<String> removes, Map<String, ItemVector> upserts) {
    removes.forEach(this::remove);
    upserts.forEach((id, v) -> upsert(id, v.vector(), v.modelVersion(), v.bias()));
  }

  /** {@link #update} without removals. */
  default void upsertAll(Map<String, ItemVector> upserts) {
    update(List.of(), upserts);
  }

  /** Removes an item; returns whether it was present. */
  boolean remove(String id);

  /** The {@code k} best items of any model version; see {@link #topK(float[], int, Set, long)}. */
  default List<ScoredItem> topK(float[] query, int k, Set<String> exclude) {
    return topK(query, k, exclude, ANY_MODEL_VERSION);
  }

  /** {@link #topK(float[], int, Set, long, Scoring)} ranked by {@code dot + bias}. */
  default List<ScoredItem> topK(float[] query, int k, Set<String> exclude, long modelVersion) {
    return topK(query, k, exclude, modelVersion, Scoring.DOT_PLUS_BIAS);
  }

  /**
   * The {@code k} best items for {@code query} by {@code scoring}, best first (ties by id), without
   * the ids in {@code exclude}, among the items whose model version is {@code modelVersion} ({@link
   * #ANY_MODEL_VERSION}: all). Does not mutate {@code query} or {@code exclude}.
   *
   * @throws IllegalArgumentException when {@code k < 1} or the query's dimension differs from a
   *     non-empty index's
   */
  List<ScoredItem> topK(
      float[] query, int k, Set<String> exclude, long modelVersion, Scoring scoring);

  /** The number of items. */
  int size();

  /** The vector dimension, or 0 while the index is empty and has none yet. */
  int dimension();

  /** How many items each model version has (a copy). */
  Map<Long, Long> modelVersions();

  /** The newest model version any item has, or -1 when there are no items. */
  default long newestModelVersion() {
    return modelVersions().keySet().stream().mapToLong(Long::longValue).max().orElse(-1);
  }

  /** Figures for status and metrics. */
  IndexStats stats();

  @Override
  default void close() {}
}
