package io.towerstream.jobs.sync;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which replica deltas a trainer subtask has applied, and which it must never apply: the
 * bookkeeping that makes the sync topic exactly-once although it is written at-least-once and read
 * from the start of a checkpoint.
 *
 * <p>Every trainer instance sends as a fresh random <em>origin</em>, numbering its deltas 1, 2, 3,
 * …, and stamps them with the <em>generation</em> of the run it belongs to (job id, attempt,
 * restored checkpoint). A delta is applied when
 *
 * <ul>
 *   <li>its origin is one the restored checkpoint knew (a sender from before the restore) and its
 *       sequence lies above what this replica's base had applied and at most at what the sender had
 *       sent when the checkpoint was taken: deltas sent after that barrier describe state the
 *       restore rolled back, and are orphans;
 *   <li>or its generation is this run's (a sibling started by the same restore) and its sequence is
 *       new.
 * </ul>
 *
 * Everything else is a repeat (redelivery), this replica's own delta coming back, or an orphan of
 * an abandoned run. Entries of restored origins are dropped once everything they sent has been
 * applied. Not thread-safe.
 */
public final class SyncLedger {
  /** What {@link #accept} decided about one delta. */
  public enum Verdict {
    APPLY,
    OWN,
    REPEAT,
    ORPHAN
  }

  private final long origin;
  private final long generation;
  private long sent;

  /** Highest sequence applied per origin (restored ones, then siblings). */
  private final Map<Long, Long> applied;

  /** Restored origins still owed deltas: the highest sequence they may send. */
  private final Map<Long, Long> limits;

  private long gaps;

  private SyncLedger(
      long origin, long generation, Map<Long, Long> applied, Map<Long, Long> limits) {
    this.origin = origin;
    this.generation = generation;
    this.applied = applied;
    this.limits = limits;
  }

  /** A ledger for a subtask without restored state. */
  public static SyncLedger fresh(long origin, long generation) {
    return new SyncLedger(origin, generation, new HashMap<>(), new HashMap<>());
  }

  /**
   * A ledger for a subtask restored from {@code saved} (one per old subtask), whose replica is the
   * one {@code base} saved: it has applied what {@code base} had, and everything {@code base} sent
   * itself.
   */
  public static SyncLedger restored(long origin, long generation, Saved base, List<Saved> saved) {
    Map<Long, Long> limits = new HashMap<>();
    for (Saved s : saved) {
      limits.merge(s.origin, s.sent, Math::max);
      s.limits.forEach((o, limit) -> limits.merge(o, limit, Math::max));
    }
    Map<Long, Long> applied = new HashMap<>(base.applied);
    applied.merge(base.origin, base.sent, Math::max);
    SyncLedger ledger = new SyncLedger(origin, generation, applied, limits);
    ledger.closeConsumed();
    return ledger;
  }

  public long origin() {
    return origin;
  }

  public long generation() {
    return generation;
  }

  /** The sequence of this subtask's next delta (and counts it as sent). */
  public long nextSequence() {
    return ++sent;
  }

  /**
   * Deltas that arrived with a sequence beyond the next expected one: some were lost (retention?).
   */
  public long gaps() {
    return gaps;
  }

  /** Decides about a delta and, when it is to be applied, records it as applied. */
  public Verdict accept(long from, long fromGeneration, long sequence) {
    if (from == origin) {
      return Verdict.OWN;
    }
    Long limit = limits.get(from);
    if (limit == null && fromGeneration != generation) {
      return Verdict.ORPHAN;
    }
    long done = applied.getOrDefault(from, 0L);
    if (sequence <= done) {
      return Verdict.REPEAT;
    }
    if (limit != null && sequence > limit) {
      return Verdict.ORPHAN;
    }
    if (sequence > done + 1) {
      gaps++;
    }
    applied.put(from, sequence);
    if (limit != null && sequence == limit) {
      limits.remove(from);
      applied.remove(from);
    }
    return Verdict.APPLY;
  }

  /** Restored origins whose deltas have not all been applied yet. */
  public int openOrigins() {
    return limits.size();
  }

  /** What a checkpoint keeps of this ledger. */
  public Saved save() {
    return new Saved(origin, sent, Map.copyOf(applied), Map.copyOf(limits));
  }

  private void closeConsumed() {
    limits
        .entrySet()
        .removeIf(
            e -> {
              boolean done = applied.getOrDefault(e.getKey(), 0L) >= e.getValue();
              if (done) {
                applied.remove(e.getKey());
              }
              return done;
            });
  }

  /**
   * A ledger in a checkpoint: the subtask's origin and how many deltas it had sent, what it had
   * applied, and the restored origins it was still owed deltas from.
   */
  public record Saved(long origin, long sent, Map<Long, Long> applied, Map<Long, Long> limits) {
    public static final Saved NONE = new Saved(0, 0, Map.of(), Map.of());

    public void writeTo(DataOutputStream out) throws IOException {
      out.writeLong(origin);
      out.writeLong(sent);
      writeMap(out, applied);
      writeMap(out, limits);
    }

    public static Saved readFrom(DataInputStream in) throws IOException {
      return new Saved(in.readLong(), in.readLong(), readMap(in), readMap(in));
    }

    private static void writeMap(DataOutputStream out, Map<Long, Long> map) throws IOException {
      out.writeInt(map.size());
      for (Map.Entry<Long, Long> e : map.entrySet()) {
        out.writeLong(e.getKey());
        out.writeLong(e.getValue());
      }
    }

    private static Map<Long, Long> readMap(DataInputStream in) throws IOException {
      int n = in.readInt();
      if (n < 0) {
        throw new IOException("negative map size " + n);
      }
      Map<Long, Long> map = new HashMap<>();
      for (int k = 0; k < n; k++) {
        map.put(in.readLong(), in.readLong());
      }
      return Map.copyOf(map);
    }
  }
}
