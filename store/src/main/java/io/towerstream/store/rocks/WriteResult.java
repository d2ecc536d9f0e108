package io.towerstream.store.rocks;

import java.util.List;

/**
 * The outcome of one {@link EmbeddingStore#write}: the mutations that took effect, in order, and
 * how many updates were ignored because the store already held the same or a newer version.
 */
public record WriteResult(List<EmbeddingMutation> applied, int stale) {
  public WriteResult {
    applied = List.copyOf(applied);
  }
}
