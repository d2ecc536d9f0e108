package io.towerstream.model.tables;

import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Row admission by sighting count: an id without a row gets one only once it has been seen {@code
 * minCount} times, so one-off ids (bots, typos, a single click) never cost a row or push a useful
 * row out of the LRU.
 *
 * <p>The counts are kept exactly, in a map bounded to {@code capacity} ids that forgets the least
 * recently sighted id first, rather than in a count-min sketch. A sketch has fixed memory but
 * over-counts on hash collisions, which admits ids early, and collisions depend on the whole id
 * population, so a test or a restore cannot reason about one id; an exact map is deterministic,
 * snapshots as a plain list, and its bound (the table's row bound) only costs an id that recurs
 * more rarely than {@code capacity} other new ids: it starts counting again.
 *
 * <p>Reading and writing are split like the tables': {@link #begin()} stages a batch's sightings
 * without changing the counts, {@link #commit} applies them once the step is accepted. Not
 * thread-safe.
 */
public final class AdmissionFilter {
  private final int minCount;
  private final int capacity;

  /**
   * Insertion order is sighting order: a sighted id is moved to the end, the eldest is dropped
   * first.
   */
  private final LinkedHashMap<String, Integer> pending = new LinkedHashMap<>();

  public AdmissionFilter(int minCount, int capacity) {
    if (minCount < 1 || capacity < 1) {
      throw new IllegalArgumentException(
          "minCount and capacity must be ≥ 1, were " + minCount + ", " + capacity);
    }
    this.minCount = minCount;
    this.capacity = capacity;
  }

  /** Whether every id is admitted on first sight, so no counting is needed. */
  public boolean admitsAll() {
    return minCount == 1;
  }

  /** Ids seen but not yet admitted. */
  public int pendingIds() {
    return pending.size();
  }

  /** The sightings counted for {@code id} so far (0 when not pending). */
  public int count(String id) {
    return pending.getOrDefault(id, 0);
  }

  /** A batch's sightings, staged. */
  public Sightings begin() {
    return new Sightings();
  }

  /**
   * Applies a batch's sightings: ids that now have a row ({@code hasRow}) stop being pending, the
   * others keep their counts, as the most recently sighted. Mutates this filter.
   */
  public void commit(Sightings s, Predicate<String> hasRow) {
    for (Map.Entry<String, Integer> e : s.added.entrySet()) {
      String id = e.getKey();
      Integer before = pending.remove(id);
      if (!hasRow.test(id)) {
        pending.put(id, (before == null ? 0 : before) + e.getValue());
      }
    }
    Iterator<String> eldest = pending.keySet().iterator();
    while (pending.size() > capacity) {
      eldest.next();
      eldest.remove();
    }
  }

  /** Forgets every count (the ids are re-counted from zero). */
  public void clear() {
    pending.clear();
  }

  public void writeTo(SnapshotWriter out) {
    out.writeInt(pending.size());
    pending.forEach((id, n) -> out.writeString(id).writeInt(n));
  }

  /**
   * Reads what {@link #writeTo} wrote; with a smaller capacity the most recently sighted ids are
   * kept.
   */
  public static AdmissionFilter readFrom(SnapshotReader in, int minCount, int capacity) {
    AdmissionFilter f = new AdmissionFilter(minCount, capacity);
    int n = in.readLength(8);
    for (int k = 0; k < n; k++) {
      String id = in.readString();
      int count = in.readInt();
      SnapshotReader.check(
          count > 0 && f.pending.put(id, count) == null, "bad admission count for " + id);
    }
    f.commit(f.begin(), id -> false); // trims to the configured capacity
    return f;
  }

  /** One batch's sightings, staged; counts only ids without a row. */
  public final class Sightings {
    private final Map<String, Integer> added = new LinkedHashMap<>();

    private Sightings() {}

    /**
     * Counts one sighting of {@code id} and says whether it is admitted: it has a row, or its count
     * including this batch's sightings so far reaches the minimum.
     */
    public boolean sight(String id, boolean hasRow) {
      if (hasRow || minCount == 1) {
        return true;
      }
      int n = added.merge(id, 1, Integer::sum);
      return count(id) + n >= minCount;
    }
  }
}
