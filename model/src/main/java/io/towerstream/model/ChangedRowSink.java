package io.towerstream.model;

/** Receives tower outputs of rows that changed since the last drain. */
@FunctionalInterface
public interface ChangedRowSink {
  /**
   * @param vector the L2-normalised tower output; owned by the callee (the model does not reuse it)
   * @param bias the additive score term of an item (see {@link OnlineModel#itemBias}); 0 for users
   */
  void accept(EntityKind kind, String id, float[] vector, float bias);
}
