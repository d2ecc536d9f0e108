package io.towerstream.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.towerstream.cli.options.ConfigFileOption;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code towerstream store snapshot}: asks a running replica for a RocksDB checkpoint ({@code POST
 * /v1/admin/snapshot}, with the store's bearer token). The directory is written by the replica, on
 * the replica's machine, inside its {@code --snapshot-dir}.
 */
@Command(
    name = "snapshot",
    mixinStandardHelpOptions = true,
    description = {
      "Take a snapshot (RocksDB checkpoint: vectors and Kafka offsets of one instant) of a running "
          + "retrieval store. The directory is created by the store, on the store's machine, inside the "
          + "store's --snapshot-dir, and must not exist. The store serves this only when it runs with a "
          + "bearer token: give the same token here.",
      "Exit status: 0 done, 1 refused by the store (e.g. the directory exists, or no token), 2 bad option, 3 no store answers."
    })
public final class StoreSnapshotCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Mixin ConfigFileOption config;

  @Option(
      names = "--url",
      required = true,
      description = "Base URL of the store, e.g. http://localhost:8080.")
  String url;

  @Option(
      names = "--to",
      description =
          "Name of the directory to create inside the store's --snapshot-dir, e.g. nightly/monday; "
              + "relative, without '..' (default: store-<local time>).")
  String to;

  @Mixin StoreTokenOption token;

  @Override
  public Integer call() throws Exception {
    URI endpoint = endpoint();
    String path =
        to != null
            ? to
            : "store-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> response;
    try {
      // a checkpoint flushes memtables and links files: seconds at most, but give a loaded store
      // room
      HttpRequest.Builder request =
          HttpRequest.newBuilder(endpoint)
              .timeout(Duration.ofMinutes(2))
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      JSON.writeValueAsString(Map.of("path", path))));
      token.authorize(request);
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      err.println("towerstream store snapshot: no retrieval store answers at --url " + url);
      return 3;
    }
    JsonNode body = parse(response.body());
    if (response.statusCode() != 200) {
      err.println(
          "towerstream store snapshot: the store answered "
              + response.statusCode()
              + ": "
              + (body == null ? response.body() : body.path("error").asText(response.body()))
              + (response.statusCode() == 401
                  ? " (give the store's token with --auth-token-file or "
                      + StoreTokenOption.VARIABLE
                      + ")"
                  : ""));
      return 1;
    }
    out.printf(
        "snapshot written by the store to %s: %d users, %d items, %,d bytes, %d ms%n",
        body.path("path").asText(path),
        body.path("users").asLong(),
        body.path("items").asLong(),
        body.path("sizeBytes").asLong(),
        body.path("tookMs").asLong());
    out.flush();
    return 0;
  }

  /**
   * The admin endpoint under {@code --url}; a {@link ParameterException} naming {@code --url} if it
   * is not http(s).
   */
  URI endpoint() {
    try {
      URI base = new URI(url.replaceAll("/+$", ""));
      if (!("http".equals(base.getScheme()) || "https".equals(base.getScheme()))
          || base.getHost() == null) {
        throw new URISyntaxException(url, "not an http(s)://host[:port] URL");
      }
      return URI.create(base + "/v1/admin/snapshot");
    } catch (URISyntaxException e) {
      throw new ParameterException(
          spec.commandLine(),
          "Invalid value for option '--url': "
              + e.getMessage()
              + " (expected e.g. http://localhost:8080)");
    }
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (java.io.IOException e) {
      return null; // not JSON (a proxy's error page): the raw body is reported instead
    }
  }
}
