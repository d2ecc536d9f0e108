package io.towerstream.model.loss;

import static io.towerstream.model.loss.LossFixture.COLUMNS;
import static io.towerstream.model.loss.LossFixture.DIM;
import static io.towerstream.model.loss.LossFixture.KEYS;
import static io.towerstream.model.loss.LossFixture.ROWS;
import static io.towerstream.model.loss.LossFixture.TEMPERATURE;
import static io.towerstream.model.loss.LossFixture.USER_KEYS;
import static io.towerstream.model.loss.LossFixture.norm;
import static io.towerstream.model.loss.LossFixture.onlyRow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.towerstream.model.NumericalGradient;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SymmetricInfoNceLossTest {
  private static final InfoNceOptions BOTH = new InfoNceOptions(0.7, 0.1);

  private final LossFixture f = new LossFixture();
  private final SymmetricInfoNceLoss plain = new SymmetricInfoNceLoss(InfoNceOptions.PLAIN);

  @Test
  void gradientsMatchFiniteDifferences() {
    f.checkGradients(plain, null, f.unitWeights, null, null, null);
    f.checkGradients(plain, f.logQ, f.weights, KEYS, USER_KEYS, null);
    f.checkGradients(new SymmetricInfoNceLoss(BOTH), f.logQ, f.weights, KEYS, USER_KEYS, null);
    f.checkGradients(
        new SymmetricInfoNceLoss(BOTH),
        f.logQ,
        f.weights,
        KEYS,
        USER_KEYS,
        f.queue(new int[] {10, 20}, -0.5, -3.0));
  }

  @Test
  void lossIsTheMeanOfBothDirectionsComputedNaively() {
    double loss =
        plain
            .compute(f.users, f.candidates, f.logQ, f.weights, KEYS, USER_KEYS, TEMPERATURE)
            .loss();
    double toItems = 0;
    double toUsers = 0;
    double weightSum = f.weights.sumNumber().doubleValue();
    for (int i = 0; i < ROWS; i++) {
      double[] overItems = new double[COLUMNS];
      for (int j = 0; j < COLUMNS; j++) {
        overItems[j] =
            sharesPositive(i, j) ? Double.NEGATIVE_INFINITY : score(i, j) - f.logQ.getDouble(j);
      }
      double[] overUsers = new double[ROWS];
      for (int k = 0; k < ROWS; k++) {
        overUsers[k] =
            sharesPositive(k, i) ? Double.NEGATIVE_INFINITY : score(k, i); // no log-Q this way
      }
      toItems += f.weights.getDouble(i) * crossEntropy(overItems, i);
      toUsers += f.weights.getDouble(i) * crossEntropy(overUsers, i);
    }
    assertThat(loss).isCloseTo((toItems + toUsers) / (2 * weightSum), within(1e-12));
  }

  @Test
  void anItemDoesNotPushAwayTheOtherRowsOfItsUserNorTheOtherUsersWhoClickedIt() {
    // Row 0's user is row 2's; item 0 alone (row 0's weight) pushes users 1 and 3 away, never user
    // 2.
    LossGradients g =
        plain.compute(f.users, f.candidates, null, onlyRow(0), KEYS, USER_KEYS, TEMPERATURE);
    assertThat(norm(g.dUsers(), 2)).isZero();
    assertThat(norm(g.dUsers(), 1)).isGreaterThan(1e-6);
    // Rows 1 and 3 clicked the same item: item 1's softmax over users leaves user 3 alone.
    g = plain.compute(f.users, f.candidates, null, onlyRow(1), KEYS, null, TEMPERATURE);
    assertThat(norm(g.dUsers(), 3)).isZero();
    assertThat(norm(g.dUsers(), 0)).isGreaterThan(1e-6);
    // Without keys both would be pushed.
    g = plain.compute(f.users, f.candidates, null, onlyRow(1), null, null, TEMPERATURE);
    assertThat(norm(g.dUsers(), 3)).isGreaterThan(1e-6);
  }

  @Test
  void twoUsersOfOneItemAloneHaveZeroLossInBothDirections() {
    INDArray u = NumericalGradient.gaussian(f.random, 2, DIM, 1.0);
    INDArray item = NumericalGradient.gaussian(f.random, 1, DIM, 1.0);
    LossGradients g =
        plain.compute(
            u,
            Nd4j.vstack(item, item),
            null,
            Nd4j.ones(DataType.DOUBLE, 2),
            new int[] {7, 7},
            null,
            TEMPERATURE);
    assertThat(g.loss()).isZero();
    assertThat(g.dUsers().amaxNumber().doubleValue()).isZero();
  }

  @Test
  void theQueueAddsNegativesToTheUserToItemDirectionOnly() {
    LossGradients without =
        plain.compute(f.users, f.candidates, null, f.weights, KEYS, null, TEMPERATURE);
    LossGradients with =
        plain.compute(
            f.users,
            f.candidates,
            null,
            f.weights,
            KEYS,
            null,
            TEMPERATURE,
            f.queue(new int[] {50, 51}));
    assertThat(with.loss()).isGreaterThan(without.loss());
    assertThat(with.dCandidates().rows()).isEqualTo(COLUMNS);
  }

  private boolean sharesPositive(int row, int column) {
    return column != row
        && (KEYS[column] == KEYS[row] || (column < ROWS && USER_KEYS[column] == USER_KEYS[row]));
  }

  private double score(int user, int candidate) {
    return f.users.getRow(user).mul(f.candidates.getRow(candidate)).sumNumber().doubleValue()
        / TEMPERATURE;
  }

  private static double crossEntropy(double[] logits, int target) {
    double max = Double.NEGATIVE_INFINITY;
    for (double l : logits) {
      max = Math.max(max, l);
    }
    double sum = 0;
    for (double l : logits) {
      sum += Math.exp(l - max);
    }
    return max + Math.log(sum) - logits[target];
  }
}
