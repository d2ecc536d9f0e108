package io.towerstream.schemas.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.towerstream.schemas.RecordDecodingException;
import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.avro.EventType;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where a JSON click keeps the fields of a {@link ClickEvent}, and how it writes the time: the
 * mapping from a team's own click records to towerstream's. {@link #decode} reads one record
 * strictly ({@link StrictJson}) into a ClickEvent, which the job then validates as it does an Avro
 * one; {@link #encode} writes a ClickEvent the same way, for {@code towerstream produce}.
 *
 * <p>User, item and time are required. The type and the weight are optional: an empty mapping means
 * the records have none (every record is a click of weight 1), and a record without the field, or
 * with JSON null in it, takes the Avro default the same way. A type is one of the {@link EventType}
 * symbols in any case ({@code click}, {@code VIEW}); another is refused, as the Avro reader refuses
 * a symbol it does not know. A weight is a JSON number within float range.
 *
 * @param userField the user id's field (a name, or a JSON Pointer such as {@code /user/id})
 * @param itemField the item id's field
 * @param timeField the event time's field
 * @param timeFormat how the event time is written
 * @param typeField the event type's field; empty when the records carry none
 * @param weightField the weight's field; empty when the records carry none
 */
public record ClickJson(
    String userField,
    String itemField,
    String timeField,
    EventTimeFormat timeFormat,
    String typeField,
    String weightField)
    implements Serializable {
  // The defaults as constants, so that command-line annotations can name them.
  public static final String DEFAULT_USER_FIELD = "userId";
  public static final String DEFAULT_ITEM_FIELD = "itemId";
  public static final String DEFAULT_TIME_FIELD = "eventTime";
  public static final String DEFAULT_TIME_FORMAT = "epoch-millis";
  public static final String DEFAULT_TYPE_FIELD = "eventType";
  public static final String DEFAULT_WEIGHT_FIELD = "weight";

  /** The Avro record's own field names, event times in epoch milliseconds. */
  public static final ClickJson DEFAULTS =
      new ClickJson(
          DEFAULT_USER_FIELD,
          DEFAULT_ITEM_FIELD,
          DEFAULT_TIME_FIELD,
          EventTimeFormat.parse(DEFAULT_TIME_FORMAT),
          DEFAULT_TYPE_FIELD,
          DEFAULT_WEIGHT_FIELD);

  /**
   * @throws IllegalArgumentException naming the first field mapping that is empty, not a valid JSON
   *     Pointer, or the same as another
   */
  public ClickJson {
    StrictJson.checkField("user", userField, true);
    StrictJson.checkField("item", itemField, true);
    StrictJson.checkField("time", timeField, true);
    if (timeFormat == null) {
      throw new IllegalArgumentException("the time format must be set");
    }
    typeField = StrictJson.checkField("type", typeField, false);
    weightField = StrictJson.checkField("weight", weightField, false);
    StrictJson.checkDistinct(userField, itemField, timeField, typeField, weightField);
  }

  /**
   * The click one record holds; the ids, weight and time are not yet validated beyond their JSON
   * types (that is {@code ClickRules}' job, for Avro and JSON alike).
   *
   * @throws RecordDecodingException saying why the record is not a click in this mapping
   */
  public ClickEvent decode(byte[] value) {
    ObjectNode json = StrictJson.readObject(value);
    ClickEvent.Builder click =
        ClickEvent.newBuilder()
            .setUserId(required(userField, StrictJson.id(json, userField)))
            .setItemId(required(itemField, StrictJson.id(json, itemField)))
            .setEventTime(timeFormat.read(timeField, required(json, timeField)));
    if (!typeField.isEmpty()) {
      JsonNode type = StrictJson.get(json, typeField);
      if (type != null) {
        click.setEventType(eventType(type));
      }
    }
    if (!weightField.isEmpty()) {
      JsonNode weight = StrictJson.get(json, weightField);
      if (weight != null) {
        click.setWeight(weight(weight));
      }
    }
    return click.build();
  }

  /** {@code click} as a JSON record of this mapping, in UTF-8; does not modify it. */
  public byte[] encode(ClickEvent click) {
    ObjectNode json = StrictJson.newObject();
    StrictJson.put(json, userField, TextNode.valueOf(click.getUserId()));
    StrictJson.put(json, itemField, TextNode.valueOf(click.getItemId()));
    StrictJson.put(json, timeField, timeFormat.write(click.getEventTime()));
    if (!typeField.isEmpty()) {
      StrictJson.put(json, typeField, TextNode.valueOf(click.getEventType().name()));
    }
    if (!weightField.isEmpty()) {
      StrictJson.put(json, weightField, FloatNode.valueOf(click.getWeight()));
    }
    return StrictJson.write(json);
  }

  private EventType eventType(JsonNode node) {
    if (!node.isTextual()) {
      throw StrictJson.wrongType(typeField, "a string", node);
    }
    for (EventType t : EventType.values()) {
      if (t.name().equalsIgnoreCase(node.textValue())) {
        return t;
      }
    }
    throw new RecordDecodingException(
        "unknown EventType "
            + StrictJson.shorten(node.toString())
            + " in "
            + typeField
            + " (known: "
            + Arrays.stream(EventType.values())
                .map(t -> t.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "))
            + ")");
  }

  private float weight(JsonNode node) {
    if (!node.isNumber()) {
      throw StrictJson.wrongType(weightField, "a number", node);
    }
    double w = node.doubleValue();
    if (!Double.isFinite(w) || Math.abs(w) > Float.MAX_VALUE) {
      throw new RecordDecodingException(
          weightField
              + " must be a finite number within float range, was "
              + StrictJson.shorten(node.toString()));
    }
    return (float) w;
  }

  private static String required(String field, String id) {
    if (id == null) {
      throw missing(field);
    }
    return id;
  }

  private static JsonNode required(ObjectNode json, String field) {
    JsonNode node = StrictJson.get(json, field);
    if (node == null) {
      throw missing(field);
    }
    return node;
  }

  private static RecordDecodingException missing(String field) {
    return new RecordDecodingException("missing field " + field);
  }
}
