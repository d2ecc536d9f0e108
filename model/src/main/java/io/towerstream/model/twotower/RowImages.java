package io.towerstream.model.twotower;

import io.towerstream.model.tables.IdTable;
import java.util.Arrays;

/**
 * Before-images of the rows of one table that changed since the last {@link #take}, for the
 * replicas' deltas: {@link #take} hands out {@code current − image} of every live row whose change
 * is not exactly zero. Used for the side-feature token rows (the item rows carry more per row and
 * keep their own, in {@link ReplicaTracker}).
 */
final class RowImages {
  private float[][] images = new float[0][];
  private int[] captured = new int[64];
  private int capturedCount;

  /** The changed rows' ids and their changes, {@code dim} floats each. */
  record Changes(String[] ids, float[] values) {}

  /** Copies each row's values unless already copied since the last take; slots −1 are skipped. */
  void capture(int[] slots, IdTable table) {
    for (int slot : slots) {
      if (slot < 0) {
        continue;
      }
      if (slot >= images.length) {
        images = Arrays.copyOf(images, Math.max(slot + 1, Math.max(64, images.length * 2)));
      }
      if (images[slot] == null) {
        float[] image = new float[table.dim()];
        table.copyWeights(slot, image, 0);
        images[slot] = image;
        if (capturedCount == captured.length) {
          captured = Arrays.copyOf(captured, capturedCount * 2);
        }
        captured[capturedCount++] = slot;
      }
    }
  }

  /**
   * A remote change was added to the row in {@code slot}: its image moves too, so it is not sent
   * back.
   */
  void add(int slot, float[] change, int off) {
    if (slot < images.length && images[slot] != null) {
      float[] image = images[slot];
      for (int j = 0; j < image.length; j++) {
        image[j] += change[off + j];
      }
    }
  }

  void forget(int slot) {
    if (slot < images.length) {
      images[slot] = null;
    }
  }

  Changes take(IdTable table) {
    int dim = table.dim();
    String[] ids = new String[capturedCount];
    float[] values = new float[capturedCount * dim];
    float[] current = new float[dim];
    int n = 0;
    for (int k = 0; k < capturedCount; k++) {
      int slot = captured[k];
      float[] image = images[slot];
      if (image == null || !table.isLive(slot)) {
        continue; // evicted (and perhaps reused) since
      }
      images[slot] = null;
      table.copyWeights(slot, current, 0);
      boolean moved = false;
      for (int j = 0; j < dim; j++) {
        float d = current[j] - image[j];
        values[n * dim + j] = d;
        moved |= d != 0f;
      }
      if (moved) {
        ids[n++] = table.idAt(slot);
      }
    }
    capturedCount = 0;
    return new Changes(Arrays.copyOf(ids, n), Arrays.copyOf(values, n * dim));
  }
}
