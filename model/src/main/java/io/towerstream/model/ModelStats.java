package io.towerstream.model;

/** Counters of a model, for status and metrics. */
public record ModelStats(
    long eventsTrained,
    long batches,
    long skippedBatches,
    double lossEma,
    long users,
    long items,
    long lastEventTimeMillis) {}
