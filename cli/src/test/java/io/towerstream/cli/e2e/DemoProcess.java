package io.towerstream.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged CLI's {@code demo} as a real child process, as a user runs it. */
final class DemoProcess implements AutoCloseable {
  private static final Pattern STORE_URL = Pattern.compile("retrieval store: (http://\\S+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final List<String> output = new ArrayList<>();
  private final CompletableFuture<String> baseUrl = new CompletableFuture<>();
  private final HttpClient http = HttpClient.newHttpClient();

  DemoProcess(Path workDir, List<String> demoArgs) throws IOException {
    Path target = Path.of("target").toAbsolutePath();
    Path jar = target.resolve("towerstream-cli.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException("run after `package`: " + jar + " is missing");
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.towerstream.schemas.avro",
                "-Dtowerstream.log.file=" + workDir.resolve("towerstream.log"),
                "-cp",
                jar + java.io.File.pathSeparator + target.resolve("lib") + "/*",
                "io.towerstream.cli.Towerstream",
                "demo",
                "--port",
                "0",
                "--work-dir",
                workDir.resolve("work").toString()));
    command.addAll(demoArgs);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("OMP_NUM_THREADS", "1");
    process = builder.start();
    Thread reader = new Thread(this::readOutput, "demo-output");
    reader.setDaemon(true);
    reader.start();
  }

  private void readOutput() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (output) {
          output.add(line);
        }
        Matcher m = STORE_URL.matcher(line);
        if (m.find()) {
          baseUrl.complete(m.group(1));
        }
      }
    } catch (IOException ignored) {
      // the process ended
    }
    baseUrl.completeExceptionally(
        new IllegalStateException("demo ended before printing its store URL:\n" + output()));
  }

  long pid() {
    return process.pid();
  }

  String output() {
    synchronized (output) {
      return String.join("\n", output);
    }
  }

  String baseUrl(Duration timeout) throws Exception {
    return baseUrl.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  JsonNode get(String path) throws Exception {
    return JSON.readTree(text(baseUrl(Duration.ofSeconds(1)) + path));
  }

  /** The body of a 200 answer to GET {@code url}. */
  String text(String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  /**
   * Polls /v1/status until replayDone, failing with the demo's output if it does not come in time.
   */
  JsonNode awaitReplayDone(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    baseUrl(timeout);
    JsonNode status = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "demo exited with " + process.exitValue() + ":\n" + output());
      }
      status = get("/v1/status");
      if (status.path("replayDone").asBoolean(false)) {
        return status;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        "no replayDone within " + timeout + "; last status " + status + "\n" + output());
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy(); // SIGTERM: the demo's shutdown hook stops job, store and broker
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
