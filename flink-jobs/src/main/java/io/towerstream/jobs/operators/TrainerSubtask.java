package io.towerstream.jobs.operators;

import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * Which trainer subtask this is, of how many, in which attempt; and which keys it owns, as Flink
 * assigns keys to subtasks (by key group), so that a subtask can tell its own users after a rescale
 * and one subtask publishes each item.
 */
record TrainerSubtask(int index, int parallelism, int maxParallelism, int attempt) {

  /** Whether Flink would route {@code key} to this subtask. */
  boolean owns(String key) {
    return KeyGroupRangeAssignment.assignKeyToParallelOperator(key, maxParallelism, parallelism)
        == index;
  }

  /** Whether several replicas train and keep each other in step. */
  boolean replicated() {
    return parallelism > 1;
  }
}
