package io.towerstream.schemas;

/**
 * A record's bytes could not be read as the expected schema; the message says why, for a
 * dead-letter entry.
 */
public class RecordDecodingException extends RuntimeException {
  public RecordDecodingException(String message) {
    super(message);
  }

  public RecordDecodingException(String message, Throwable cause) {
    super(message, cause);
  }
}
