package io.towerstream.jobs.operators;

import io.towerstream.schemas.avro.TrainerStatus;
import java.time.Instant;
import java.util.TreeMap;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Turns the trainer subtasks' statuses ({@code (subtask, status)}) into one job-level status per
 * incoming status ({@link StatusMerge}), so that the status topic keeps one record per model
 * version whatever the parallelism. Runs with parallelism 1 and keeps no state: every subtask
 * reports every publish interval, so a restarted aggregator is complete again within one interval.
 * Sequences are {@code max(last + 1, the incoming status's)}: no clock, and above every sequence of
 * a lost run once the trainers' are (see {@link TrainerOperator}).
 */
public final class StatusAggregator extends AbstractStreamOperator<TrainerStatus>
    implements OneInputStreamOperator<Tuple2<Integer, TrainerStatus>, TrainerStatus> {
  private static final long serialVersionUID = 1L;
  private final int trainers;
  private transient TreeMap<Integer, TrainerStatus> latest;
  private transient long lastSequence;

  /**
   * @param trainers the trainer parallelism: statuses of higher subtask indexes (an older run's)
   *     are ignored
   */
  public StatusAggregator(int trainers) {
    this.trainers = trainers;
  }

  @Override
  public void open() throws Exception {
    super.open();
    latest = new TreeMap<>();
  }

  @Override
  public void processElement(StreamRecord<Tuple2<Integer, TrainerStatus>> record) {
    int subtask = record.getValue().f0;
    if (subtask >= trainers) {
      return;
    }
    TrainerStatus status = record.getValue().f1;
    latest.put(subtask, status);
    long now = System.currentTimeMillis();
    lastSequence = Math.max(lastSequence + 1, status.getSequence());
    output.collect(
        new StreamRecord<>(
            StatusMerge.merge(latest.values(), lastSequence, Instant.ofEpochMilli(now))));
  }
}
