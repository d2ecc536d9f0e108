package io.towerstream.store.index;

/** An item's vector and the model version that produced it. The array is not copied: do not mutate it. */
public record ItemVector(float[] vector, long modelVersion) {}
