package io.towerstream.jobs.operators;

import java.util.OptionalLong;

/**
 * The {@code sequence} and {@code checkpointEpoch} a trainer subtask stamps on what it publishes,
 * and whether it may publish yet.
 *
 * <p>No clock enters a sequence: its high 32 bits are the <em>sequence epoch</em> ({@value
 * #EPOCH_OFFSET} plus the id of the last checkpoint whose barrier this run has seen, plus one), its
 * low bits count the publishes of that epoch. The last sequence is checkpointed and taken over on
 * restore (the highest of every old subtask), so sequences increase within a run and for keys that
 * move to another subtask.
 *
 * <p>A run that may follow a lost one (restored, or a later attempt) publishes nothing until its
 * first checkpoint barrier: Flink's checkpoint ids only grow, so that barrier's id is above every
 * id the lost run saw, and everything the new run publishes sorts above everything the lost run
 * did, even the updates it published after its last completed checkpoint, whatever the machines'
 * clocks say. The wait costs nothing under exactly-once delivery, where those records are committed
 * by that checkpoint anyway.
 *
 * <p>The checkpoint epoch is the id of the checkpoint whose completion commits what is published
 * now (the last checkpoint taken or restored, plus one), so a reader can tell which updates a
 * restore may replay.
 */
final class PublishSequence {
  /**
   * Added to every sequence epoch, so that each sequence ({@code epoch << 32} and up, at least
   * 2<sup>42</sup>) lies above the wall-clock milliseconds earlier versions stamped (until 2109): a
   * job restored from their checkpoints supersedes what they published.
   */
  static final long EPOCH_OFFSET = 1024;

  private long last;

  /** The high part of the next sequences: the last checkpoint barrier's id plus one, 0 before. */
  private long epoch;

  private boolean withheld;
  private long checkpointEpoch;

  /**
   * @param last the highest sequence the restored subtasks published (0 on a fresh start)
   * @param restoredCheckpoint the checkpoint this run restored, if any
   * @param withheld whether this run may follow a lost one, and so waits for its first barrier
   */
  PublishSequence(long last, OptionalLong restoredCheckpoint, boolean withheld) {
    this.last = last;
    this.withheld = withheld;
    this.checkpointEpoch = restoredCheckpoint.orElse(0) + 1;
  }

  /** Whether publishing waits for the first checkpoint barrier. */
  boolean withheld() {
    return withheld;
  }

  /**
   * A checkpoint barrier is about to go out. Returns true when it is the first of a run that
   * withheld its publishes: what waited is due now, before the barrier, so that this checkpoint
   * commits it.
   */
  boolean barrier(long checkpointId) {
    epoch = Math.max(epoch, checkpointId + 1);
    boolean released = withheld;
    withheld = false;
    return released;
  }

  /**
   * A checkpoint's state was taken: its barrier goes out next, so what follows is the next
   * transaction's.
   */
  void checkpointTaken(long checkpointId) {
    checkpointEpoch = checkpointId + 1;
  }

  /** A fresh sequence for the next publish. */
  long next() {
    last = Math.max(last + 1, (EPOCH_OFFSET + epoch) << 32);
    return last;
  }

  /** The last sequence published (or taken over on restore). */
  long last() {
    return last;
  }

  long checkpointEpoch() {
    return checkpointEpoch;
  }
}
