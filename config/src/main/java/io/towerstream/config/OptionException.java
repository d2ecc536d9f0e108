package io.towerstream.config;

/**
 * A command line, environment variable or {@code --config} file a process cannot run with; the
 * message names the option and says what it must be.
 */
public final class OptionException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public OptionException(String message) {
    super(message);
  }
}
