package io.towerstream.model.twotower;

import io.towerstream.model.InvalidReplicaDeltaException;
import io.towerstream.model.ReplicaDelta;
import java.util.Arrays;

/**
 * Local changes of one replica of a data-parallel model, for the other replicas, and the remote
 * changes they send back. Before a row (item weights and learned bias) or the dense weights (tower
 * heads, learned scalars) first change after a delta was taken, their values are copied
 * ("before-images"); {@link #take} hands out {@code current − before-image} and forgets the images.
 * A remote delta is added to the values and to any before-image, so that it is never sent back out.
 *
 * <p>New rows start at {@link io.towerstream.model.tables.RowInitializer}'s id-determined weights
 * on every replica, so a delta means the same on a replica that has the row and on one that creates
 * it to apply it. The popularity prior's clicks travel too (as log-masses, rebased to the
 * receiver's origin), and each delta says how many events its sender trained, so that every
 * replica's prior counts the whole stream, on a clock that counts the whole stream ({@link
 * ModelState#streamPosition}). Estimated from each replica's own share of the stream, and not
 * exchanged: optimizer moments, frequency estimates, reservoir, queue.
 */
final class ReplicaTracker {
  private final ModelState s;
  private final int dim;

  /**
   * Per item slot: its before-image ({@code dim} weights, then the bias), or null when unchanged.
   */
  private float[][] images = new float[0][];

  private int[] captured = new int[64];
  private int capturedCount;
  private float[] denseImage;

  /**
   * Per item slot, the prior log-mass of the clicks seen here since the last take (relative to the
   * origin).
   */
  private double[] pendingPrior = new double[0];

  private long eventsAtLastTake;

  /** The side-feature token rows' before-images, as {@link #images} for items. */
  private final RowImages featureImages = new RowImages();

  ReplicaTracker(ModelState s) {
    this.s = s;
    this.dim = s.config.dim();
    this.eventsAtLastTake = s.counters.eventsTrained();
  }

  /**
   * A click of the item in {@code slot} counted into the prior at {@code position}: the others get
   * it too.
   */
  void observePrior(int slot, long position) {
    if (slot >= pendingPrior.length) {
      int old = pendingPrior.length;
      pendingPrior = Arrays.copyOf(pendingPrior, Math.max(slot + 1, Math.max(64, old * 2)));
      Arrays.fill(pendingPrior, old, pendingPrior.length, Double.NEGATIVE_INFINITY);
    }
    double x = s.prior.lambda() * (position - s.prior.origin());
    double l = pendingPrior[slot];
    pendingPrior[slot] =
        l == Double.NEGATIVE_INFINITY ? x : Math.max(l, x) + Math.log1p(Math.exp(-Math.abs(l - x)));
  }

  /**
   * The prior moved its origin: the pending log-masses, relative to {@code originBefore}, follow.
   */
  void rebasePrior(long originBefore) {
    double shift = s.prior.lambda() * (s.prior.origin() - originBefore);
    for (int k = 0; k < pendingPrior.length; k++) {
      pendingPrior[k] -= shift;
    }
  }

  private float takePrior(int slot) {
    if (slot >= pendingPrior.length) {
      return Float.NEGATIVE_INFINITY;
    }
    double l = pendingPrior[slot];
    pendingPrior[slot] = Double.NEGATIVE_INFINITY;
    return (float) l;
  }

  /**
   * Copies the rows' current values, unless already copied since the last take; slots −1 are
   * skipped.
   */
  void capture(int[] slots) {
    for (int slot : slots) {
      if (slot < 0) {
        continue;
      }
      if (slot >= images.length) {
        images = Arrays.copyOf(images, Math.max(slot + 1, Math.max(64, images.length * 2)));
      }
      if (images[slot] == null) {
        float[] image = new float[dim + 1];
        s.items.copyWeights(slot, image, 0);
        image[dim] = s.biases.bias(slot);
        images[slot] = image;
        if (capturedCount == captured.length) {
          captured = Arrays.copyOf(captured, capturedCount * 2);
        }
        captured[capturedCount++] = slot;
      }
    }
  }

  /** Copies the side-feature rows' current values, unless already copied; slots −1 are skipped. */
  void captureFeatures(int[] slots) {
    featureImages.capture(slots, s.features);
  }

  /** The feature token row in {@code slot} was evicted: its unsent change goes with it. */
  void forgetFeature(int slot) {
    featureImages.forget(slot);
  }

  /** Copies the dense weights, unless already copied since the last take. */
  void captureDense() {
    if (denseImage == null) {
      denseImage = dense();
    }
  }

  /** The item in {@code slot} was evicted: its unsent change goes with it. */
  void forget(int slot) {
    if (slot < images.length) {
      images[slot] = null;
    }
    if (slot < pendingPrior.length) {
      pendingPrior[slot] = Double.NEGATIVE_INFINITY;
    }
  }

  /**
   * The changes since the previous take (rows whose change is exactly zero left out); forgets the
   * images.
   */
  ReplicaDelta take() {
    int stride = ReplicaDelta.stride(dim);
    String[] ids = new String[capturedCount];
    float[] values = new float[capturedCount * stride];
    int n = 0;
    float[] current = new float[dim + 1];
    for (int k = 0; k < capturedCount; k++) {
      int slot = captured[k];
      float[] image = images[slot];
      if (image == null || !s.items.isLive(slot)) {
        continue; // evicted (and perhaps reused) since
      }
      images[slot] = null;
      s.items.copyWeights(slot, current, 0);
      current[dim] = s.biases.bias(slot);
      boolean moved = false;
      int base = n * stride;
      for (int j = 0; j <= dim; j++) {
        float d = current[j] - image[j];
        values[base + j] = d;
        moved |= d != 0f;
      }
      float prior = takePrior(slot);
      values[base + dim + 1] = prior;
      moved |= prior != Float.NEGATIVE_INFINITY;
      if (moved) {
        ids[n++] = s.items.idAt(slot);
      }
    }
    capturedCount = 0;
    float[] dense = null;
    if (denseImage != null) {
      float[] now = dense();
      boolean moved = false;
      for (int j = 0; j < now.length; j++) {
        now[j] -= denseImage[j];
        moved |= now[j] != 0f;
      }
      dense = moved ? now : null;
      denseImage = null;
    }
    long events = s.counters.eventsTrained() - eventsAtLastTake;
    eventsAtLastTake = s.counters.eventsTrained();
    RowImages.Changes features = featureImages.take(s.features);
    return new ReplicaDelta(
        dim,
        Arrays.copyOf(ids, n),
        Arrays.copyOf(values, n * stride),
        dense,
        events,
        s.prior.origin(),
        features.ids(),
        features.values());
  }

  /**
   * Adds another replica's delta: to existing rows, or to new rows created at their initial weights
   * (they are marked for publishing, like rows this replica trains). Does not touch recency,
   * activity or statistics: only local events do.
   *
   * @throws InvalidReplicaDeltaException when the delta's dimension or dense layout differs from
   *     this model's, or a change is not finite; nothing is applied then
   */
  void apply(ReplicaDelta delta) {
    delta.requireApplicableTo(dim, denseSize());
    s.remoteEvents += delta.events();
    int stride = ReplicaDelta.stride(dim);
    float[] values = delta.itemValues();
    for (int k = 0; k < delta.items(); k++) {
      String id = delta.itemIds()[k];
      int slot = s.items.slotOf(id);
      if (slot < 0) {
        slot = s.items.insert(id, s.itemInit.initial(id, dim), 0);
        s.biases.reset(slot);
      }
      int base = k * stride;
      float[] chunk = s.items.chunk(slot);
      int off = s.items.offset(slot);
      for (int j = 0; j < dim; j++) {
        chunk[off + j] += values[base + j];
      }
      s.biases.add(slot, values[base + dim]);
      if (values[base + dim + 1] != Float.NEGATIVE_INFINITY) {
        s.prior.addLogMass(slot, values[base + dim + 1], delta.priorOrigin());
        s.clickedItems.mark(slot); // clicked by the other replica's users: its prior moved
        s.itemFeatures.clicked(id);
      }
      if (slot < images.length && images[slot] != null) {
        float[] image = images[slot];
        for (int j = 0; j <= dim; j++) {
          image[j] += values[base + j];
        }
      }
      s.itemChanges.mark(slot);
    }
    for (int k = 0; k < delta.features(); k++) {
      String token = delta.featureIds()[k];
      int slot = s.features.slotOf(token);
      if (slot < 0) {
        slot = s.features.insert(token, s.featureInit.initial(token, dim), 0);
      }
      float[] chunk = s.features.chunk(slot);
      int off = s.features.offset(slot);
      for (int j = 0; j < dim; j++) {
        chunk[off + j] += delta.featureValues()[k * dim + j];
      }
      featureImages.add(slot, delta.featureValues(), k * dim);
      s.changedTokens.add(token);
    }
    if (delta.dense() != null) {
      float[] d = delta.dense();
      addDense(d);
      if (denseImage != null) {
        for (int j = 0; j < d.length; j++) {
          denseImage[j] += d[j];
        }
      }
      if (s.userTower.hasHead() || s.itemTower.hasHead()) {
        s.userChanges.markAll();
        s.itemChanges.markAll();
      }
    }
  }

  private int denseSize() {
    return s.userTower.headSize()
        + s.itemTower.headSize()
        + LearnedScalars.SIZE
        + (s.recencyLearner == null ? 0 : s.recencyLearner.ages())
        + (s.lossHead == null ? 0 : s.lossHead.values().length);
  }

  /**
   * Both heads' weights, the learned scalars, any learned history weights and any loss head, one
   * flat copy.
   */
  private float[] dense() {
    float[][] parts = {
      s.userTower.headValues(),
      s.itemTower.headValues(),
      s.scalars.values(),
      s.recencyLearner == null ? new float[0] : s.recencyLearner.values(),
      s.lossHead == null ? new float[0] : s.lossHead.values()
    };
    float[] out = new float[denseSize()];
    int at = 0;
    for (float[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }

  private void addDense(float[] d) {
    int u = s.userTower.headSize();
    int i = s.itemTower.headSize();
    int scalarsEnd = u + i + LearnedScalars.SIZE;
    int recencyEnd = scalarsEnd + (s.recencyLearner == null ? 0 : s.recencyLearner.ages());
    s.userTower.addToHead(Arrays.copyOfRange(d, 0, u));
    s.itemTower.addToHead(Arrays.copyOfRange(d, u, u + i));
    s.scalars.add(Arrays.copyOfRange(d, u + i, scalarsEnd));
    if (s.recencyLearner != null) {
      s.recencyLearner.add(Arrays.copyOfRange(d, scalarsEnd, recencyEnd));
    }
    if (s.lossHead != null) {
      s.lossHead.add(Arrays.copyOfRange(d, recencyEnd, d.length));
    }
  }
}
