package io.towerstream.model.eval;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One EASE fit as a nightly-refitted item-item model serves it: the weights fixed at the fit, each
 * user's score row {@code x_u·B} following the user's live clicks (a click on an item the fit knows
 * adds that item's row). Items first seen after the fit score 0. Rows are built on first use and
 * kept until the fit is replaced. Not thread-safe.
 */
final class LiveEase {
  private final int n;
  private final float[] b;
  private final Map<String, float[]> rows = new HashMap<>();

  private LiveEase(int n, float[] b) {
    this.n = n;
    this.b = b;
  }

  /**
   * Fits on every user's items so far (binary: a repeated click counts once) over the first {@code
   * n} items.
   */
  static LiveEase fit(Map<String, Set<Integer>> users, int n, double lambda) {
    double[] gram = new double[n * n];
    int[] ix = new int[16];
    for (Set<Integer> history : users.values()) {
      if (ix.length < history.size()) {
        ix = new int[history.size() * 2];
      }
      int m = 0;
      for (int i : history) {
        if (i < n) {
          ix[m++] = i;
        }
      }
      for (int p = 0; p < m; p++) {
        int row = ix[p] * n;
        for (int q = 0; q < m; q++) {
          gram[row + ix[q]] += 1;
        }
      }
    }
    return new LiveEase(n, EaseFit.weights(gram, n, lambda));
  }

  /** Items the fit covers. */
  int items() {
    return n;
  }

  /**
   * The user's scores over {@code known} items ({@code known ≥} {@link #items()}: later items score
   * 0), from their {@code history} before the batch. A fresh array.
   */
  float[] scores(String user, Set<Integer> history, int known) {
    float[] row = rows.get(user);
    if (row == null) {
      row = new float[n];
      if (history != null) {
        for (int i : history) {
          add(row, i);
        }
      }
      rows.put(user, row);
    }
    return known == n ? row.clone() : Arrays.copyOf(row, known);
  }

  /** The user clicked item {@code i} for the first time: their row, if built, gains its weights. */
  void clicked(String user, int i) {
    float[] row = rows.get(user);
    if (row != null) {
      add(row, i);
    }
  }

  private void add(float[] row, int i) {
    if (i >= n) {
      return;
    }
    int off = i * n;
    for (int j = 0; j < n; j++) {
      row[j] += b[off + j];
    }
  }
}
