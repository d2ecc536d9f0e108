package io.towerstream.model.loss;

import static io.towerstream.model.NumericalGradient.assertMatches;
import static io.towerstream.model.NumericalGradient.gaussian;
import static io.towerstream.model.loss.LossFixture.KEYS;
import static io.towerstream.model.loss.LossFixture.ROWS;
import static io.towerstream.model.loss.LossFixture.TEMPERATURE;
import static io.towerstream.model.loss.LossFixture.USER_KEYS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class DistillationLossTest {
  private static final int PROTOTYPES = 6;
  private final LossFixture f = new LossFixture();
  private final INDArray student = gaussian(f.random, PROTOTYPES, LossFixture.DIM, 0.7);
  private final INDArray teacher = gaussian(f.random, PROTOTYPES, LossFixture.DIM, 0.7);
  private final INDArray center = gaussian(f.random, 1, PROTOTYPES, 0.3).reshape(PROTOTYPES);
  private final DistillationLoss loss = new DistillationLoss(student, teacher, center, 0.2);

  /** With the teacher's inputs held constant, every gradient is the loss's finite difference. */
  @Test
  void gradientsMatchFiniteDifferencesWithTheTeacherHeldConstant() {
    INDArray positives = f.candidates.get(NDArrayIndex.interval(0, ROWS), NDArrayIndex.all()).dup();
    INDArray userTargets = f.users.dup();
    INDArray positiveTargets = positives.dup();
    double[] w = LossFixture.normalised(f.weights);
    int columns = (int) f.candidates.rows();
    LossGradients g =
        loss.compute(f.users, positives, userTargets, positiveTargets, w, columns, TEMPERATURE);
    java.util.function.DoubleSupplier value =
        () ->
            loss.compute(f.users, positives, userTargets, positiveTargets, w, columns, TEMPERATURE)
                .loss();
    assertMatches("dL/dU", f.users, g.dUsers(), value);
    assertMatches(
        "dL/dV",
        positives,
        g.dCandidates().get(NDArrayIndex.interval(0, ROWS), NDArrayIndex.all()),
        value);
    assertMatches("dL/dC_s", student, g.dHead(), value);
  }

  @Test
  void theContrastiveEntryPointDistilsEachTowerFromTheOtherAndReportsTheTeacherMean() {
    QueuedNegatives queue = f.queue(new int[] {10, 20}, -0.5, -3.0);
    LossGradients g =
        loss.compute(f.users, f.candidates, f.logQ, f.weights, KEYS, USER_KEYS, TEMPERATURE, queue);
    for (int j = ROWS; j < f.candidates.rows(); j++) {
      assertThat(LossFixture.norm(g.dCandidates(), j)).as("sampled negative %d", j).isZero();
    }
    INDArray positives = f.candidates.get(NDArrayIndex.interval(0, ROWS), NDArrayIndex.all());
    INDArray expected =
        Nd4j.vstack(f.users, positives).mmul(teacher.transpose()).mean(0).reshape(-1);
    assertThat(g.headStatistics().equalsWithEps(expected, 1e-12)).isTrue();
    assertThat(g.loss()).isPositive();
  }

  /**
   * The cross-entropy is smallest where the student's distribution is the teacher's: with the same
   * prototypes, no centre and equal temperatures, a student equal to its teacher costs exactly the
   * teacher's entropy, and any other student more.
   */
  @Test
  void aStudentThatMatchesItsTeacherPaysOnlyTheTeachersEntropy() {
    INDArray zero = Nd4j.zeros(DataType.DOUBLE, PROTOTYPES);
    DistillationLoss same = new DistillationLoss(student, student, zero, TEMPERATURE);
    INDArray views = f.users.dup();
    INDArray candidates = Nd4j.vstack(views, f.candidates.get(NDArrayIndex.interval(ROWS, 7)));
    double matched =
        same.compute(views, candidates, null, f.weights, null, null, TEMPERATURE).loss();
    double entropy = 0;
    double[] w = LossFixture.normalised(f.weights);
    double[][] logits = views.mmul(student.transpose()).divi(TEMPERATURE).toDoubleMatrix();
    for (int i = 0; i < ROWS; i++) {
      double max = Arrays.stream(logits[i]).max().orElseThrow();
      double sum = Arrays.stream(logits[i]).map(z -> Math.exp(z - max)).sum();
      for (double z : logits[i]) {
        double p = Math.exp(z - max) / sum;
        entropy -= w[i] * p * Math.log(p);
      }
    }
    assertThat(matched).isCloseTo(entropy, within(1e-10));
    double other =
        same.compute(views, f.candidates, null, f.weights, null, null, TEMPERATURE).loss();
    assertThat(other).isGreaterThan(matched);
  }

  @Test
  void prototypesOfTheWrongWidthAreRefused() {
    DistillationLoss wrong =
        new DistillationLoss(
            Nd4j.zeros(DataType.DOUBLE, 3, 2),
            Nd4j.zeros(DataType.DOUBLE, 3, 2),
            Nd4j.zeros(DataType.DOUBLE, 3),
            0.1);
    assertThatThrownBy(
            () -> wrong.compute(f.users, f.candidates, null, f.weights, null, null, TEMPERATURE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prototypes must be K × 5");
  }
}
