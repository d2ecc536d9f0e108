package io.towerstream.benchmarks.store;

import io.towerstream.benchmarks.store.data.ItemUpdate;
import java.util.List;

/** What the churn phase writes to: a side that applies updates and can be asked when one shows. */
interface ChurnTarget {
  /** Applies one batch of updates, as the side's writer would. */
  void apply(List<ItemUpdate> batch) throws Exception;

  /**
   * Returns once a top-1 query by the dot product alone for {@code probe}'s vector finds {@code
   * probe}'s item (its own vector is its best match, whatever the other items' biases).
   */
  void awaitVisible(ItemUpdate probe) throws Exception;
}
