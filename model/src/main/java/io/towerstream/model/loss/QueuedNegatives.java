package io.towerstream.model.loss;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Extra negative columns that are constants of the step, such as a {@link MomentumQueue}'s vectors:
 * the loss scores every row against them but returns no gradient for them (MoCo, He et al. 2020).
 *
 * @param vectors {@code K × d} outputs, in the dtype of the users
 * @param logQ length-{@code K} log-Q of each entry, or null; must be null exactly when the
 *     candidates' is. The queue is one more sampling source, so every column's log-Q (candidates'
 *     too) should count it: see the model README
 * @param keys length-{@code K} item keys, comparable with the candidate keys, so that a queued copy
 *     of a row's positive is masked (softmax losses) or labelled positive (sigmoid loss)
 */
public record QueuedNegatives(INDArray vectors, INDArray logQ, int[] keys) {
  public QueuedNegatives {
    if (vectors.rank() != 2
        || keys.length != vectors.rows()
        || (logQ != null && logQ.length() != keys.length)) {
      throw new IllegalArgumentException(
          "queue needs a K × d matrix and K keys (and K logQ values if any)");
    }
  }

  public int size() {
    return keys.length;
  }
}
