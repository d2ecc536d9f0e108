package io.towerstream.model.loss;

import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The momentum encoder of MoCo for an id-embedding tower. MoCo keeps an EMA copy of the key
 * encoder's weights, {@code θ_k ← m θ_k + (1 − m) θ_q}; for an id tower the weights of an item are
 * its own row, and a row changes only when its item trains, so the EMA is kept per item and moved
 * when it trains: {@code ē ← m ē + (1 − m) o}, {@code o} the item's new output. The queue gets
 * {@code ē/‖ē‖}: the losses score unit vectors, and an average of unit vectors is shorter than one.
 *
 * <p>A float array per item that has trained, so as large as the item table's outputs: bound it
 * with the table by calling {@link #remove} from the table's eviction listener. Not thread-safe.
 */
public final class MomentumEncoder {
  /** Version of this encoder's own section in a snapshot. */
  public static final int FORMAT_VERSION = 1;

  private final double momentum;
  private final int dim;
  private final Map<Integer, float[]> averages = new HashMap<>();

  /**
   * @param momentum m in [0, 1): MoCo uses 0.999 for weights updated every step; rows update less
   *     often
   */
  public MomentumEncoder(double momentum, int dim) {
    if (!(momentum >= 0 && momentum < 1) || dim < 1) {
      throw new IllegalArgumentException(
          "momentum must be in [0, 1) and dim ≥ 1, were " + momentum + ", " + dim);
    }
    this.momentum = momentum;
    this.dim = dim;
  }

  /**
   * Moves {@code key}'s average toward {@code output[offset, offset + dim)} (starts it there the
   * first time) and writes its L2-normalised value to {@code normalised[outOffset, outOffset +
   * dim)}. Mutates this encoder and {@code normalised} only.
   */
  public void update(int key, float[] output, int offset, float[] normalised, int outOffset) {
    float[] average = averages.get(key);
    if (average == null) {
      average = Arrays.copyOfRange(output, offset, offset + dim);
      averages.put(key, average);
    } else {
      for (int k = 0; k < dim; k++) {
        average[k] = (float) (momentum * average[k] + (1 - momentum) * output[offset + k]);
      }
    }
    double squares = 0;
    for (float x : average) {
      squares += (double) x * x;
    }
    double inverse = squares > 0 ? 1 / Math.sqrt(squares) : 0.0;
    for (int k = 0; k < dim; k++) {
      normalised[outOffset + k] = (float) (average[k] * inverse);
    }
  }

  /**
   * Forgets {@code key}'s average (its row was evicted; the slot may come back as another item).
   */
  public void remove(int key) {
    averages.remove(key);
  }

  public int size() {
    return averages.size();
  }

  public double momentum() {
    return momentum;
  }

  /**
   * Appends the averages in key order, so equal encoders write equal bytes. Does not modify the
   * encoder.
   */
  public void write(SnapshotWriter out) {
    int[] keys = averages.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
    out.writeInt(FORMAT_VERSION).writeInt(dim).writeInt(keys.length);
    for (int key : keys) {
      out.writeInt(key).writeFloats(averages.get(key), 0, dim);
    }
  }

  /**
   * Reads what {@link #write} wrote. The momentum is a hyper-parameter, so it comes from the
   * caller's config, not the snapshot; the dim must match.
   */
  public static MomentumEncoder read(SnapshotReader in, double momentum, int dim) {
    int version = in.readInt();
    if (version != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "momentum encoder format "
              + version
              + " is not supported (this build"
              + " reads "
              + FORMAT_VERSION
              + ")");
    }
    int storedDim = in.readInt();
    if (storedDim != dim) {
      throw new IllegalArgumentException(
          "momentum encoder snapshot has dim " + storedDim + ", configured " + dim);
    }
    MomentumEncoder encoder = new MomentumEncoder(momentum, dim);
    int count = in.readLength(4 + 4 * dim);
    for (int n = 0; n < count; n++) {
      int key = in.readInt();
      float[] average = new float[dim];
      in.readFloats(average, 0, dim);
      SnapshotReader.check(
          encoder.averages.put(key, average) == null, "momentum encoder key " + key + " twice");
    }
    return encoder;
  }
}
