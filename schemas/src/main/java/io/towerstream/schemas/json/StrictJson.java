package io.towerstream.schemas.json;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.towerstream.schemas.RecordDecodingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The one way JSON input is read: a record is exactly one JSON object in UTF-8, with no repeated
 * key at any depth and nothing after it; numbers are plain JSON numbers (no NaN or Infinity
 * literals). Anything else fails with a {@link RecordDecodingException} whose message says why, for
 * the dead-letter topic. A record is read whole into a tree: JSON records on a click topic are
 * small, and the tree lets a field be found by name or by JSON Pointer.
 *
 * <p>Field names are mapped by the user: a plain name is a top-level field; a name starting with
 * {@code /} is a JSON Pointer (RFC 6901) into nested objects, e.g. {@code /user/id}. Fields the
 * mapping does not name are ignored, so producers may carry more than the trainer reads.
 */
public final class StrictJson {
  // Duplicates are checked twice on purpose: the streaming check covers every depth, the tree
  // check is the databind feature users and reviewers look for.
  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private StrictJson() {}

  /**
   * The record as a JSON object.
   *
   * @throws RecordDecodingException for a null or empty value, malformed JSON, a duplicate key,
   *     trailing content, or a value that is not an object
   */
  public static ObjectNode readObject(byte[] value) {
    if (value == null || value.length == 0) {
      throw new RecordDecodingException("empty value: expected a JSON object");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(value);
    } catch (JsonProcessingException e) {
      throw new RecordDecodingException("not valid JSON: " + reason(e), e);
    } catch (IOException e) {
      throw new RecordDecodingException("cannot read JSON: " + e, e);
    }
    if (!(node instanceof ObjectNode object)) {
      throw new RecordDecodingException(
          "expected a JSON object, got " + node.getNodeType().name().toLowerCase());
    }
    return object;
  }

  /**
   * Jackson's message for a reader of the dead-letter topic: without the location suffix (which
   * quotes the source object), and without advice to enable a leniency this reader refuses.
   */
  private static String reason(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (message.startsWith("Trailing token")) {
      return "content after the JSON object";
    }
    int advice = message.indexOf(": enable `");
    return advice < 0 ? message : message.substring(0, advice);
  }

  /** {@code object} as compact JSON in UTF-8; does not modify it. */
  public static byte[] write(ObjectNode object) {
    try {
      return MAPPER.writeValueAsBytes(object);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write JSON", e);
    }
  }

  /** A new empty object to build a record in. */
  public static ObjectNode newObject() {
    return MAPPER.createObjectNode();
  }

  /**
   * Checks one field of a mapping: a name, or a JSON Pointer (it starts with {@code /}); an
   * optional field may be empty (the records carry none).
   *
   * @param what the field's role, for the message, e.g. {@code user}
   * @return the field, {@code ""} for an optional one left null
   * @throws IllegalArgumentException saying which field is wrong and why
   */
  public static String checkField(String what, String field, boolean required) {
    if (field == null || field.isEmpty()) {
      if (required) {
        throw new IllegalArgumentException(
            "the " + what + " field must be a field name or a JSON Pointer, was empty");
      }
      return "";
    }
    return field;
  }

  /**
   * @throws IllegalArgumentException when two of a mapping's fields are the same (empty ones, the
   *     fields a record does not carry, aside)
   */
  public static void checkDistinct(String... fields) {
    Set<String> seen = new HashSet<>();
    for (String f : fields) {
      if (!f.isEmpty() && !seen.add(f)) {
        throw new IllegalArgumentException("the field '" + f + "' is mapped twice");
      }
    }
  }

  /** The value of {@code field} in {@code object}, or null when absent or JSON null. */
  public static JsonNode get(ObjectNode object, String field) {
    JsonNode node = field.startsWith("/") ? object.at(field) : object.get(field);
    return node == null || node.isMissingNode() || node.isNull() ? null : node;
  }

  /** Sets {@code field} of {@code object}, creating the objects a JSON Pointer passes through. */
  public static void put(ObjectNode object, String field, JsonNode value) {
    if (!field.startsWith("/")) {
      object.set(field, value);
      return;
    }
    JsonPointer pointer = JsonPointer.compile(field);
    ObjectNode parent = object;
    for (JsonPointer p = pointer; !p.tail().matches(); p = p.tail()) {
      parent = parent.withObjectProperty(p.getMatchingProperty());
    }
    parent.set(pointer.last().getMatchingProperty(), value);
  }

  /**
   * An id: a JSON string, or an integer written out in decimal (many click topics number their
   * users); a fraction, a boolean, an array or an object is not an id.
   *
   * @return null when the field is absent or null
   * @throws RecordDecodingException naming the field for any other type
   */
  public static String id(ObjectNode object, String field) {
    JsonNode node = get(object, field);
    if (node == null) {
      return null;
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isIntegralNumber()) {
      return node.bigIntegerValue().toString();
    }
    throw wrongType(field, "a string or an integer", node);
  }

  /**
   * A list of strings: a JSON array of strings; absent or null is an empty list.
   *
   * @throws RecordDecodingException naming the field for anything else
   */
  public static List<String> strings(ObjectNode object, String field) {
    JsonNode node = get(object, field);
    List<String> out = new ArrayList<>();
    if (node == null) {
      return out;
    }
    if (!node.isArray()) {
      throw wrongType(field, "an array of strings", node);
    }
    for (JsonNode element : node) {
      if (!element.isTextual()) {
        throw wrongType(field + "[" + out.size() + "]", "a string", element);
      }
      out.add(element.textValue());
    }
    return out;
  }

  /** The failure for a field of the wrong JSON type, naming the field, the type and the value. */
  static RecordDecodingException wrongType(String field, String expected, JsonNode node) {
    return new RecordDecodingException(
        field + " must be " + expected + ", was " + shorten(node.toString()));
  }

  /** {@code text} cut to 80 characters, for messages that quote input. */
  static String shorten(String text) {
    return text.length() > 80 ? text.substring(0, 80) + "…" : text;
  }
}
