package io.towerstream.model.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class MomentumQueueTest {
  private static final int DIM = 3;

  @Test
  void keepsTheMostRecentEntriesOldestFirst() {
    MomentumQueue queue = new MomentumQueue(3, DIM);
    for (int key = 0; key < 5; key++) {
      queue.enqueue(key, vectorOf(key), 0);
    }
    assertThat(queue.size()).isEqualTo(3);
    assertThat(queue.keys()).containsExactly(2, 3, 4);
    INDArray m = queue.gather(DataType.DOUBLE);
    assertThat(m.shape()).containsExactly(3, DIM);
    assertThat(m.getRow(0).toFloatVector()).containsExactly(vectorOf(2));
    assertThat(m.getRow(2).toFloatVector()).containsExactly(vectorOf(4));
  }

  @Test
  void removingAKeyKeepsTheOthersInOrderAndTheFifoGoesOn() {
    MomentumQueue queue = new MomentumQueue(4, DIM);
    for (int key : new int[] {1, 7, 2, 7, 3, 4}) { // wraps: holds 2, 7, 3, 4
      queue.enqueue(key, vectorOf(key), 0);
    }
    assertThat(queue.remove(7)).isEqualTo(1);
    assertThat(queue.keys()).containsExactly(2, 3, 4);
    queue.enqueue(5, vectorOf(5), 0);
    queue.enqueue(6, vectorOf(6), 0);
    assertThat(queue.keys()).containsExactly(3, 4, 5, 6);
    assertThat(queue.gather(DataType.FLOAT).getRow(3).toFloatVector()).containsExactly(vectorOf(6));
  }

  @Test
  void snapshotRestoresTheSameQueueAndReSavesByteForByte() {
    MomentumQueue queue = new MomentumQueue(4, DIM);
    Random random = new Random(3);
    for (int n = 0; n < 7; n++) {
      queue.enqueue(
          random.nextInt(100),
          new float[] {random.nextFloat(), random.nextFloat(), random.nextFloat()},
          0);
    }
    byte[] bytes = write(queue);
    int[] savedKeys = queue.keys();
    MomentumQueue restored =
        MomentumQueue.read(SnapshotReader.over(bytes, 0, bytes.length), 4, DIM);
    assertThat(restored.keys()).containsExactly(queue.keys());
    assertThat(restored.gather(DataType.FLOAT)).isEqualTo(queue.gather(DataType.FLOAT));
    assertThat(write(restored)).isEqualTo(bytes);
    // It goes on exactly as the original would.
    queue.enqueue(42, vectorOf(42), 0);
    restored.enqueue(42, vectorOf(42), 0);
    assertThat(write(restored)).isEqualTo(write(queue));

    // A smaller configured capacity keeps the newest entries.
    MomentumQueue smaller = MomentumQueue.read(SnapshotReader.over(bytes, 0, bytes.length), 2, DIM);
    assertThat(smaller.keys()).containsExactly(savedKeys[2], savedKeys[3]);
  }

  @Test
  void rejectsAnUnknownVersionAWrongDimAndATruncatedSnapshot() {
    MomentumQueue queue = new MomentumQueue(2, DIM);
    queue.enqueue(1, vectorOf(1), 0);
    byte[] bytes = write(queue);
    assertThatThrownBy(
            () -> MomentumQueue.read(SnapshotReader.over(bytes, 0, bytes.length - 4), 2, DIM))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] future = bytes.clone();
    future[3] = 9;
    assertThatThrownBy(
            () -> MomentumQueue.read(SnapshotReader.over(future, 0, future.length), 2, DIM))
        .hasMessageContaining("format 9");
    assertThatThrownBy(
            () -> MomentumQueue.read(SnapshotReader.over(bytes, 0, bytes.length), 2, DIM + 1))
        .hasMessageContaining("dim");
  }

  @Test
  void aQueueFeedsTheLossAsConstantColumnsMaskedByKey() {
    LossFixture f = new LossFixture();
    MomentumQueue queue = new MomentumQueue(8, LossFixture.DIM);
    float[] copyOfItem10 = f.candidates.getRow(0).toFloatVector();
    queue.enqueue(10, copyOfItem10, 0); // row 0's positive, seen in an earlier batch
    queue.enqueue(77, new float[] {0.5f, -0.5f, 0.5f, -0.5f, 0}, 0);
    QueuedNegatives negatives = queue.asNegatives(DataType.DOUBLE, new double[] {-1, -2});
    LossGradients g =
        new InfoNceLoss(InfoNceOptions.PLAIN)
            .compute(
                f.users,
                f.candidates,
                f.logQ,
                LossFixture.onlyRow(0),
                LossFixture.KEYS,
                null,
                LossFixture.TEMPERATURE,
                negatives);
    LossGradients onlyOther =
        new InfoNceLoss(InfoNceOptions.PLAIN)
            .compute(
                f.users,
                f.candidates,
                f.logQ,
                LossFixture.onlyRow(0),
                LossFixture.KEYS,
                null,
                LossFixture.TEMPERATURE,
                new QueuedNegatives(
                    negatives.vectors().getRows(1), LossFixture.vector(-2), new int[] {77}));
    assertThat(g.loss()).isEqualTo(onlyOther.loss());
    assertThat(g.dCandidates().rows()).isEqualTo(LossFixture.COLUMNS);
    assertThat(new MomentumQueue(2, DIM).asNegatives(DataType.FLOAT, null)).isNull();
  }

  @Test
  void theEncoderStartsAtTheOutputThenMovesByOneMinusMomentum() {
    MomentumEncoder encoder = new MomentumEncoder(0.9, 2);
    float[] out = new float[2];
    encoder.update(5, new float[] {3, 4}, 0, out, 0);
    assertThat(out).containsExactly(0.6f, 0.8f);
    encoder.update(5, new float[] {0, 0, -10, 0}, 2, out, 0); // EMA (2.7 − 1.0, 3.6) = (1.7, 3.6)
    double norm = Math.hypot(1.7, 3.6);
    assertThat(out[0]).isCloseTo((float) (1.7 / norm), offset(1e-6f));
    assertThat(out[1]).isCloseTo((float) (3.6 / norm), offset(1e-6f));
    encoder.remove(5);
    encoder.update(5, new float[] {0, 2}, 0, out, 0);
    assertThat(out).containsExactly(0f, 1f);
  }

  @Test
  void theEncoderSnapshotRestoresAndReSavesByteForByte() {
    MomentumEncoder encoder = new MomentumEncoder(0.99, DIM);
    float[] out = new float[DIM];
    for (int key : new int[] {9, 2, 9, 5}) {
      encoder.update(key, vectorOf(key * 3 + 1), 0, out, 0);
    }
    SnapshotWriter w = new SnapshotWriter();
    encoder.write(w);
    byte[] bytes = w.toByteArrayWithChecksum();
    MomentumEncoder restored =
        MomentumEncoder.read(SnapshotReader.over(bytes, 0, bytes.length - 8), 0.99, DIM);
    SnapshotWriter again = new SnapshotWriter();
    restored.write(again);
    assertThat(again.toByteArrayWithChecksum()).isEqualTo(bytes);
    float[] a = new float[DIM];
    float[] b = new float[DIM];
    encoder.update(9, vectorOf(1), 0, a, 0);
    restored.update(9, vectorOf(1), 0, b, 0);
    assertThat(b).containsExactly(a);
    assertThatThrownBy(
            () ->
                MomentumEncoder.read(
                    SnapshotReader.over(bytes, 0, bytes.length - 8), 0.99, DIM + 1))
        .hasMessageContaining("dim");
  }

  private static float[] vectorOf(int key) {
    return new float[] {key, -key, key * 0.5f};
  }

  private static byte[] write(MomentumQueue queue) {
    SnapshotWriter w = new SnapshotWriter();
    queue.write(w);
    byte[] withChecksum = w.toByteArrayWithChecksum();
    return Arrays.copyOf(withChecksum, withChecksum.length - 8);
  }
}
