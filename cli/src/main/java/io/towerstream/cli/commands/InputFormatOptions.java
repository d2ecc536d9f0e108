package io.towerstream.cli.commands;

import io.towerstream.jobs.InputOptions;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.ValueFormat;
import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.avro.ItemFeatures;
import io.towerstream.schemas.json.ClickJson;
import io.towerstream.schemas.json.EventTimeFormat;
import io.towerstream.schemas.json.ItemFeaturesJson;
import org.apache.kafka.common.serialization.Serializer;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * How {@code produce} encodes what it writes: the training job's own input options ({@link
 * InputOptions}: the same names, meanings and defaults), so that a command line that produces a
 * topic and one that trains on it say the same thing.
 */
public final class InputFormatOptions {
  @Option(
      names = "--" + InputOptions.CLICKS_FORMAT,
      defaultValue = InputOptions.FORMAT_DEFAULT,
      converter = ValueFormatConverter.class,
      paramLabel = "avro|json",
      description = InputOptions.CLICKS_FORMAT_DOC + " (default: ${DEFAULT-VALUE})")
  ValueFormat clicksFormat;

  @Option(
      names = "--" + InputOptions.CLICKS_USER_FIELD,
      defaultValue = ClickJson.DEFAULT_USER_FIELD,
      description = InputOptions.CLICKS_USER_FIELD_DOC + " (default: ${DEFAULT-VALUE})")
  String userField;

  @Option(
      names = "--" + InputOptions.CLICKS_ITEM_FIELD,
      defaultValue = ClickJson.DEFAULT_ITEM_FIELD,
      description = InputOptions.CLICKS_ITEM_FIELD_DOC + " (default: ${DEFAULT-VALUE})")
  String itemField;

  @Option(
      names = "--" + InputOptions.CLICKS_TIME_FIELD,
      defaultValue = ClickJson.DEFAULT_TIME_FIELD,
      description = InputOptions.CLICKS_TIME_FIELD_DOC + " (default: ${DEFAULT-VALUE})")
  String timeField;

  @Option(
      names = "--" + InputOptions.CLICKS_TIME_FORMAT,
      defaultValue = ClickJson.DEFAULT_TIME_FORMAT,
      converter = TimeFormatConverter.class,
      paramLabel = "epoch-millis|epoch-seconds|iso-8601",
      description = InputOptions.CLICKS_TIME_FORMAT_DOC + " (default: ${DEFAULT-VALUE})")
  EventTimeFormat timeFormat;

  @Option(
      names = "--" + InputOptions.CLICKS_TYPE_FIELD,
      defaultValue = ClickJson.DEFAULT_TYPE_FIELD,
      description = InputOptions.CLICKS_TYPE_FIELD_DOC + " (default: ${DEFAULT-VALUE})")
  String typeField;

  @Option(
      names = "--" + InputOptions.CLICKS_WEIGHT_FIELD,
      defaultValue = ClickJson.DEFAULT_WEIGHT_FIELD,
      description = InputOptions.CLICKS_WEIGHT_FIELD_DOC + " (default: ${DEFAULT-VALUE})")
  String weightField;

  @Option(
      names = "--" + InputOptions.ITEMS_FORMAT,
      defaultValue = InputOptions.FORMAT_DEFAULT,
      converter = ValueFormatConverter.class,
      paramLabel = "avro|json",
      description = InputOptions.ITEMS_FORMAT_DOC + " (default: ${DEFAULT-VALUE})")
  ValueFormat itemsFormat;

  @Option(
      names = "--" + InputOptions.ITEMS_ITEM_FIELD,
      defaultValue = ItemFeaturesJson.DEFAULT_ITEM_FIELD,
      description = InputOptions.ITEMS_ITEM_FIELD_DOC + " (default: ${DEFAULT-VALUE})")
  String itemsItemField;

  @Option(
      names = "--" + InputOptions.ITEMS_CATEGORIES_FIELD,
      defaultValue = ItemFeaturesJson.DEFAULT_CATEGORIES_FIELD,
      description = InputOptions.ITEMS_CATEGORIES_FIELD_DOC + " (default: ${DEFAULT-VALUE})")
  String itemsCategoriesField;

  @Option(
      names = "--" + InputOptions.ITEMS_TAGS_FIELD,
      defaultValue = ItemFeaturesJson.DEFAULT_TAGS_FIELD,
      description = InputOptions.ITEMS_TAGS_FIELD_DOC + " (default: ${DEFAULT-VALUE})")
  String itemsTagsField;

  @Option(
      names = "--" + InputOptions.ITEMS_NUMERIC_FIELD,
      defaultValue = ItemFeaturesJson.DEFAULT_NUMERIC_FIELD,
      description = InputOptions.ITEMS_NUMERIC_FIELD_DOC + " (default: ${DEFAULT-VALUE})")
  String itemsNumericField;

  /**
   * The JSON click mapping these options describe.
   *
   * @throws IllegalArgumentException naming the options when a field is empty or mapped twice
   */
  ClickJson clickJson() {
    try {
      return new ClickJson(userField, itemField, timeField, timeFormat, typeField, weightField);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--clicks.json.*-field: " + e.getMessage(), e);
    }
  }

  /**
   * The JSON item-features mapping these options describe; also how a JSON-lines catalogue file is
   * read.
   *
   * @throws IllegalArgumentException naming the options when a field is empty or mapped twice
   */
  ItemFeaturesJson itemsJson() {
    try {
      return new ItemFeaturesJson(
          itemsItemField, itemsCategoriesField, itemsTagsField, itemsNumericField);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--item-features.json.*-field: " + e.getMessage(), e);
    }
  }

  /** Writes clicks as {@code --clicks.format} says. */
  Serializer<ClickEvent> clickSerializer() {
    if (clicksFormat == ValueFormat.AVRO) {
      return Topics.CLICKS.valueSerializer();
    }
    ClickJson json = clickJson();
    return (topic, click) -> click == null ? null : json.encode(click);
  }

  /** Writes item features as {@code --item-features.format} says. */
  Serializer<ItemFeatures> itemsSerializer() {
    if (itemsFormat == ValueFormat.AVRO) {
      return Topics.ITEM_FEATURES.valueSerializer();
    }
    ItemFeaturesJson json = itemsJson();
    return (topic, features) -> features == null ? null : json.encode(features);
  }

  static final class ValueFormatConverter implements ITypeConverter<ValueFormat> {
    @Override
    public ValueFormat convert(String value) {
      return ValueFormat.parse(value);
    }
  }

  static final class TimeFormatConverter implements ITypeConverter<EventTimeFormat> {
    @Override
    public EventTimeFormat convert(String value) {
      return EventTimeFormat.parse(value);
    }
  }
}
