package io.towerstream.benchmarks.store;

/**
 * What one side of a run measured: its build, its memory after the build (heap after a GC, and the
 * bytes it keeps outside the heap: RocksDB's live data, or Lucene's index files), and the sweep.
 */
record SideResult(
    String side,
    String settingName,
    double buildS,
    long heapMb,
    long storageBytes,
    Sweep.Result sweep) {}
