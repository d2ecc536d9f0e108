package io.towerstream.cli.export;

/**
 * One user's or item's vector as exported. The array is owned by this record: callers must not
 * mutate it.
 *
 * @param bias an item's additive score term ({@code user·vector + bias}); 0 for users
 * @param updatedAt wall-clock time of the publish, epoch milliseconds
 */
public record ExportedVector(
    String id, float[] vector, float bias, long modelVersion, long sequence, long updatedAt) {}
