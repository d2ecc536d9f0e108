package io.towerstream.jobs.operators;

import io.towerstream.jobs.sync.ModelDeltas;
import io.towerstream.jobs.sync.ReplicaFingerprint;
import io.towerstream.jobs.sync.SyncLedger;
import io.towerstream.model.InvalidReplicaDeltaException;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.ReplicaDelta;
import io.towerstream.schemas.avro.DeadLetter;
import io.towerstream.schemas.avro.ModelDelta;
import java.time.Instant;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one subtask's replica of the shared model (item rows, tower weights) in step with the other
 * subtasks': sends what it changed as deltas, adds theirs as its {@link SyncLedger} admits them
 * (each once; its own, and those of another model version or of an abandoned run, are dropped), and
 * takes the {@link ReplicaFingerprint} of its items when the subtask is idle. With one subtask
 * nothing is sent and no fingerprint is taken.
 *
 * <p><b>Bad deltas.</b> A delta the model refuses (parts of disagreeing lengths, another dimension
 * or dense layout, a change that is not finite: {@link ReplicaDelta#requireApplicableTo}) is
 * skipped whole, before any of it is added, and counted ({@code deltasRejected}); training goes on.
 * Every subtask gets every delta and judges it alike, so one of them, the sender's successor,
 * dead-letters it, once. The replicas then lack that sender's change for good, as they would after
 * a lost delta.
 *
 * <p>Not thread-safe: the task thread calls it.
 */
final class ReplicaSync {
  /** The trainer's logger: its lines keep one name, whichever part of it writes them. */
  private static final Logger LOG = LoggerFactory.getLogger(TrainerOperator.class);

  private final OnlineModel model;
  private final SyncLedger ledger;
  private final TrainerSubtask subtask;
  private final long modelVersion;

  /** The sync topic's name, for the dead letters of refused deltas. */
  private final String syncTopic;

  private final TrainerMetrics metrics;
  private final Consumer<ModelDelta> deltasOut;
  private final Consumer<DeadLetter> deadLetters;

  /** Null with one subtask. */
  private final ReplicaFingerprint fingerprint;

  private double lastFingerprint = Double.NaN;

  /**
   * Follows {@code model} from now on (which must {@link OnlineModel#trackReplicaDelta track its
   * changes} with several subtasks).
   *
   * @param deltasOut takes this subtask's deltas, for the other replicas
   * @param deadLetters takes the refused deltas this subtask reports
   */
  ReplicaSync(
      OnlineModel model,
      SyncLedger ledger,
      TrainerSubtask subtask,
      long modelVersion,
      String syncTopic,
      TrainerMetrics metrics,
      Consumer<ModelDelta> deltasOut,
      Consumer<DeadLetter> deadLetters) {
    this.model = model;
    this.ledger = ledger;
    this.subtask = subtask;
    this.modelVersion = modelVersion;
    this.syncTopic = syncTopic;
    this.metrics = metrics;
    this.deltasOut = deltasOut;
    this.deadLetters = deadLetters;
    this.fingerprint = subtask.replicated() ? new ReplicaFingerprint(model) : null;
  }

  /** Sends this replica's item and tower changes since the last delta, for the other replicas. */
  void send() {
    if (!subtask.replicated()) {
      return;
    }
    for (ModelDelta record :
        ModelDeltas.toRecords(
            model.takeReplicaDelta(),
            ledger,
            subtask.index(),
            modelVersion,
            Instant.ofEpochMilli(System.currentTimeMillis()))) {
      deltasOut.accept(record);
      metrics.deltaSent();
    }
  }

  /** Adds a delta of the sync topic to the replica, if the ledger admits it and the model can. */
  void receive(ModelDelta delta) {
    if (delta.getModelVersion() != modelVersion) {
      metrics.deltaDropped(); // another model generation shares the topic
      return;
    }
    SyncLedger.Verdict verdict =
        ledger.accept(delta.getOrigin(), delta.getGeneration(), delta.getSequence());
    if (verdict == SyncLedger.Verdict.APPLY) {
      try {
        model.applyReplicaDelta(ModelDeltas.fromRecord(delta));
      } catch (InvalidReplicaDeltaException e) {
        reject(delta, e.getMessage());
        return;
      }
      metrics.deltaApplied(delta.getProducedAt().toEpochMilli());
    } else if (verdict != SyncLedger.Verdict.OWN) {
      metrics.deltaDropped();
    }
  }

  /**
   * Counts a delta the model refused (nothing of it was applied) and, on one subtask, dead-letters
   * it.
   */
  private void reject(ModelDelta delta, String problem) {
    metrics.deltaRejected();
    String reason =
        "model delta "
            + delta.getOrigin()
            + "/"
            + delta.getSequence()
            + " of subtask "
            + delta.getSubtask()
            + " refused: "
            + problem;
    LOG.warn("Trainer {}/{}: {}", subtask.index(), subtask.parallelism(), reason);
    // the sender's successor: a subtask other than the sender, which drops its own deltas unread
    if (subtask.index() == Math.floorMod(delta.getSubtask() + 1, subtask.parallelism())) {
      deadLetters.accept(
          ModelDeltas.deadLetter(delta, syncTopic, reason, System.currentTimeMillis()));
    }
  }

  /**
   * The subtask trained nothing since its last publish: takes the fingerprint of its items (with
   * several subtasks), and logs it when it changed.
   */
  void idle() {
    if (fingerprint == null) {
      return;
    }
    // only when idle: while it trains, a replica's items are ahead of the others' anyway, and
    // after a change of the tower weights the fingerprint costs a pass over every item
    double taken = fingerprint.update();
    if (Double.compare(taken, lastFingerprint) != 0) {
      // TwoTrainerKillITCase reads this line from the TaskManagers' logs: keep its format
      LOG.info(
          "Trainer {}/{} (attempt {}) idle: replica fingerprint {} over {} items",
          subtask.index(),
          subtask.parallelism(),
          subtask.attempt(),
          taken,
          model.stats().items());
    }
    lastFingerprint = taken;
    metrics.replicaFingerprint(taken);
  }

  /** The ledger's state, for a checkpoint. */
  SyncLedger.Saved save() {
    return ledger.save();
  }
}
