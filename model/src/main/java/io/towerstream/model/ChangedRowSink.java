package io.towerstream.model;

/** Receives tower outputs of rows that changed since the last drain. */
@FunctionalInterface
public interface ChangedRowSink {
  /**
   * @param vector the L2-normalised tower output; owned by the callee (the model does not reuse it)
   */
  void accept(EntityKind kind, String id, float[] vector);
}
