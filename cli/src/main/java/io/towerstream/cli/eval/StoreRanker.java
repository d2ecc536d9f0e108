package io.towerstream.cli.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.towerstream.cli.demo.ProgressBars;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;

/**
 * Ranks users through a retrieval store's public HTTP API ({@code POST /v1/candidates:batch}), as
 * any client of the deployed system would, rather than through its in-process service: the
 * evaluation then covers the request parsing, the exclusion and the index a real caller gets.
 */
final class StoreRanker {
  /** The store's limit on queries per batch request. */
  static final int BATCH = 100;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI batchUri;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private int unknownUsers;

  StoreRanker(String baseUrl) {
    this.batchUri = URI.create(baseUrl + "/v1/candidates:batch");
  }

  /**
   * The top {@code k} item ids, best first, for each user, never one of that user's {@code
   * exclude}d items. A user the store does not know gets an empty list (counted in {@link
   * #unknownUsers}).
   *
   * @throws IllegalStateException when the store fails a query for any other reason
   */
  Map<String, List<String>> rank(Map<String, ? extends Collection<String>> exclude, int k)
      throws IOException, InterruptedException {
    Map<String, List<String>> out = new LinkedHashMap<>();
    List<String> users = new ArrayList<>(exclude.keySet());
    try (ProgressBar bar =
        ProgressBars.onStderr("ranking", users.size(), 120)
            .showSpeed()
            .setUnit(" users", 1)
            .build()) {
      rank(users, exclude, k, out, bar);
    }
    return out;
  }

  private void rank(
      List<String> users,
      Map<String, ? extends Collection<String>> exclude,
      int k,
      Map<String, List<String>> out,
      ProgressBar bar)
      throws IOException, InterruptedException {
    for (int from = 0; from < users.size(); from += BATCH) {
      List<String> chunk = users.subList(from, Math.min(users.size(), from + BATCH));
      ObjectNode body = JSON.createObjectNode();
      ArrayNode queries = body.putArray("queries");
      for (String user : chunk) {
        ObjectNode q = queries.addObject().put("userId", user).put("k", k);
        ArrayNode ex = q.putArray("exclude");
        exclude.get(user).forEach(ex::add);
      }
      JsonNode results = post(body).path("results");
      for (int i = 0; i < chunk.size(); i++) {
        out.put(chunk.get(i), candidates(results.get(i), chunk.get(i)));
      }
      bar.stepBy(chunk.size());
    }
  }

  /** Test users the store held no vector for in the last {@link #rank} calls. */
  int unknownUsers() {
    return unknownUsers;
  }

  private List<String> candidates(JsonNode result, String user) {
    int status = result == null ? -1 : result.path("status").asInt(-1);
    if (status == 404) {
      unknownUsers++;
      return List.of();
    }
    if (status != 200) {
      throw new IllegalStateException(
          "the store failed the query for user '"
              + user
              + "' at "
              + batchUri
              + ": "
              + (result == null ? "no result" : result.toString()));
    }
    List<String> ids = new ArrayList<>();
    result.path("candidates").forEach(c -> ids.add(c.path("itemId").asText()));
    return ids;
  }

  private JsonNode post(ObjectNode body) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(batchUri)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          batchUri + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }
}
