package io.towerstream.model.twotower;

import io.towerstream.model.ModelConfig;
import io.towerstream.model.loss.ContrastiveLoss;
import io.towerstream.model.loss.DinoSettings;
import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;

/**
 * Dense weights that a loss owns besides the towers: SimSiam's predictor ({@link PredictorHead}),
 * DINO's prototypes with their momentum teacher and centre ({@link DistillationHead}). Like the
 * tower heads they are snapshotted and travel in the replicas' dense delta; unlike them they are
 * not part of any served vector, so they move no published row.
 */
interface LossHead {
  /** The step's loss, reading the current weights. */
  ContrastiveLoss loss();

  /**
   * One step: Adam at {@code learningRate} (the towers') with gradient {@code scale · gradient},
   * then any running values from the loss's {@code statistics} (null when it has none). Mutates
   * this.
   */
  void update(float[] gradient, float[] statistics, float scale, float learningRate);

  /** Every weight and running value, flat, a copy: the replicas exchange its changes. */
  float[] values();

  /** Adds another replica's change of {@link #values()}. Mutates this. */
  void add(float[] delta);

  /** What the snapshot calls it, so that a restore under another loss can tell. */
  String kind();

  /** The weights, running values and optimizer state, after {@link #kind()}. */
  void writeBody(SnapshotWriter out);

  /**
   * The head the configured loss uses, fresh; null when it uses none. Each head receives only its
   * own settings: the predictor its width, DINO's prototypes their {@link DinoSettings}.
   */
  static LossHead fresh(ModelConfig c) {
    return switch (c.loss()) {
      case SIMSIAM -> new PredictorHead(c.dim());
      case DINO -> new DistillationHead(c.dino(), c.dim(), c.seed());
      default -> null;
    };
  }

  static void write(LossHead head, SnapshotWriter out) {
    out.writeBoolean(head != null);
    if (head != null) {
      out.writeString(head.kind());
      head.writeBody(out);
    }
  }

  /**
   * Reads what {@link #write} wrote. A head of another kind than the configured loss uses (the loss
   * was changed at the restore) is read past and a fresh one returned instead.
   */
  static LossHead read(SnapshotReader in, ModelConfig c) {
    LossHead fresh = fresh(c);
    if (!in.readBoolean()) {
      return fresh;
    }
    String kind = in.readString();
    LossHead stored =
        switch (kind) {
          case PredictorHead.KIND -> PredictorHead.readBody(in, c.dim());
          case DistillationHead.KIND -> DistillationHead.readBody(in, c.dino(), c.dim(), c.seed());
          default ->
              throw new IllegalArgumentException(
                  "corrupt model snapshot: unknown loss head '" + kind + "'");
        };
    return fresh != null && fresh.kind().equals(kind) ? stored : fresh;
  }
}
