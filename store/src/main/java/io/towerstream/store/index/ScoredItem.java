package io.towerstream.store.index;

import java.util.Comparator;

/**
 * An item and its retrieval score: the dot product of L2-normalised vectors (cosine similarity),
 * plus the item's {@code bias} when the query was scored {@link Scoring#DOT_PLUS_BIAS}. {@code
 * bias} is the item's current bias either way, so a caller can tell the two terms apart.
 */
public record ScoredItem(String itemId, float score, float bias) {
  /**
   * Higher score first; equal scores by item id, so the order never depends on where an item is
   * stored.
   */
  public static final Comparator<ScoredItem> BEST_FIRST =
      (a, b) -> a.score != b.score ? (a.score > b.score ? -1 : 1) : a.itemId.compareTo(b.itemId);

  /** An item without bias. */
  public ScoredItem(String itemId, float score) {
    this(itemId, score, 0f);
  }
}
