package io.towerstream.store.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.store.index.Scoring;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns raw parameters and bodies into typed values, or a {@link BadRequestException} saying what
 * is wrong.
 */
final class RequestParsing {
  static final int DEFAULT_K = 10;
  static final int MAX_K = 1000;

  /**
   * A parsed {@code POST /v1/candidates} body; {@code modelVersion} null when not given, {@code
   * scoring} null when {@code bias} was not given (the endpoint's default).
   */
  record VectorQuery(
      float[] vector, int k, Set<String> exclude, Long modelVersion, Scoring scoring) {}

  private RequestParsing() {}

  /** {@code k} from a query parameter: absent means {@value #DEFAULT_K}. */
  static int k(String raw) {
    if (raw == null) {
      return DEFAULT_K;
    }
    try {
      return checkK(Integer.parseInt(raw.trim()), raw);
    } catch (NumberFormatException e) {
      throw kError(raw);
    }
  }

  /** {@code since} of the status history: epoch milliseconds, 0 (everything) when absent. */
  static long since(String raw) {
    if (raw == null || raw.isBlank()) {
      return 0;
    }
    try {
      return Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw new BadRequestException(
          "since must be epoch milliseconds (an integer), got '" + raw + "'");
    }
  }

  /** Item ids from repeated and/or comma-separated {@code exclude} parameters; blanks dropped. */
  static Set<String> excludeCsv(List<String> raws) {
    Set<String> ids = new LinkedHashSet<>();
    for (String raw : raws) {
      for (String id : raw.split(",")) {
        if (!id.isBlank()) {
          ids.add(id.trim());
        }
      }
    }
    return ids;
  }

  /** {@code modelVersion} from a query parameter: absent means null (the endpoint's default). */
  static Long modelVersion(String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      return Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw new BadRequestException("modelVersion must be an integer, got '" + raw + "'");
    }
  }

  /**
   * The scoring from a {@code bias} query parameter: absent means {@code dot + bias}, {@code false}
   * the dot product alone.
   */
  static Scoring scoring(String raw) {
    if (raw == null || raw.isBlank()) {
      return Scoring.DOT_PLUS_BIAS;
    }
    return switch (raw.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> Scoring.DOT_PLUS_BIAS;
      case "false" -> Scoring.DOT;
      default -> throw new BadRequestException("bias must be true or false, got '" + raw + "'");
    };
  }

  /**
   * The scoring from the {@code bias} field of a JSON object: absent or null means null (the
   * default).
   */
  static Scoring scoring(JsonNode root) {
    JsonNode node = root.get("bias");
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isBoolean()) {
      throw new BadRequestException("'bias' must be true or false, got " + node);
    }
    return node.booleanValue() ? Scoring.DOT_PLUS_BIAS : Scoring.DOT;
  }

  /** {@code scoring(root)}, or the default {@code dot + bias} when absent. */
  static Scoring scoringOrDefault(JsonNode root) {
    Scoring scoring = scoring(root);
    return scoring != null ? scoring : Scoring.DOT_PLUS_BIAS;
  }

  static Entity entity(String raw) {
    return switch (raw.toLowerCase(Locale.ROOT)) {
      case "user" -> Entity.USER;
      case "item" -> Entity.ITEM;
      default ->
          throw new BadRequestException("entity must be 'user' or 'item', got '" + raw + "'");
    };
  }

  /**
   * The mapper every body is read with: a key given twice is an error, not the last one winning,
   * since a client (or a proxy that glued two bodies) meant something, and no one can say what.
   */
  static ObjectMapper strictMapper() {
    return JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  }

  /**
   * Parses a JSON body that must be exactly one object, with each key once (given {@link
   * #strictMapper()}) and nothing but whitespace after it; {@code example} shows the expected shape
   * in the error.
   */
  static JsonNode object(ObjectMapper mapper, String body, String example) {
    JsonNode root = null;
    if (body != null && !body.isBlank()) {
      try (JsonParser parser = mapper.createParser(body)) {
        root = mapper.readTree(parser);
        if (parser.nextToken() != null) {
          throw new BadRequestException(
              "malformed JSON body: content after the end of the JSON object, at "
                  + parser.currentLocation().offsetDescription());
        }
      } catch (JsonProcessingException e) {
        throw new BadRequestException(
            "malformed JSON body: " + withoutClassNames(e.getOriginalMessage()));
      } catch (IOException e) {
        throw new UncheckedIOException(e); // a String is never short of bytes
      }
    }
    if (root == null || !root.isObject()) {
      throw new BadRequestException("the body must be a JSON object like " + example);
    }
    return root;
  }

  /**
   * Jackson's words without the advice that names its classes ({@code "Non-standard token 'NaN':
   * enable `JsonReadFeature...` to allow"}, {@code "... allowed (1000, from
   * `StreamReadConstraints...`)"}): the clause holding the first backtick and all after it.
   */
  static String withoutClassNames(String message) {
    int tick = message.indexOf('`');
    if (tick < 0) {
      return message;
    }
    int clause = Math.max(message.lastIndexOf(':', tick), message.lastIndexOf('(', tick));
    String kept = clause < 0 ? "" : message.substring(0, clause).strip();
    return kept.isEmpty() ? "not valid JSON" : kept;
  }

  static VectorQuery vectorQuery(ObjectMapper mapper, String body) {
    return vectorQuery(
        object(mapper, body, "{\"vector\":[...],\"k\":10,\"exclude\":[...],\"bias\":true}"));
  }

  static VectorQuery vectorQuery(JsonNode root) {
    JsonNode vectorNode = root.get("vector");
    if (vectorNode == null || vectorNode.isNull()) {
      throw new BadRequestException("missing field 'vector' (an array of numbers)");
    }
    if (!vectorNode.isArray() || vectorNode.isEmpty()) {
      throw new BadRequestException("'vector' must be a non-empty array of numbers");
    }
    float[] vector = new float[vectorNode.size()];
    for (int i = 0; i < vector.length; i++) {
      JsonNode x = vectorNode.get(i);
      if (!x.isNumber() || !Float.isFinite(x.floatValue())) {
        throw new BadRequestException("'vector' element " + i + " is not a finite number: " + x);
      }
      vector[i] = x.floatValue();
    }
    return new VectorQuery(vector, k(root), exclude(root), modelVersion(root), scoring(root));
  }

  /** {@code k} of a JSON object: absent or null means {@value #DEFAULT_K}. */
  static int k(JsonNode root) {
    JsonNode kNode = root.get("k");
    if (kNode == null || kNode.isNull()) {
      return DEFAULT_K;
    }
    if (!kNode.isIntegralNumber() || !kNode.canConvertToInt()) {
      throw kError(kNode.toString());
    }
    return checkK(kNode.intValue(), kNode.toString());
  }

  /** {@code exclude} of a JSON object: an array of item ids, absent means none. */
  static Set<String> exclude(JsonNode root) {
    Set<String> exclude = new LinkedHashSet<>();
    JsonNode excludeNode = root.get("exclude");
    if (excludeNode != null && !excludeNode.isNull()) {
      if (!excludeNode.isArray()) {
        throw new BadRequestException("'exclude' must be an array of item ids");
      }
      for (JsonNode id : excludeNode) {
        if (!id.isTextual()) {
          throw new BadRequestException("'exclude' must contain only strings, found " + id);
        }
        exclude.add(id.textValue());
      }
    }
    return exclude;
  }

  /** {@code modelVersion} of a JSON object: absent or null means null (the endpoint's default). */
  static Long modelVersion(JsonNode root) {
    JsonNode node = root.get("modelVersion");
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw new BadRequestException("'modelVersion' must be an integer, got " + node);
    }
    return node.longValue();
  }

  /** A non-blank string field, or null when absent. */
  static String text(JsonNode root, String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual() || node.textValue().isBlank()) {
      throw new BadRequestException("'" + field + "' must be a non-empty string, got " + node);
    }
    return node.textValue();
  }

  private static int checkK(int k, String raw) {
    if (k < 1 || k > MAX_K) {
      throw kError(raw);
    }
    return k;
  }

  private static BadRequestException kError(String raw) {
    return new BadRequestException(
        "k must be an integer from 1 to " + MAX_K + ", got '" + raw + "'");
  }
}
