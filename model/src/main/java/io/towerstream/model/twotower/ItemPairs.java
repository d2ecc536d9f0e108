package io.towerstream.model.twotower;

import io.towerstream.model.loss.ItemPairLoss;
import io.towerstream.model.loss.LossGradients;
import io.towerstream.model.nd.NdArrays;
import io.towerstream.model.tables.BatchLookup;
import java.util.Arrays;

/**
 * One step's item–item views: each of the {@code window} latest distinct items a user clicked
 * before an event (other than the event's own item) is an anchor, and the event's item its
 * positive. The earlier clicks are the event's pooled history (the user's stored items, then their
 * earlier events in this batch that already have a row), so pairing draws nothing at random and
 * needs no state beyond what the snapshot holds. The anchors are appended to the step's candidate
 * positions after the reservoir negatives, so they go through the item tower (and into the item
 * table's update) like any other column.
 */
final class ItemPairs {
  static final ItemPairs NONE = new ItemPairs(new int[0], 0);

  /** Per anchor, the event (row) whose item is its positive, ascending. */
  private final int[] events;

  /** The candidate position of the first anchor; the others follow it. */
  private final int firstPosition;

  private ItemPairs(int[] events, int firstPosition) {
    this.events = events;
    this.firstPosition = firstPosition;
  }

  /**
   * Finds each event's anchors and appends them to {@code items}. Reads the tables only.
   *
   * @param events the step's events, rows {@code 0..events−1} of {@code items} and of {@code
   *     poolOffsets}
   * @param pooled the rows' pooled history positions, newest last within a row
   */
  static ItemPairs plan(
      int events, BatchLookup items, BatchLookup pooled, int[] poolOffsets, int window) {
    int[] anchored = new int[events * Math.min(window, 8)];
    int[] anchorSlots = new int[anchored.length];
    int[] recent = new int[window];
    int count = 0;
    for (int r = 0; r < events; r++) {
      int own = items.slotBefore(items.distinctOf(r)); // −1 for an item new in this batch
      int found = 0;
      for (int p = poolOffsets[r + 1] - 1; p >= poolOffsets[r] && found < window; p--) {
        int slot = pooled.slotBefore(pooled.distinctOf(p));
        if (slot != own && !contains(recent, found, slot)) {
          recent[found++] = slot;
        }
      }
      if (anchored.length < count + found) {
        anchored = Arrays.copyOf(anchored, 2 * (count + found));
        anchorSlots = Arrays.copyOf(anchorSlots, anchored.length);
      }
      for (int k = 0; k < found; k++) {
        anchored[count] = r;
        anchorSlots[count++] = recent[k];
      }
    }
    int first = items.positions();
    for (int a = 0; a < count; a++) {
      items.addExisting(anchorSlots[a]);
    }
    return new ItemPairs(Arrays.copyOf(anchored, count), first);
  }

  /** How many pairs this step trains. */
  int count() {
    return events.length;
  }

  /** The event whose item is anchor {@code a}'s positive; ascending in {@code a}. */
  int event(int a) {
    return events[a];
  }

  /** The candidate position of anchor {@code a}. */
  int position(int a) {
    return firstPosition + a;
  }

  /**
   * The item–item loss over the step's item tower outputs, its gradient times {@code weight} added
   * into {@code dOut}: each anchor against the positives of every event (its own first) and the
   * reservoir negatives, without log-Q (with it the sparse long-tail stream's next-click HR@10 was
   * lower: it pushes the rare items, the ones the views are for, harder away from every anchor).
   * Call inside an ND4J workspace; modifies only {@code dOut}.
   *
   * @param out the outputs of every candidate position, row {@code p} at {@code p·width}, the first
   *     {@code dim} entries used
   * @param dOut their gradient, in the same layout
   * @param events the events, positions {@code 0..events−1}
   * @param drawsFrom the first reservoir negative's position
   * @param draws how many reservoir negatives follow it
   * @param rowWeights per event
   * @param keys item key per position
   * @return {@code weight} times the loss
   */
  double addGradient(
      float[] out,
      float[] dOut,
      int width,
      int dim,
      int events,
      int drawsFrom,
      int draws,
      float[] rowWeights,
      int[] keys,
      double temperature,
      double weight) {
    int anchors = count();
    int[] columns = candidateColumns(events, drawsFrom, draws);
    int[] anchorPositions = new int[anchors];
    float[] w = new float[anchors];
    for (int a = 0; a < anchors; a++) {
      anchorPositions[a] = position(a);
      w[a] = rowWeights[this.events[a]];
    }
    int[] candidateKeys = new int[columns.length];
    for (int j = 0; j < columns.length; j++) {
      candidateKeys[j] = keys[columns[j]];
    }
    int[] anchorKeys = new int[anchors];
    for (int a = 0; a < anchors; a++) {
      anchorKeys[a] = keys[anchorPositions[a]];
    }
    LossGradients g =
        ItemPairLoss.compute(
            NdArrays.floatMatrix(gather(out, width, dim, anchorPositions), anchors, dim),
            NdArrays.floatMatrix(gather(out, width, dim, columns), columns.length, dim),
            null,
            NdArrays.floatMatrix(w, 1, anchors),
            candidateKeys,
            anchorKeys,
            temperature);
    scatterAdd(NdArrays.toFloats(g.dUsers()), anchorPositions, dOut, width, dim, weight);
    scatterAdd(NdArrays.toFloats(g.dCandidates()), columns, dOut, width, dim, weight);
    return weight * g.loss();
  }

  /** The anchored events (each anchor's positive, in anchor order), the other events, the draws. */
  private int[] candidateColumns(int eventCount, int drawsFrom, int draws) {
    int[] columns = new int[events.length + eventCount + draws];
    boolean[] anchored = new boolean[eventCount];
    int n = 0;
    for (int e : events) {
      columns[n++] = e;
      anchored[e] = true;
    }
    for (int e = 0; e < eventCount; e++) {
      if (!anchored[e]) {
        columns[n++] = e;
      }
    }
    for (int d = 0; d < draws; d++) {
      columns[n++] = drawsFrom + d;
    }
    return Arrays.copyOf(columns, n);
  }

  private static float[] gather(float[] rows, int width, int dim, int[] positions) {
    float[] g = new float[positions.length * dim];
    for (int k = 0; k < positions.length; k++) {
      System.arraycopy(rows, positions[k] * width, g, k * dim, dim);
    }
    return g;
  }

  private static void scatterAdd(
      float[] src, int[] positions, float[] dst, int width, int dim, double weight) {
    for (int k = 0; k < positions.length; k++) {
      int from = k * dim;
      int to = positions[k] * width;
      for (int j = 0; j < dim; j++) {
        dst[to + j] += (float) (weight * src[from + j]);
      }
    }
  }

  private static boolean contains(int[] a, int n, int v) {
    for (int k = 0; k < n; k++) {
      if (a[k] == v) {
        return true;
      }
    }
    return false;
  }
}
