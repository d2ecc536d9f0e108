package io.towerstream.model.loss;

import static io.towerstream.model.loss.LossFixture.KEYS;
import static io.towerstream.model.loss.LossFixture.TEMPERATURE;
import static io.towerstream.model.loss.LossFixture.USER_KEYS;
import static io.towerstream.model.loss.LossFixture.norm;
import static io.towerstream.model.loss.LossFixture.onlyRow;
import static io.towerstream.model.loss.LossFixture.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Hard-negative weighting, debiasing, user keys and a queue on {@link InfoNceLoss}. */
class InfoNceOptionsTest {
  private static final InfoNceOptions HARD = new InfoNceOptions(1.0, 0.0);
  private static final InfoNceOptions DEBIASED = new InfoNceOptions(0.0, 0.1);
  private static final InfoNceOptions BOTH = new InfoNceOptions(0.7, 0.1);

  private final LossFixture f = new LossFixture();

  @Test
  void gradientsMatchFiniteDifferencesForEveryOptionWithLogQMaskAndWeights() {
    for (InfoNceOptions o : new InfoNceOptions[] {HARD, DEBIASED, BOTH}) {
      f.checkGradients(new InfoNceLoss(o), f.logQ, f.weights, KEYS, null, null);
      f.checkGradients(new InfoNceLoss(o), null, f.unitWeights, null, null, null);
    }
  }

  @Test
  void gradientsMatchFiniteDifferencesWhereTheDebiasingFloorBinds() {
    InfoNceOptions strong = new InfoNceOptions(0.5, 0.9);
    INDArray scores = f.users.mmul(f.candidates.transpose()).divi(TEMPERATURE);
    double floorPart =
        SoftmaxRows.compute(
                scores,
                f.logQ,
                CollisionMask.maskedPairs(KEYS, LossFixture.ROWS),
                new double[] {0.25, 0.25, 0.25, 0.25},
                strong,
                TEMPERATURE)
            .floorLogScale();
    assertThat(floorPart)
        .as("some row is floored, so the floor's τ-derivative is exercised")
        .isNotZero();
    f.checkGradients(new InfoNceLoss(strong), f.logQ, f.weights, KEYS, null, null);
  }

  @Test
  void gradientsMatchFiniteDifferencesWithUserKeysAndAQueue() {
    QueuedNegatives queue = f.queue(new int[] {10, 20, 21}, -0.5, -1.5, -4.0);
    for (InfoNceOptions o : new InfoNceOptions[] {InfoNceOptions.PLAIN, BOTH}) {
      f.checkGradients(new InfoNceLoss(o), f.logQ, f.weights, KEYS, USER_KEYS, queue);
    }
  }

  @Test
  void zeroBetaAndZeroPriorArePlainInfoNceExactly() {
    LossGradients plain =
        InfoNceLoss.compute(f.users, f.candidates, f.logQ, f.weights, KEYS, TEMPERATURE);
    LossGradients viaOptions =
        new InfoNceLoss(new InfoNceOptions(0.0, 0.0))
            .compute(f.users, f.candidates, f.logQ, f.weights, KEYS, null, TEMPERATURE);
    assertThat(viaOptions.loss()).isEqualTo(plain.loss());
    assertThat(viaOptions.dUsers()).isEqualTo(plain.dUsers());
    assertThat(viaOptions.dCandidates()).isEqualTo(plain.dCandidates());
  }

  @Test
  void theGeneralPathApproachesPlainInfoNceAsTheOptionsVanish() {
    // The exact equality above is the plain path; this pins the general path's formulas to it.
    LossGradients plain =
        InfoNceLoss.compute(f.users, f.candidates, f.logQ, f.weights, KEYS, TEMPERATURE);
    for (InfoNceOptions tiny :
        new InfoNceOptions[] {new InfoNceOptions(1e-12, 0), new InfoNceOptions(0, 1e-12)}) {
      LossGradients g =
          new InfoNceLoss(tiny)
              .compute(f.users, f.candidates, f.logQ, f.weights, KEYS, null, TEMPERATURE);
      assertThat(g.loss()).isCloseTo(plain.loss(), within(1e-10));
      assertThat(g.dUsers().sub(plain.dUsers()).amaxNumber().doubleValue()).isLessThan(1e-10);
      assertThat(g.dCandidates().sub(plain.dCandidates()).amaxNumber().doubleValue())
          .isLessThan(1e-10);
      assertThat(g.dLogScale()).isCloseTo(plain.dLogScale(), within(1e-10));
    }
  }

  @Test
  void hardNegativeWeightingShiftsThePushTowardTheHigherScoredNegative() {
    // One user, its positive, a negative close to the user and one far from it.
    INDArray u = matrix(1, 1, 0);
    INDArray v = matrix(3, 0.6, 0.8, 0.8, 0.6, -0.6, 0.8);
    INDArray w = Nd4j.ones(DataType.DOUBLE, 1);
    double plainRatio = pushRatio(InfoNceOptions.PLAIN, u, v, w);
    double hardRatio = pushRatio(new InfoNceOptions(2.0, 0.0), u, v, w);
    assertThat(plainRatio).isGreaterThan(1.0); // the softmax already prefers the closer negative
    assertThat(hardRatio).isGreaterThan(1.5 * plainRatio);
  }

  @Test
  void debiasingRemovesExpectedFalseNegativesFromTheNegativeTerm() {
    INDArray u = matrix(1, 1, 0);
    INDArray v = matrix(3, 0.6, 0.8, 0.8, 0.6, -0.6, 0.8);
    INDArray w = Nd4j.ones(DataType.DOUBLE, 1);
    LossGradients plain =
        new InfoNceLoss(InfoNceOptions.PLAIN).compute(u, v, null, w, null, null, TEMPERATURE);
    LossGradients debiased =
        new InfoNceLoss(new InfoNceOptions(0, 0.2)).compute(u, v, null, w, null, null, TEMPERATURE);
    // Ng = (Σ e^{a_j} − τ⁺·N·e^{a_ii}) / (1 − τ⁺), by hand.
    double a0 = 0.6 / TEMPERATURE;
    double a1 = 0.8 / TEMPERATURE;
    double a2 = -0.6 / TEMPERATURE;
    double ng = (Math.exp(a1) + Math.exp(a2) - 0.2 * 2 * Math.exp(a0)) / 0.8;
    assertThat(debiased.loss()).isCloseTo(Math.log(1 + ng / Math.exp(a0)), within(1e-12));
    assertThat(debiased.loss()).isLessThan(plain.loss());
    // Each remaining negative stands for 1/(1 − τ⁺) of its mass, so its push is the plain one
    // rescaled by D_plain / ((1 − τ⁺) D_debiased), D the softmax denominator.
    double plainD = Math.exp(a0) + Math.exp(a1) + Math.exp(a2);
    double debiasedD = Math.exp(a0) + ng;
    assertThat(norm(debiased.dCandidates(), 1) / norm(plain.dCandidates(), 1))
        .isCloseTo(plainD / (0.8 * debiasedD), within(1e-9));
  }

  @Test
  void logQIsSubtractedUnderEveryOption() {
    // Equal raw scores, negative 2 popular, negative 3 rare: the rare one must be pushed harder.
    INDArray u = Nd4j.ones(DataType.DOUBLE, 2, LossFixture.DIM);
    INDArray v = Nd4j.ones(DataType.DOUBLE, 4, LossFixture.DIM).divi(Math.sqrt(LossFixture.DIM));
    INDArray q = vector(Math.log(0.9), Math.log(0.9), Math.log(0.9), Math.log(0.01));
    for (InfoNceOptions o : new InfoNceOptions[] {HARD, DEBIASED, BOTH}) {
      LossGradients g =
          new InfoNceLoss(o)
              .compute(u, v, q, Nd4j.ones(DataType.DOUBLE, 2), null, null, TEMPERATURE);
      assertThat(norm(g.dCandidates(), 3))
          .as(o.toString())
          .isGreaterThan(10 * norm(g.dCandidates(), 2));
    }
  }

  @Test
  void aDuplicatePositiveIsNotItsOwnNegativeUnderAnyOption() {
    // Column 3 is row 1's item again (row 3 clicked it too): row 1 alone must not move it, while it
    // does push its real negatives. A small τ⁺ keeps row 1 off the debiasing floor (which would
    // stop every push).
    InfoNceOptions[] options = {HARD, new InfoNceOptions(0, 0.01), new InfoNceOptions(0.7, 0.01)};
    for (InfoNceOptions o : options) {
      LossGradients g =
          new InfoNceLoss(o)
              .compute(f.users, f.candidates, f.logQ, onlyRow(1), KEYS, null, TEMPERATURE);
      assertThat(norm(g.dCandidates(), 3)).as(o.toString()).isZero();
      assertThat(norm(g.dCandidates(), 4)).as(o.toString()).isGreaterThan(1e-6);
      LossGradients unmasked =
          new InfoNceLoss(o)
              .compute(f.users, f.candidates, f.logQ, onlyRow(1), null, null, TEMPERATURE);
      assertThat(norm(unmasked.dCandidates(), 3)).isGreaterThan(1e-6);
    }
  }

  @Test
  void aRowWithOnlyItsPositiveLeftHasZeroLossUnderEveryOption() {
    INDArray u = LossFixture.vector(1, 0).reshape(1, 2);
    INDArray v = matrix(2, 0.6, 0.8, 0.6, 0.8);
    for (InfoNceOptions o : new InfoNceOptions[] {HARD, DEBIASED, BOTH}) {
      LossGradients g =
          new InfoNceLoss(o)
              .compute(
                  u, v, null, Nd4j.ones(DataType.DOUBLE, 1), new int[] {7, 7}, null, TEMPERATURE);
      assertThat(g.loss()).isZero();
      assertThat(g.dUsers().amaxNumber().doubleValue()).isZero();
    }
  }

  @Test
  void rowsOfTheSameUserDoNotPushAwayEachOthersPositives() {
    // Rows 0 and 2 are one user: item 2 is a positive of row 0 too.
    LossGradients g =
        new InfoNceLoss(InfoNceOptions.PLAIN)
            .compute(f.users, f.candidates, f.logQ, onlyRow(0), KEYS, USER_KEYS, TEMPERATURE);
    assertThat(norm(g.dCandidates(), 2)).isZero();
    LossGradients withoutUsers =
        new InfoNceLoss(InfoNceOptions.PLAIN)
            .compute(f.users, f.candidates, f.logQ, onlyRow(0), KEYS, null, TEMPERATURE);
    assertThat(norm(withoutUsers.dCandidates(), 2)).isGreaterThan(1e-5);
  }

  @Test
  void aQueuedCopyOfTheRowsPositiveIsMaskedAndOtherQueuedItemsAreNegatives() {
    QueuedNegatives copyOfPositive = f.queue(new int[] {10}, -1.0);
    QueuedNegatives otherItem = f.queue(new int[] {99}, -1.0);
    for (InfoNceOptions o : new InfoNceOptions[] {InfoNceOptions.PLAIN, BOTH}) {
      InfoNceLoss loss = new InfoNceLoss(o);
      double alone =
          loss.compute(f.users, f.candidates, f.logQ, onlyRow(0), KEYS, null, TEMPERATURE).loss();
      double copy =
          loss.compute(
                  f.users,
                  f.candidates,
                  f.logQ,
                  onlyRow(0),
                  KEYS,
                  null,
                  TEMPERATURE,
                  copyOfPositive)
              .loss();
      assertThat(copy).as(o.toString()).isEqualTo(alone);
    }
    // (With debiasing, a negative scored below the positive can lower the loss: it raises the
    // expected count of false negatives more than the negative mass. So "more negatives, more loss"
    // holds for plain only.)
    InfoNceLoss loss = new InfoNceLoss(InfoNceOptions.PLAIN);
    double alone =
        loss.compute(f.users, f.candidates, f.logQ, onlyRow(0), KEYS, null, TEMPERATURE).loss();
    LossGradients other =
        loss.compute(f.users, f.candidates, f.logQ, onlyRow(0), KEYS, null, TEMPERATURE, otherItem);
    assertThat(other.loss()).isGreaterThan(alone);
    assertThat(other.dCandidates().rows())
        .as("no gradient rows for the queue")
        .isEqualTo(LossFixture.COLUMNS);
  }

  @Test
  void worksInFloatToo() {
    LossGradients d =
        new InfoNceLoss(BOTH)
            .compute(f.users, f.candidates, f.logQ, f.weights, KEYS, USER_KEYS, TEMPERATURE);
    LossGradients fl =
        new InfoNceLoss(BOTH)
            .compute(
                f.users.castTo(DataType.FLOAT),
                f.candidates.castTo(DataType.FLOAT),
                f.logQ.castTo(DataType.FLOAT),
                f.weights.castTo(DataType.FLOAT),
                KEYS,
                USER_KEYS,
                TEMPERATURE);
    assertThat(fl.dCandidates().dataType()).isEqualTo(DataType.FLOAT);
    assertThat(fl.loss()).isCloseTo(d.loss(), within(1e-5));
    assertThat(
            fl.dCandidates()
                .castTo(DataType.DOUBLE)
                .sub(d.dCandidates())
                .amaxNumber()
                .doubleValue())
        .isLessThan(1e-5);
    assertThat(fl.dLogScale()).isCloseTo(d.dLogScale(), within(1e-4));
  }

  @Test
  void rejectsOptionsOutsideTheirRange() {
    assertThatThrownBy(() -> new InfoNceOptions(-0.1, 0)).hasMessageContaining("hardNegativeBeta");
    assertThatThrownBy(() -> new InfoNceOptions(0, 1.0)).hasMessageContaining("positivePrior");
  }

  private static double pushRatio(InfoNceOptions o, INDArray u, INDArray v, INDArray w) {
    LossGradients g = new InfoNceLoss(o).compute(u, v, null, w, null, null, TEMPERATURE);
    return norm(g.dCandidates(), 1) / norm(g.dCandidates(), 2);
  }

  /** {@code rows} rows of 2 values each. */
  static INDArray matrix(int rows, double... values) {
    return Nd4j.create(values, new long[] {rows, values.length / rows}, DataType.DOUBLE);
  }
}
