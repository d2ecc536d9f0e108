package io.towerstream.store.index;

import java.util.Comparator;

/** An item and its retrieval score (dot product of L2-normalised vectors: cosine similarity). */
public record ScoredItem(String itemId, float score) {
  /** Higher score first; equal scores by item id, so the order never depends on where an item is stored. */
  public static final Comparator<ScoredItem> BEST_FIRST = (a, b) -> a.score != b.score
      ? (a.score > b.score ? -1 : 1)
      : a.itemId.compareTo(b.itemId);
}
