package io.towerstream.model;

/** The two towers' entities. Mirrors the Avro {@code Entity} enum without depending on it. */
public enum EntityKind {
  USER,
  ITEM
}
