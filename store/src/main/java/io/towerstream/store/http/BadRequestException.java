package io.towerstream.store.http;

/** A request parameter or body is invalid; answered with 400 and this message. */
public class BadRequestException extends RuntimeException {
  public BadRequestException(String message) {
    super(message);
  }
}
