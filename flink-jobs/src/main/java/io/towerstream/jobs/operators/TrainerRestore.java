package io.towerstream.jobs.operators;

import io.towerstream.jobs.sync.SyncLedger;
import io.towerstream.model.Interaction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * What one trainer subtask takes from the union of every old subtask's {@link TrainerCheckpoint},
 * at the same or at another parallelism:
 *
 * <ul>
 *   <li>the model's shared part from old subtask 0, the replica every new subtask starts from (the
 *       others' item changes that it had not applied yet are still in the sync topic, and arrive as
 *       deltas);
 *   <li>the pending events of the users it now owns, in each old subtask's order;
 *   <li>the highest publish sequence of any old subtask, so sequences keep increasing for keys that
 *       move;
 *   <li>the reported progress of the old subtasks {@code j ≡ this (mod new parallelism)}, so that
 *       the sum over subtasks stays the job's total;
 *   <li>old subtask 0's sync ledger as the base, and every old ledger for the deltas still owed;
 *   <li>at the same parallelism, its own old test-then-train evaluator (each subtask scores the
 *       users it owns, so after a rescale no old evaluator matches a new subtask's users: the
 *       evaluators then start again).
 * </ul>
 */
record TrainerRestore(
    byte[] sharedModel,
    List<Interaction> pendingBatch,
    long lastSequence,
    TrainerCheckpoint.Counters counters,
    SyncLedger.Saved baseLedger,
    List<SyncLedger.Saved> ledgers,
    int oldParallelism,
    byte[] evaluator) {

  /**
   * @param ownsUser whether a user's events now belong to this subtask
   * @throws IllegalStateException when the elements were written by another model version, or hold
   *     no model
   */
  static TrainerRestore of(
      List<TrainerCheckpoint> saved,
      int subtask,
      int parallelism,
      long modelVersion,
      Predicate<String> ownsUser) {
    TrainerCheckpoint base = null;
    for (TrainerCheckpoint c : saved) {
      if (c.modelVersion() != modelVersion) {
        throw new IllegalStateException(
            "the checkpoint holds model version "
                + c.modelVersion()
                + " but --model.version is "
                + modelVersion
                + ": resume with --model.version "
                + c.modelVersion()
                + ", or start the new version as a new job without restoring state");
      }
      if (c.sharedModel() != null) {
        if (base != null) {
          throw new IllegalStateException(
              "the checkpoint holds two trainer models (subtasks "
                  + base.subtask()
                  + " and "
                  + c.subtask()
                  + ")");
        }
        base = c;
      }
    }
    if (base == null) {
      throw new IllegalStateException(
          "the checkpoint holds trainer state of "
              + saved.size()
              + " subtasks but no model (subtask 0's part is missing)");
    }
    List<TrainerCheckpoint> ordered = new ArrayList<>(saved);
    ordered.sort(Comparator.comparingInt(TrainerCheckpoint::subtask));
    List<Interaction> pending = new ArrayList<>();
    long lastSequence = 0;
    TrainerCheckpoint.Counters counters = TrainerCheckpoint.Counters.ZERO;
    List<SyncLedger.Saved> ledgers = new ArrayList<>();
    byte[] evaluator = null;
    for (TrainerCheckpoint c : ordered) {
      if (c.parallelism() == parallelism && c.subtask() == subtask) {
        evaluator = c.evaluator();
      }
      for (Interaction i : c.pendingBatch()) {
        if (ownsUser.test(i.userId())) {
          pending.add(i);
        }
      }
      lastSequence = Math.max(lastSequence, c.lastSequence());
      if (c.subtask() % parallelism == subtask) {
        counters = counters.plus(c.counters());
      }
      ledgers.add(c.sync());
    }
    return new TrainerRestore(
        base.sharedModel(),
        pending,
        lastSequence,
        counters,
        base.sync(),
        ledgers,
        base.parallelism(),
        evaluator);
  }
}
