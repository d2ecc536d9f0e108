package io.towerstream.cli.commands;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --auth-token-file} option of the commands that call a store's HTTP API: the store's
 * bearer token, from the file's first line (as the store reads it) or else the variable {@value
 * #VARIABLE}, never from an argument ({@code ps} shows those).
 */
public final class StoreTokenOption {
  static final String VARIABLE = "TOWERSTREAM_STORE_AUTH_TOKEN";

  @Option(
      names = "--auth-token-file",
      description =
          "File holding the store's bearer token (default: the "
              + VARIABLE
              + " variable, else none).")
  Path file;

  /** Adds {@code Authorization: Bearer <token>} to {@code request} when there is a token. */
  void authorize(HttpRequest.Builder request) throws IOException {
    String token =
        file != null
            ? Files.readString(file, StandardCharsets.US_ASCII).strip().split("\n", 2)[0]
            : System.getenv(VARIABLE);
    if (token != null && !token.isBlank()) {
      request.header("Authorization", "Bearer " + token.strip());
    }
  }
}
