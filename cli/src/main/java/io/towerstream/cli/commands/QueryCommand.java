package io.towerstream.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.towerstream.store.query.ItemTitles;
import java.io.PrintStream;
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

  @Mixin StoreTokenOption token;

  @Override
  public Integer call() throws Exception {
    PrintStream out =
        spec.commandLine().getOut() == null
            ? System.out
            : new PrintStream(System.out, true, StandardCharsets.UTF_8);
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
      System.err.println(
          "towerstream query: no retrieval store answers at "
              + url
              + " (start one with `towerstream demo` or `towerstream serve`)");
      return 3;
    }
    JsonNode body = JSON.readTree(response.body());
    if (response.statusCode() != 200) {
      System.err.println(
          "towerstream query: "
              + response.statusCode()
              + " "
              + body.path("error").asText(response.body()));
      return response.statusCode() == 404 ? 4 : 2;
    }
    out.printf(
        "candidates for user %s (model version %s)%n",
        body.path("userId").asText(), body.path("modelVersion").asText());
    int rank = 1;
    for (JsonNode candidate : body.path("candidates")) {
      String item = candidate.path("itemId").asText();
      String title =
          titles.getOrDefault(item, candidate.path("title").asText("")); // the store's, else ours
      out.printf("%3d  %-12s %8.4f  %s%n", rank++, item, candidate.path("score").asDouble(), title);
    }
    return 0;
  }
}
