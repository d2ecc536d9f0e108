package io.towerstream.model.data;

/** One interaction read from a file, with its line number for deterministic tie-breaking. */
public record ClickRecord(String userId, String itemId, long timestampMillis, long lineNumber) {}
