package io.towerstream.schemas;

import java.util.Locale;

/**
 * How the values of an input topic (clicks, item features) are encoded: towerstream's own Avro
 * single-object encoding, or JSON objects whose field names the user maps (see {@code
 * io.towerstream.schemas.json}). Both decode into the same Avro records, which the same rules then
 * validate.
 */
public enum ValueFormat {
  /** Avro single-object encoding of the topic's record ({@link Topics}). */
  AVRO,
  /** One UTF-8 JSON object per record, read strictly. */
  JSON;

  /** The name on the command line: {@code avro} or {@code json}. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException naming the accepted values
   */
  public static ValueFormat parse(String value) {
    for (ValueFormat f : values()) {
      if (f.cliName().equalsIgnoreCase(value.strip())) {
        return f;
      }
    }
    throw new IllegalArgumentException("expected avro or json, was '" + value + "'");
  }
}
