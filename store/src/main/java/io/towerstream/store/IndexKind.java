package io.towerstream.store;

/** Which {@link io.towerstream.store.index.ItemIndex} implementation serves item retrieval. */
public enum IndexKind {
  /** Brute-force dot product over every item: exact, fine up to a few hundred thousand items. */
  EXACT
}
