package io.towerstream.schemas.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.towerstream.schemas.RecordDecodingException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a JSON record writes a point in time. Named by the user, never guessed from the value: a
 * guess (seconds below some threshold, milliseconds above) cannot tell 1970 in milliseconds from
 * 2001 in seconds, and a wrong guess moves every click by a factor of a thousand. Times are kept to
 * the millisecond, as the Avro records hold them.
 */
public enum EventTimeFormat {
  /** A JSON number of seconds since 1970-01-01T00:00Z; a fraction is kept to the millisecond. */
  EPOCH_SECONDS,
  /** A JSON integer of milliseconds since 1970-01-01T00:00Z. */
  EPOCH_MILLIS,
  /**
   * A JSON string, an ISO-8601 date-time with an offset ({@code 2024-05-01T12:30:00Z}, {@code
   * 2024-05-01T14:30:00.250+02:00}); a time without an offset is refused, not read as UTC.
   */
  ISO_8601;

  /** The name on the command line, e.g. {@code epoch-seconds}. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * @throws IllegalArgumentException naming the accepted values
   */
  public static EventTimeFormat parse(String value) {
    for (EventTimeFormat f : values()) {
      if (f.cliName().equalsIgnoreCase(value.strip())) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "expected one of "
            + Arrays.stream(values())
                .map(EventTimeFormat::cliName)
                .collect(Collectors.joining(", "))
            + ", was '"
            + value
            + "'");
  }

  /**
   * The time {@code node} (the value of {@code field}) writes, truncated to the millisecond.
   *
   * @throws RecordDecodingException naming the field when the value has the wrong JSON type or is
   *     not a time this format can express
   */
  public Instant read(String field, JsonNode node) {
    try {
      return switch (this) {
        case EPOCH_SECONDS -> {
          if (!node.isNumber()) {
            throw StrictJson.wrongType(field, "a number of seconds (epoch-seconds)", node);
          }
          BigDecimal millis = node.decimalValue().movePointRight(3);
          yield Instant.ofEpochMilli(millis.setScale(0, RoundingMode.FLOOR).longValueExact());
        }
        case EPOCH_MILLIS -> {
          if (!node.isIntegralNumber()) {
            throw StrictJson.wrongType(field, "an integer of milliseconds (epoch-millis)", node);
          }
          yield Instant.ofEpochMilli(node.bigIntegerValue().longValueExact());
        }
        case ISO_8601 -> {
          if (!node.isTextual()) {
            throw StrictJson.wrongType(field, "an ISO-8601 string (iso-8601)", node);
          }
          Instant t =
              OffsetDateTime.parse(node.textValue(), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                  .toInstant();
          yield Instant.ofEpochMilli(t.toEpochMilli());
        }
      };
    } catch (ArithmeticException | DateTimeException | NumberFormatException e) {
      // NumberFormatException: a number too large for a double reads as infinite
      throw new RecordDecodingException(
          field
              + " is not a time in "
              + cliName()
              + ": "
              + StrictJson.shorten(node.toString())
              + (this == ISO_8601
                  ? " (a date-time with an offset, e.g. 2024-05-01T12:30:00Z)"
                  : ""),
          e);
    }
  }

  /** {@code time} as this format writes it, to the millisecond. */
  public JsonNode write(Instant time) {
    long millis = time.toEpochMilli();
    return switch (this) {
      case EPOCH_SECONDS ->
          millis % 1000 == 0
              ? LongNode.valueOf(millis / 1000)
              : DecimalNode.valueOf(BigDecimal.valueOf(millis, 3));
      case EPOCH_MILLIS -> LongNode.valueOf(millis);
      case ISO_8601 -> TextNode.valueOf(Instant.ofEpochMilli(millis).toString());
    };
  }
}
