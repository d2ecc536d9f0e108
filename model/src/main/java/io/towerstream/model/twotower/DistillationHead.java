package io.towerstream.model.twotower;

import io.towerstream.model.loss.ContrastiveLoss;
import io.towerstream.model.loss.DinoSettings;
import io.towerstream.model.loss.DistillationLoss;
import io.towerstream.model.nd.NdArrays;
import io.towerstream.model.optim.Adam;
import io.towerstream.model.random.SeededRandom;
import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;

/**
 * DINO's head: the student's {@code K × d} prototypes (Adam), the teacher's momentum copy of them
 * ({@code C_t ← m C_t + (1 − m) C_s} after every step, {@code m = model.loss.dino.momentum}) and
 * the centre of the teacher's logits ({@code c ← 0.9 c + 0.1 · batch mean}, DINO's default rate).
 */
final class DistillationHead implements LossHead {
  static final String KIND = "dino-prototypes";

  /** DINO's centre momentum. */
  static final double CENTER_MOMENTUM = 0.9;

  private static final long PROTOTYPE_SALT = 0x44494E4F_00000003L;

  private final DinoSettings settings;
  private final int prototypes;
  private final int dim;
  private final float[] student;
  private final float[] teacher;
  private final float[] center;
  private final Adam adam;

  /**
   * Random unit-scale prototypes (N(0, 1/d) entries, drawn from {@code seed}), the teacher a copy,
   * the centre at zero.
   */
  DistillationHead(DinoSettings settings, int dim, long seed) {
    this.settings = settings;
    this.prototypes = settings.prototypes();
    this.dim = dim;
    this.student = new float[prototypes * dim];
    SeededRandom random = new SeededRandom(seed ^ PROTOTYPE_SALT);
    double scale = 1.0 / Math.sqrt(dim);
    for (int k = 0; k < student.length; k++) {
      student[k] = (float) (random.nextGaussian() * scale);
    }
    this.teacher = student.clone();
    this.center = new float[prototypes];
    this.adam = new Adam(student.length);
  }

  private DistillationHead(
      DinoSettings settings, int dim, float[] student, float[] teacher, float[] center, Adam adam) {
    this.settings = settings;
    this.prototypes = settings.prototypes();
    this.dim = dim;
    this.student = student;
    this.teacher = teacher;
    this.center = center;
    this.adam = adam;
  }

  @Override
  public ContrastiveLoss loss() {
    return new DistillationLoss(
        NdArrays.floatMatrix(student, prototypes, dim),
        NdArrays.floatMatrix(teacher, prototypes, dim),
        NdArrays.floatMatrix(center, 1, prototypes),
        settings.teacherTemperature());
  }

  @Override
  public void update(float[] gradient, float[] statistics, float scale, float learningRate) {
    adam.apply(student, gradient, scale, learningRate);
    double momentum = settings.momentum();
    for (int k = 0; k < teacher.length; k++) {
      teacher[k] = (float) (momentum * teacher[k] + (1 - momentum) * student[k]);
    }
    for (int k = 0; k < prototypes; k++) {
      center[k] = (float) (CENTER_MOMENTUM * center[k] + (1 - CENTER_MOMENTUM) * statistics[k]);
    }
  }

  @Override
  public float[] values() {
    float[] out = new float[2 * student.length + prototypes];
    System.arraycopy(student, 0, out, 0, student.length);
    System.arraycopy(teacher, 0, out, student.length, teacher.length);
    System.arraycopy(center, 0, out, 2 * student.length, prototypes);
    return out;
  }

  @Override
  public void add(float[] delta) {
    for (int k = 0; k < student.length; k++) {
      student[k] += delta[k];
      teacher[k] += delta[student.length + k];
    }
    for (int k = 0; k < prototypes; k++) {
      center[k] += delta[2 * student.length + k];
    }
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public void writeBody(SnapshotWriter out) {
    out.writeInt(prototypes).writeInt(dim);
    out.writeFloats(student, 0, student.length);
    out.writeFloats(teacher, 0, teacher.length);
    out.writeFloats(center, 0, prototypes);
    adam.writeTo(out);
  }

  /**
   * Reads what {@link #writeBody} wrote; a stored head of another size than {@code settings} and
   * {@code dim} ask for is replaced by a fresh one (from {@code seed}).
   */
  static DistillationHead readBody(SnapshotReader in, DinoSettings settings, int dim, long seed) {
    int k = in.readInt();
    int d = in.readInt();
    SnapshotReader.check(
        k > 0 && d > 0 && (long) k * d <= Integer.MAX_VALUE / 2, "DINO head of " + k + " × " + d);
    float[] student = new float[k * d];
    float[] teacher = new float[k * d];
    float[] center = new float[k];
    in.readFloats(student, 0, student.length);
    in.readFloats(teacher, 0, teacher.length);
    in.readFloats(center, 0, k);
    Adam adam = Adam.readFrom(in, k * d);
    if (k != settings.prototypes() || d != dim) {
      return new DistillationHead(settings, dim, seed);
    }
    return new DistillationHead(settings, d, student, teacher, center, adam);
  }
}
