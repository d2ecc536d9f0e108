package io.towerstream.model.nd;

import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Moves row-major float data between Java arrays and ND4J in one bulk copy each way. Measured here,
 * {@code Nd4j.create(float[], shape)} and {@code data().asFloat()} cost several times more than a
 * bulk copy through the buffer's NIO view, which matters when it happens several times per training
 * step.
 */
public final class NdArrays {
  private NdArrays() {}

  /** A new FLOAT {@code rows × cols} matrix holding {@code data[0, rows·cols)}. */
  public static INDArray floatMatrix(float[] data, int rows, int cols) {
    int n = rows * cols;
    if (data.length < n) {
      throw new IllegalArgumentException(
          "need " + n + " floats for " + rows + "×" + cols + ", got " + data.length);
    }
    INDArray m = Nd4j.createUninitialized(DataType.FLOAT, rows, cols);
    m.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer().put(data, 0, n);
    return m;
  }

  /**
   * The elements of {@code a} in row-major order as floats (converted when {@code a} is not FLOAT).
   */
  public static float[] toFloats(INDArray a) {
    float[] dst = new float[Math.toIntExact(a.length())];
    copyInto(a, dst);
    return dst;
  }

  /** Writes the elements of {@code a} in row-major order into {@code dst[0, a.length())}. */
  public static void copyInto(INDArray a, float[] dst) {
    INDArray dense = a;
    if (a.dataType() != DataType.FLOAT) {
      dense = a.castTo(DataType.FLOAT);
    }
    if (dense.isView() || dense.ordering() != 'c' || dense.data().length() != dense.length()) {
      dense = dense.dup('c');
    }
    dense
        .data()
        .asNio()
        .order(ByteOrder.nativeOrder())
        .asFloatBuffer()
        .get(dst, 0, (int) dense.length());
  }
}
