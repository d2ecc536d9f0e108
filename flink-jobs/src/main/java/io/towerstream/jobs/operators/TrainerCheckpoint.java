package io.towerstream.jobs.operators;

import io.towerstream.jobs.sync.SyncLedger;
import io.towerstream.model.Interaction;
import io.towerstream.model.snapshot.DataStrings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One trainer subtask's part of a checkpoint, as an element of the trainer's union list state:
 * every subtask of the restored job reads every element, which is what lets a job restore at
 * another parallelism. User rows are not here (they are in keyed state); the model's shared part
 * (item rows, tower weights, samplers, …) is, in subtask 0's element only, since every replica
 * restores from the same one. A versioned binary format.
 *
 * @param subtask the writer's subtask index
 * @param parallelism the writer's trainer parallelism
 * @param pendingBatch events received but not yet trained, in arrival order
 * @param counters the writer's reported progress (summed over subtasks in the published status)
 * @param sync the writer's sync ledger
 * @param sharedModel {@code OnlineModel.snapshotWithoutUsers()} of subtask 0; null in the other
 *     elements
 * @param evaluator the writer's {@code PrequentialEvaluator.snapshot()}; null when test-then-train
 *     was off (and in format 2, which did not keep it)
 */
record TrainerCheckpoint(
    long modelVersion,
    int subtask,
    int parallelism,
    long lastSequence,
    List<Interaction> pendingBatch,
    Counters counters,
    SyncLedger.Saved sync,
    byte[] sharedModel,
    byte[] evaluator) {
  /**
   * Version 1 was the single-owner trainer's (one model snapshot in plain operator state); version
   * 2 is version 3 without the evaluator.
   */
  static final int FORMAT_VERSION = 3;

  /** Progress a subtask reports: events trained, batches, skipped batches. */
  record Counters(long events, long batches, long skipped) {
    static final Counters ZERO = new Counters(0, 0, 0);

    Counters plus(Counters o) {
      return new Counters(events + o.events, batches + o.batches, skipped + o.skipped);
    }

    Counters minus(Counters o) {
      return new Counters(events - o.events, batches - o.batches, skipped - o.skipped);
    }
  }

  byte[] encode() {
    ByteArrayOutputStream bytes =
        new ByteArrayOutputStream(
            256
                + pendingBatch.size() * 48
                + (sharedModel == null ? 0 : sharedModel.length)
                + (evaluator == null ? 0 : evaluator.length));
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(FORMAT_VERSION);
      out.writeLong(modelVersion);
      out.writeInt(subtask);
      out.writeInt(parallelism);
      out.writeLong(lastSequence);
      out.writeInt(pendingBatch.size());
      for (Interaction i : pendingBatch) {
        DataStrings.write(out, i.userId());
        DataStrings.write(out, i.itemId());
        out.writeFloat(i.weight());
        out.writeLong(i.eventTimeMillis());
      }
      out.writeLong(counters.events());
      out.writeLong(counters.batches());
      out.writeLong(counters.skipped());
      sync.writeTo(out);
      out.writeBoolean(sharedModel != null);
      if (sharedModel != null) {
        out.writeInt(sharedModel.length);
        out.write(sharedModel);
      }
      out.writeBoolean(evaluator != null);
      if (evaluator != null) {
        out.writeInt(evaluator.length);
        out.write(evaluator);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode the trainer checkpoint", e);
    }
    return bytes.toByteArray();
  }

  static TrainerCheckpoint decode(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int version = in.readInt();
      if (version == 1) {
        throw new IllegalStateException(
            "the checkpoint was written by the single-owner trainer (trainer state "
                + "format 1), which this job cannot restore: start the sharded trainer as a new job with a new "
                + "--model.version, without restoring state");
      }
      if (version != 2 && version != FORMAT_VERSION) {
        throw new IllegalStateException(
            "trainer checkpoint has format version "
                + version
                + ", this job reads versions 2 and "
                + FORMAT_VERSION);
      }
      long modelVersion = in.readLong();
      int subtask = in.readInt();
      int parallelism = in.readInt();
      long lastSequence = in.readLong();
      int n = in.readInt();
      List<Interaction> pending = new ArrayList<>(n);
      for (int k = 0; k < n; k++) {
        pending.add(
            new Interaction(
                DataStrings.read(in), DataStrings.read(in), in.readFloat(), in.readLong()));
      }
      Counters counters = new Counters(in.readLong(), in.readLong(), in.readLong());
      SyncLedger.Saved sync = SyncLedger.Saved.readFrom(in);
      byte[] shared = null;
      if (in.readBoolean()) {
        shared = new byte[in.readInt()];
        in.readFully(shared);
      }
      byte[] evaluator = null;
      if (version >= 3 && in.readBoolean()) {
        evaluator = new byte[in.readInt()];
        in.readFully(evaluator);
      }
      return new TrainerCheckpoint(
          modelVersion,
          subtask,
          parallelism,
          lastSequence,
          pending,
          counters,
          sync,
          shared,
          evaluator);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decode the trainer checkpoint", e);
    }
  }
}
