package io.towerstream.model;

/**
 * A {@link ReplicaDelta} that cannot be applied: its parts disagree in length, it does not fit the
 * receiving model, or it carries a change that is not a number. Thrown before the model changed, so
 * a caller may skip the delta and go on training.
 */
public final class InvalidReplicaDeltaException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidReplicaDeltaException(String message) {
    super(message);
  }
}
