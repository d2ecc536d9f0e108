package io.towerstream.model.loss;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * InfoNCE between items (item2vec's signal as a contrastive view): anchor row {@code i} is the
 * output of an item a user clicked earlier, candidate {@code i} the output of the item the same
 * user clicked next (its positive), every other candidate a negative, with the log-Q correction of
 * {@link InfoNceLoss}. Masked, neither target nor negative: a column that is the same item as row
 * {@code i}'s positive, the positive of another row with the same anchor item (co-clicked with it
 * too), and any column that is the anchor item itself, whose score with itself says nothing about
 * the pair. Otherwise the formulas and gradients of plain {@link InfoNceLoss}.
 */
public final class ItemPairLoss {
  private ItemPairLoss() {}

  /**
   * Does not modify its arguments.
   *
   * @param anchors {@code A × d} outputs of the earlier clicked items
   * @param candidates {@code C × d}, {@code C ≥ A}, the first {@code A} the anchors' positives
   * @param logQ length {@code C}, or null for no correction
   * @param weights length {@code A} positive row weights
   * @param candidateKeys length {@code C} item keys
   * @param anchorKeys length {@code A} item keys, in the same key space; never row {@code i}'s
   *     positive's key
   * @return the loss, {@code dUsers} the anchors' gradient and {@code dCandidates} the candidates'
   */
  public static LossGradients compute(
      INDArray anchors,
      INDArray candidates,
      INDArray logQ,
      INDArray weights,
      int[] candidateKeys,
      int[] anchorKeys,
      double temperature) {
    ScoredBatch batch =
        ScoredBatch.of(
            anchors, candidates, logQ, weights, candidateKeys, anchorKeys, temperature, null);
    List<int[]> self = new ArrayList<>();
    for (int i = 0; i < anchorKeys.length; i++) {
      if (anchorKeys[i] == candidateKeys[i]) {
        throw new IllegalArgumentException(
            "anchor " + i + " is its own positive (item key " + anchorKeys[i] + ")");
      }
      for (int j = 0; j < candidateKeys.length; j++) {
        if (candidateKeys[j] == anchorKeys[i]) {
          self.add(new int[] {i, j});
        }
      }
    }
    if (!self.isEmpty()) {
      batch = batch.withMasked(self.toArray(new int[0][]));
    }
    return InfoNceLoss.compute(batch, InfoNceOptions.PLAIN, temperature);
  }
}
