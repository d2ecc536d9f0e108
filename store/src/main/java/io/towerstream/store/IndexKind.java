package io.towerstream.store;

/** Which {@link io.towerstream.store.index.ItemIndex} implementation serves item retrieval. */
public enum IndexKind {
  /**
   * Brute-force dot product over every item: exact; fine up to ~100k items (3 ms a query at d=64).
   */
  EXACT,
  /**
   * A jvector graph over the stable bulk plus an exact delta of recent changes, from the first item
   * on.
   */
  HNSW,
  /**
   * Exact while the catalog is small, the graph once it reaches {@code --index-auto-threshold}
   * items (default 50,000): the default.
   */
  AUTO
}
