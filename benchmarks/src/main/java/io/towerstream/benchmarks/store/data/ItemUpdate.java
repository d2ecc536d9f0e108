package io.towerstream.benchmarks.store.data;

/**
 * One generated item vector: item number {@code item} (id {@code "i" + item}), its raw vector (not
 * normalised: each index normalises as it does in production) and its bias.
 */
public record ItemUpdate(int item, float[] vector, float bias) {
  /** The item's id as both sides store it. */
  public String id() {
    return "i" + item;
  }
}
