package io.towerstream.jobs;

/**
 * The options that say how the input topics are encoded, declared once: name and meaning here, the
 * defaults in {@code ClickJson} and {@code ItemFeaturesJson}. The job's option table ({@link
 * JobConfig}) and {@code towerstream produce}, which writes what the job reads, both take them from
 * here, so a team's mapping is spelt the same way on both sides.
 */
public final class InputOptions {
  private InputOptions() {}

  /** Both topics' default encoding: towerstream's own Avro. */
  public static final String FORMAT_DEFAULT = "avro";

  public static final String CLICKS_FORMAT = "clicks.format";
  public static final String CLICKS_FORMAT_DOC =
      "avro | json: encoding of the clicks topic's values: towerstream's Avro ClickEvent, or one"
          + " JSON object per record whose fields the clicks.json.* options name (docs/clicks.md)."
          + " Both are validated by the same rules; a record that cannot be read goes to the"
          + " dead-letter topic with the reason.";

  public static final String CLICKS_USER_FIELD = "clicks.json.user-field";
  public static final String CLICKS_USER_FIELD_DOC =
      "JSON clicks: the field of the user id, a string or an integer; a name, or a JSON Pointer"
          + " into nested objects such as /user/id (so for every *-field option).";

  public static final String CLICKS_ITEM_FIELD = "clicks.json.item-field";
  public static final String CLICKS_ITEM_FIELD_DOC =
      "JSON clicks: the field of the item id, a string or an integer.";

  public static final String CLICKS_TIME_FIELD = "clicks.json.time-field";
  public static final String CLICKS_TIME_FIELD_DOC =
      "JSON clicks: the field of the event time, written as clicks.json.time-format says.";

  public static final String CLICKS_TIME_FORMAT = "clicks.json.time-format";
  public static final String CLICKS_TIME_FORMAT_DOC =
      "epoch-millis | epoch-seconds | iso-8601: how JSON clicks write the event time: an integer"
          + " of milliseconds, a number of seconds (a fraction is kept to the millisecond), or a"
          + " date-time string with an offset such as 2024-05-01T12:30:00Z. Stated, never guessed"
          + " from the value.";

  public static final String CLICKS_TYPE_FIELD = "clicks.json.type-field";
  public static final String CLICKS_TYPE_FIELD_DOC =
      "JSON clicks: the field of the event type (click, view or purchase, in any case; absent or"
          + " null = click); empty = the records have none.";

  public static final String CLICKS_WEIGHT_FIELD = "clicks.json.weight-field";
  public static final String CLICKS_WEIGHT_FIELD_DOC =
      "JSON clicks: the field of the weight, a number (absent or null = 1); empty = the records"
          + " have none.";

  public static final String ITEMS_FORMAT = "item-features.format";
  public static final String ITEMS_FORMAT_DOC =
      "avro | json: encoding of the item-features topic's values: Avro ItemFeatures, or one JSON"
          + " object per record whose fields the item-features.json.* options name.";

  public static final String ITEMS_ITEM_FIELD = "item-features.json.item-field";
  public static final String ITEMS_ITEM_FIELD_DOC =
      "JSON item features: the field of the item id, a string or an integer (the record key must"
          + " equal it).";

  public static final String ITEMS_CATEGORIES_FIELD = "item-features.json.categories-field";
  public static final String ITEMS_CATEGORIES_FIELD_DOC =
      "JSON item features: the field of the categories, an array of strings; empty = none.";

  public static final String ITEMS_TAGS_FIELD = "item-features.json.tags-field";
  public static final String ITEMS_TAGS_FIELD_DOC =
      "JSON item features: the field of the tags, an array of strings; empty = none.";

  public static final String ITEMS_NUMERIC_FIELD = "item-features.json.numeric-field";
  public static final String ITEMS_NUMERIC_FIELD_DOC =
      "JSON item features: the field of the numeric features, an object of finite numbers by"
          + " name; empty = none.";
}
