package io.towerstream.store.ingest;

/**
 * A refused record's dead letter could not be written (the topic is missing, the broker refused
 * it): the batch is not written either, and the ingest loop starts over from the stored offsets.
 */
public final class DeadLetterException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  DeadLetterException(String message, Throwable cause) {
    super(message, cause);
  }
}
