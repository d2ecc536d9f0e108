package io.towerstream.model;

import java.util.Objects;

/** A user's saved row, as {@link UserRowSink#changed} handed it out. */
public record UserRow(String userId, byte[] row) {
  public UserRow {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(row, "row");
  }
}
