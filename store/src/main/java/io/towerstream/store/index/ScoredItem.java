package io.towerstream.store.index;

/** An item and its retrieval score (dot product of L2-normalised vectors: cosine similarity). */
public record ScoredItem(String itemId, float score) {}
