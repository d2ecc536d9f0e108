package io.towerstream.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.towerstream.cli.options.ConfigFileOption;
import io.towerstream.store.query.ItemTitles;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Asks a running retrieval store for a user's candidates and prints them, with titles when known.
 */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description = "Top-K candidate items for a user from a running retrieval store.")
public final class QueryCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Mixin ConfigFileOption config;

  @Option(names = "--user", required = true, description = "User id to recommend for.")
  String userId;

  @Option(
      names = {"-k", "--k"},
      defaultValue = "10",
      description = "Number of candidates (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(
      names = "--url",
      defaultValue = "http://localhost:8080",
      description = "Base URL of the retrieval store (default: ${DEFAULT-VALUE}).")
  String url;

  @Option(
      names = "--items",
      description =
          "Titles to print beside item ids (u.item or id,title CSV), over those the store was given.")
  Path itemsFile;

  @Option(
      names = "--json",
      description =
          "Print the store's answer as one JSON object ({\"userId\", \"modelVersion\", \"candidates\": "
              + "[{\"itemId\", \"score\", \"bias\", \"title\"}]}), titles from --items included, "
              + "instead of a table.")
  boolean json;

  @Mixin StoreTokenOption token;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Map<String, String> titles = itemsFile == null ? Map.of() : ItemTitles.read(itemsFile);
    URI uri =
        URI.create(
            url.replaceAll("/+$", "")
                + "/v1/users/"
                + URLEncoder.encode(userId, StandardCharsets.UTF_8).replace("+", "%20")
                + "/candidates?k="
                + k);
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
    token.authorize(request);
    HttpResponse<String> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.net.ConnectException e) {
      err.println(
          "towerstream query: no retrieval store answers at "
              + url
              + " (start one with `towerstream demo` or `towerstream serve`)");
      return 3;
    }
    JsonNode body = JSON.readTree(response.body());
    if (response.statusCode() != 200) {
      err.println(
          "towerstream query: "
              + response.statusCode()
              + " "
              + body.path("error").asText(response.body()));
      return response.statusCode() == 404 ? 4 : 2;
    }
    for (JsonNode candidate : body.path("candidates")) {
      String title = titles.get(candidate.path("itemId").asText());
      if (title != null) { // ours over the store's
        ((ObjectNode) candidate).put("title", title);
      }
    }
    if (json) {
      out.println(JSON.writeValueAsString(body));
      out.flush();
      return 0;
    }
    out.printf(
        "candidates for user %s (model version %s)%n",
        body.path("userId").asText(), body.path("modelVersion").asText());
    int rank = 1;
    for (JsonNode candidate : body.path("candidates")) {
      out.printf(
          "%3d  %-12s %8.4f  %s%n",
          rank++,
          candidate.path("itemId").asText(),
          candidate.path("score").asDouble(),
          candidate.path("title").asText(""));
    }
    out.flush();
    return 0;
  }
}
