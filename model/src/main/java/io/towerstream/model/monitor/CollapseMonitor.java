package io.towerstream.model.monitor;

import io.towerstream.model.Interaction;
import io.towerstream.model.OnlineModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Watches a trained model for collapse: remembers the last {@code capacity} trained (user, item)
 * pairs and measures {@link CollapseMetrics} over them and their distinct items (the items serving
 * is about), each time it is asked. A measure of {@code capacity} = 256 items of dimension 64 takes
 * about 2 M multiply-adds: cheap enough for every publish. Not thread-safe: the model's owner calls
 * it.
 */
public final class CollapseMonitor {
  private final String[] users;
  private final String[] items;
  private int next;
  private int size;

  public CollapseMonitor(int capacity) {
    if (capacity < 2) {
      throw new IllegalArgumentException("capacity must be at least 2, was " + capacity);
    }
    users = new String[capacity];
    items = new String[capacity];
  }

  /** Remembers the batch's pairs; the oldest fall out. Does not modify the batch. */
  public void observe(List<Interaction> batch) {
    for (Interaction i : batch) {
      users[next] = i.userId();
      items[next] = i.itemId();
      next = (next + 1) % users.length;
      size = Math.min(size + 1, users.length);
    }
  }

  /** The metrics of the model's current vectors for the remembered pairs; reads the model only. */
  public CollapseMetrics measure(OnlineModel model) {
    if (size == 0) {
      return CollapseMetrics.NONE;
    }
    List<String> pairUsers = new ArrayList<>(size);
    Map<String, Integer> rowOf = new LinkedHashMap<>();
    int[] pairRows = new int[size];
    for (int k = 0; k < size; k++) {
      pairUsers.add(users[k]);
      pairRows[k] = rowOf.computeIfAbsent(items[k], id -> rowOf.size());
    }
    List<String> itemIds = new ArrayList<>(rowOf.keySet());
    float[] all = model.itemVectors(itemIds); // once per distinct item; the pairs copy their rows
    float[] u = model.userVectors(pairUsers);
    int dim = all.length / itemIds.size();
    if (dim == 0) {
      return CollapseMetrics.NONE;
    }
    float[] v = new float[size * dim];
    for (int k = 0; k < size; k++) {
      System.arraycopy(all, pairRows[k] * dim, v, k * dim, dim);
    }
    // rows of users or items evicted since they trained come back as zero rows: leave them out
    int pairs = compactPairs(u, v, size, dim);
    int n = compact(all, itemIds.size(), dim);
    return CollapseMeasure.of(all, n, u, v, pairs, dim);
  }

  /** Moves the rows where both sides are non-zero to the front; returns how many. */
  private static int compactPairs(float[] u, float[] v, int rows, int dim) {
    int kept = 0;
    for (int r = 0; r < rows; r++) {
      if (nonZero(u, r, dim) && nonZero(v, r, dim)) {
        System.arraycopy(u, r * dim, u, kept * dim, dim);
        System.arraycopy(v, r * dim, v, kept * dim, dim);
        kept++;
      }
    }
    return kept;
  }

  private static int compact(float[] x, int rows, int dim) {
    int kept = 0;
    for (int r = 0; r < rows; r++) {
      if (nonZero(x, r, dim)) {
        System.arraycopy(x, r * dim, x, kept * dim, dim);
        kept++;
      }
    }
    return kept;
  }

  private static boolean nonZero(float[] x, int row, int dim) {
    for (int i = row * dim; i < (row + 1) * dim; i++) {
      if (x[i] != 0) {
        return true;
      }
    }
    return false;
  }
}
