package io.towerstream.jobs.sources;

import java.util.Locale;

/**
 * Where the click source starts when the job has no checkpoint or savepoint to resume from. A job
 * restored from one always resumes at the offsets it recorded, whatever this says.
 */
public enum StartingOffsets {
  /** The beginning of every partition: train on the whole retained history. */
  EARLIEST,
  /** The end of every partition: train only on clicks that arrive from now on. */
  LATEST,
  /**
   * The consumer group's committed offsets; partitions without a commit start at the earliest
   * offset.
   */
  COMMITTED;

  /** The command-line spelling, e.g. {@code committed}. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
