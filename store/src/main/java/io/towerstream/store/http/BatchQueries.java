package io.towerstream.store.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.towerstream.store.query.DimensionMismatchException;
import io.towerstream.store.query.RetrievalService;
import io.towerstream.store.query.UnknownEntityException;
import io.towerstream.store.query.UserCandidates;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/candidates:batch}: several queries in one request, each a user ({@code userId}),
 * a vector ({@code vector}) or an item's neighbours ({@code itemId}), each with its own {@code k},
 * {@code exclude} and {@code modelVersion}, and, for users and vectors, {@code bias} (default
 * true). Entries are answered in order; an entry that fails carries its own {@code status} and
 * {@code error} (the same codes as the single endpoints) and never fails the others. Only a body
 * that is not a JSON object with a {@code queries} array of 1 to {@value #MAX_QUERIES} entries is a
 * 400 for the whole request.
 */
final class BatchQueries {
  static final int MAX_QUERIES = 100;
  private static final Logger LOG = LoggerFactory.getLogger(BatchQueries.class);
  private static final String EXAMPLE =
      "{\"queries\":[{\"userId\":\"u1\",\"k\":10},{\"vector\":[...],\"k\":5}]}";

  private BatchQueries() {}

  static Responses.Batch run(RetrievalService service, ObjectMapper mapper, String body) {
    JsonNode root = RequestParsing.object(mapper, body, EXAMPLE);
    JsonNode queries = root.get("queries");
    if (queries == null
        || !queries.isArray()
        || queries.isEmpty()
        || queries.size() > MAX_QUERIES) {
      throw new BadRequestException(
          "'queries' must be an array of 1 to " + MAX_QUERIES + " queries, like " + EXAMPLE);
    }
    List<Map<String, Object>> results = new ArrayList<>(queries.size());
    for (JsonNode query : queries) {
      results.add(answer(service, query));
    }
    return new Responses.Batch(results);
  }

  private static Map<String, Object> answer(RetrievalService service, JsonNode query) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("status", 200);
    try {
      if (!query.isObject()) {
        throw new BadRequestException(
            "a query must be a JSON object with one of userId, vector, itemId");
      }
      String userId = RequestParsing.text(query, "userId");
      String itemId = RequestParsing.text(query, "itemId");
      boolean hasVector = query.has("vector") && !query.get("vector").isNull();
      int kinds = (userId != null ? 1 : 0) + (itemId != null ? 1 : 0) + (hasVector ? 1 : 0);
      if (kinds != 1) {
        throw new BadRequestException("a query needs exactly one of 'userId', 'vector', 'itemId'");
      }
      if (userId != null) {
        result.put("userId", userId);
        UserCandidates c =
            service.candidatesForUser(
                userId,
                RequestParsing.k(query),
                RequestParsing.exclude(query),
                RequestParsing.modelVersion(query),
                RequestParsing.scoringOrDefault(query));
        result.put("modelVersion", c.modelVersion());
        result.put("candidates", c.candidates());
      } else if (itemId != null) {
        result.put("itemId", itemId);
        RetrievalService.SimilarItems s =
            service.similarItems(
                itemId,
                RequestParsing.k(query),
                RequestParsing.exclude(query),
                RequestParsing.modelVersion(query));
        result.put("modelVersion", s.modelVersion());
        result.put("candidates", s.candidates());
      } else {
        RequestParsing.VectorQuery v = RequestParsing.vectorQuery(query);
        RetrievalService.VectorCandidates c;
        try {
          c =
              service.candidatesForVector(
                  v.vector(),
                  v.k(),
                  v.exclude(),
                  v.modelVersion(),
                  RequestParsing.scoringOrDefault(query));
        } catch (DimensionMismatchException e) {
          throw new BadRequestException(
              e.getMessage()); // the caller sent the vector: their mistake
        }
        result.put("modelVersion", c.modelVersion());
        result.put("candidates", c.candidates());
      }
    } catch (BadRequestException | IllegalArgumentException e) {
      fail(result, 400, e.getMessage());
    } catch (UnknownEntityException e) {
      fail(result, 404, e.getMessage());
    } catch (DimensionMismatchException e) {
      fail(result, 409, e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("batch query {} failed", query, e);
      fail(result, 500, HttpApi.INTERNAL_ERROR);
    }
    return result;
  }

  private static void fail(Map<String, Object> result, int status, String message) {
    result.put("status", status);
    result.remove("modelVersion");
    result.remove("candidates");
    result.put("error", message);
  }
}
