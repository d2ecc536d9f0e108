package io.towerstream.cli.commands;

import io.towerstream.cli.options.DeclaredOptions;
import io.towerstream.config.Option;
import io.towerstream.config.OptionSet;
import io.towerstream.config.OptionValues;
import io.towerstream.jobs.JobOptions;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.ValueFormat;
import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.avro.ItemFeatures;
import io.towerstream.schemas.json.ClickJson;
import io.towerstream.schemas.json.ItemFeaturesJson;
import java.util.List;
import org.apache.kafka.common.serialization.Serializer;
import picocli.CommandLine.Model.CommandSpec;

/**
 * How {@code produce} encodes what it writes: the training job's own input options ({@link
 * JobOptions}, the same declarations: names, meanings, defaults and checks), so that a command line
 * that produces a topic and one that trains on it say the same thing and are read the same way.
 */
final class InputFormatOptions {
  private static final List<Option<?>> OPTIONS =
      List.of(
          JobOptions.CLICKS_FORMAT,
          JobOptions.CLICKS_USER_FIELD,
          JobOptions.CLICKS_ITEM_FIELD,
          JobOptions.CLICKS_TIME_FIELD,
          JobOptions.CLICKS_TIME_FORMAT,
          JobOptions.CLICKS_TYPE_FIELD,
          JobOptions.CLICKS_WEIGHT_FIELD,
          JobOptions.ITEMS_FORMAT,
          JobOptions.ITEMS_ITEM_FIELD,
          JobOptions.ITEMS_CATEGORIES_FIELD,
          JobOptions.ITEMS_TAGS_FIELD,
          JobOptions.ITEMS_NUMERIC_FIELD);

  /** The job's input declarations as options of the command that names this. */
  static final class Declared extends DeclaredOptions {
    Declared() {
      super(OPTIONS);
    }
  }

  private final OptionValues values;

  private InputFormatOptions(OptionValues values) {
    this.values = values;
  }

  /** The values {@code command} was given for the job's input options, or their defaults. */
  static InputFormatOptions of(CommandSpec command) {
    return new InputFormatOptions(OptionSet.of(OPTIONS).parse(DeclaredOptions.args(command)));
  }

  ValueFormat clicksFormat() {
    return values.get(JobOptions.CLICKS_FORMAT);
  }

  ValueFormat itemsFormat() {
    return values.get(JobOptions.ITEMS_FORMAT);
  }

  /**
   * The JSON click mapping these options describe.
   *
   * @throws IllegalArgumentException naming the options when a field is mapped twice
   */
  ClickJson clickJson() {
    try {
      return new ClickJson(
          values.get(JobOptions.CLICKS_USER_FIELD),
          values.get(JobOptions.CLICKS_ITEM_FIELD),
          values.get(JobOptions.CLICKS_TIME_FIELD),
          values.get(JobOptions.CLICKS_TIME_FORMAT),
          values.get(JobOptions.CLICKS_TYPE_FIELD),
          values.get(JobOptions.CLICKS_WEIGHT_FIELD));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--clicks.json.*-field: " + e.getMessage(), e);
    }
  }

  /**
   * The JSON item-features mapping these options describe; also how a JSON-lines catalogue file is
   * read.
   *
   * @throws IllegalArgumentException naming the options when a field is mapped twice
   */
  ItemFeaturesJson itemsJson() {
    try {
      return new ItemFeaturesJson(
          values.get(JobOptions.ITEMS_ITEM_FIELD),
          values.get(JobOptions.ITEMS_CATEGORIES_FIELD),
          values.get(JobOptions.ITEMS_TAGS_FIELD),
          values.get(JobOptions.ITEMS_NUMERIC_FIELD));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--item-features.json.*-field: " + e.getMessage(), e);
    }
  }

  /** Writes clicks as {@code --clicks.format} says. */
  Serializer<ClickEvent> clickSerializer() {
    if (clicksFormat() == ValueFormat.AVRO) {
      return Topics.CLICKS.valueSerializer();
    }
    ClickJson json = clickJson();
    return (topic, click) -> click == null ? null : json.encode(click);
  }

  /** Writes item features as {@code --item-features.format} says. */
  Serializer<ItemFeatures> itemsSerializer() {
    if (itemsFormat() == ValueFormat.AVRO) {
      return Topics.ITEM_FEATURES.valueSerializer();
    }
    ItemFeaturesJson json = itemsJson();
    return (topic, features) -> features == null ? null : json.encode(features);
  }
}
