package io.towerstream.benchmarks.store;

/**
 * What one side of a run measured: its build, its memory after the build (heap after a GC, and the
 * bytes it keeps outside the heap: RocksDB's live data, or Lucene's index files), and the sweep.
 *
 * @param heapMb the heap after the build and a GC, the benchmark's own data included
 * @param ownHeapMb what the side alone held: {@code heapMb} less the heap after a GC once the side
 *     was closed and released, the benchmark's data (catalogue, ground truth, queries) still live
 */
record SideResult(
    String side,
    String settingName,
    double buildS,
    long heapMb,
    long ownHeapMb,
    long storageBytes,
    Sweep.Result sweep) {
  /** This result, with {@code ownHeapMb} measured once the side was released. */
  SideResult withOwnHeap(long ownHeapMb) {
    return new SideResult(side, settingName, buildS, heapMb, ownHeapMb, storageBytes, sweep);
  }
}
