package io.towerstream.schemas.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.towerstream.schemas.RecordDecodingException;
import io.towerstream.schemas.avro.ItemFeatures;
import java.io.Serializable;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a JSON catalogue record keeps the fields of an {@link ItemFeatures}: the item id (required:
 * a string or an integer), the categories and the tags (arrays of strings), and the numeric
 * features (an object of finite JSON numbers by name). A list or map mapping left empty means the
 * records carry none; a record without the field, or with JSON null in it, has none. Read strictly
 * ({@link StrictJson}): a category that is not a string, or a numeric feature that is not a finite
 * number, fails the record rather than being dropped. The records carry no update time: the caller
 * passes one (the Kafka record's timestamp, or the time a catalogue is produced).
 *
 * @param itemField the item id's field (a name, or a JSON Pointer such as {@code /item/id})
 * @param categoriesField the categories' field; empty when the records carry none
 * @param tagsField the tags' field; empty when the records carry none
 * @param numericField the numeric features' field; empty when the records carry none
 */
public record ItemFeaturesJson(
    String itemField, String categoriesField, String tagsField, String numericField)
    implements Serializable {
  // The defaults as constants, so that command-line annotations can name them.
  public static final String DEFAULT_ITEM_FIELD = "itemId";
  public static final String DEFAULT_CATEGORIES_FIELD = "categories";
  public static final String DEFAULT_TAGS_FIELD = "tags";
  public static final String DEFAULT_NUMERIC_FIELD = "numeric";

  /** The Avro record's own field names. */
  public static final ItemFeaturesJson DEFAULTS =
      new ItemFeaturesJson(
          DEFAULT_ITEM_FIELD, DEFAULT_CATEGORIES_FIELD, DEFAULT_TAGS_FIELD, DEFAULT_NUMERIC_FIELD);

  /**
   * @throws IllegalArgumentException naming the first field mapping that is empty (the item's), not
   *     a valid JSON Pointer, or the same as another
   */
  public ItemFeaturesJson {
    StrictJson.checkField("item", itemField, true);
    categoriesField = StrictJson.checkField("categories", categoriesField, false);
    tagsField = StrictJson.checkField("tags", tagsField, false);
    numericField = StrictJson.checkField("numeric", numericField, false);
    StrictJson.checkDistinct(itemField, categoriesField, tagsField, numericField);
  }

  /**
   * The features one record holds, stamped {@code updatedAt}.
   *
   * @throws RecordDecodingException saying why the record is not an item's features in this mapping
   */
  public ItemFeatures decode(byte[] value, Instant updatedAt) {
    ObjectNode json = StrictJson.readObject(value);
    String itemId = StrictJson.id(json, itemField);
    if (itemId == null) {
      throw new RecordDecodingException("missing field " + itemField);
    }
    return ItemFeatures.newBuilder()
        .setItemId(itemId)
        .setCategories(
            categoriesField.isEmpty() ? List.of() : StrictJson.strings(json, categoriesField))
        .setTags(tagsField.isEmpty() ? List.of() : StrictJson.strings(json, tagsField))
        .setNumeric(numericField.isEmpty() ? Map.of() : numeric(json))
        .setUpdatedAt(updatedAt)
        .build();
  }

  /** {@code features} as a JSON record of this mapping (without its update time); unmodified. */
  public byte[] encode(ItemFeatures features) {
    ObjectNode json = StrictJson.newObject();
    StrictJson.put(json, itemField, TextNode.valueOf(features.getItemId()));
    if (!categoriesField.isEmpty()) {
      StrictJson.put(json, categoriesField, strings(json, features.getCategories()));
    }
    if (!tagsField.isEmpty()) {
      StrictJson.put(json, tagsField, strings(json, features.getTags()));
    }
    if (!numericField.isEmpty()) {
      ObjectNode numeric = json.objectNode();
      features.getNumeric().forEach((name, v) -> numeric.put(name, v));
      StrictJson.put(json, numericField, numeric);
    }
    return StrictJson.write(json);
  }

  private Map<String, Double> numeric(ObjectNode json) {
    JsonNode node = StrictJson.get(json, numericField);
    Map<String, Double> out = new LinkedHashMap<>();
    if (node == null) {
      return out;
    }
    if (!node.isObject()) {
      throw StrictJson.wrongType(numericField, "an object of numbers by name", node);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = numericField + "." + e.getKey();
      if (!e.getValue().isNumber()) {
        throw StrictJson.wrongType(name, "a number", e.getValue());
      }
      double v = e.getValue().doubleValue();
      if (!Double.isFinite(v)) {
        throw new RecordDecodingException(
            name + " must be a finite number, was " + StrictJson.shorten(e.getValue().toString()));
      }
      out.put(e.getKey(), v);
    }
    return out;
  }

  private static ArrayNode strings(ObjectNode factory, List<String> values) {
    ArrayNode array = factory.arrayNode();
    values.forEach(array::add);
    return array;
  }
}
