package io.towerstream.store.index;

/**
 * An item's vector, the model version that produced it, and its additive score term. The array is
 * not copied: do not mutate it.
 */
public record ItemVector(float[] vector, long modelVersion, float bias) {

  /** An item without bias. */
  public ItemVector(float[] vector, long modelVersion) {
    this(vector, modelVersion, 0f);
  }
}
