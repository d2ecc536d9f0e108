package io.towerstream.model.tables;

import io.towerstream.model.optim.RowwiseAdagrad;
import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import java.util.Arrays;

/**
 * A learned logit bias per item ({@code logit = u·v/τ + b_item − logQ}), addressed by item table
 * slot. An L2-normalised dot product cannot say "this item is clicked by everyone right now"
 * without spending a direction of every user vector on it; a scalar per item can, and trained
 * online it follows the item's current popularity. Stored as {@code [b, accumulator]} pairs so the
 * row-wise Adagrad update applies unchanged. Not thread-safe.
 */
public final class ItemBiasTable {
  private float[] rows = new float[32];

  /** The bias of the item in {@code slot}; 0 before it is trained. */
  public float bias(int slot) {
    return 2 * slot < rows.length ? rows[2 * slot] : 0f;
  }

  /** Applies {@code scale · grads[k]} to each {@code slots[k] >= 0} with Adagrad. */
  public void apply(RowwiseAdagrad optimizer, int[] slots, float[] grads, float scale) {
    for (int k = 0; k < slots.length; k++) {
      if (slots[k] >= 0) {
        ensure(slots[k]);
        optimizer.update(rows, 2 * slots[k], 1, grads, k, scale);
      }
    }
  }

  /** Adds {@code delta} to the item's bias (another replica's change); the accumulator stays. */
  public void add(int slot, float delta) {
    if (delta != 0f) {
      ensure(slot);
      rows[2 * slot] += delta;
    }
  }

  /** Forgets an evicted item's bias and accumulator. */
  public void reset(int slot) {
    if (2 * slot < rows.length) {
      rows[2 * slot] = 0f;
      rows[2 * slot + 1] = 0f;
    }
  }

  public void writeTo(SnapshotWriter out, int items) {
    out.writeInt(items);
    for (int slot = 0; slot < items; slot++) {
      out.writeFloat(bias(slot)).writeFloat(2 * slot + 1 < rows.length ? rows[2 * slot + 1] : 0f);
    }
  }

  public static ItemBiasTable readFrom(SnapshotReader in, int items) {
    int n = in.readLength(8);
    SnapshotReader.check(n == items, "item biases cover " + n + " items, the item table " + items);
    ItemBiasTable t = new ItemBiasTable();
    t.ensure(Math.max(0, n - 1));
    for (int k = 0; k < 2 * n; k++) {
      t.rows[k] = in.readFloat();
    }
    return t;
  }

  private void ensure(int slot) {
    if (2 * slot + 1 >= rows.length) {
      rows = Arrays.copyOf(rows, Math.max(2 * slot + 2, rows.length * 2));
    }
  }
}
