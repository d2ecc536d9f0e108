package io.towerstream.store.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.towerstream.schemas.avro.Entity;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Turns raw parameters and bodies into typed values, or a {@link BadRequestException} saying what is wrong. */
final class RequestParsing {
  static final int DEFAULT_K = 10;
  static final int MAX_K = 1000;

  /** A parsed {@code POST /v1/candidates} body. */
  record VectorQuery(float[] vector, int k, Set<String> exclude) {}

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

  static Entity entity(String raw) {
    return switch (raw.toLowerCase(Locale.ROOT)) {
      case "user" -> Entity.USER;
      case "item" -> Entity.ITEM;
      default -> throw new BadRequestException("entity must be 'user' or 'item', got '" + raw + "'");
    };
  }

  static VectorQuery vectorQuery(ObjectMapper mapper, String body) {
    JsonNode root;
    try {
      root = body == null || body.isBlank() ? null : mapper.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BadRequestException("malformed JSON body: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new BadRequestException(
          "the body must be a JSON object like {\"vector\":[...],\"k\":10,\"exclude\":[...]}");
    }
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
    int k = DEFAULT_K;
    JsonNode kNode = root.get("k");
    if (kNode != null && !kNode.isNull()) {
      if (!kNode.isIntegralNumber() || !kNode.canConvertToInt()) {
        throw kError(kNode.toString());
      }
      k = checkK(kNode.intValue(), kNode.toString());
    }
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
    return new VectorQuery(vector, k, exclude);
  }

  private static int checkK(int k, String raw) {
    if (k < 1 || k > MAX_K) {
      throw kError(raw);
    }
    return k;
  }

  private static BadRequestException kError(String raw) {
    return new BadRequestException("k must be an integer from 1 to " + MAX_K + ", got '" + raw + "'");
  }
}
