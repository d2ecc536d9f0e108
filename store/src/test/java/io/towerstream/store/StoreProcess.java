package io.towerstream.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.towerstream.schemas.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * A store ({@link StoreMain}) as a real child process on loopback, its output copied to a log file
 * by this JVM (through a pipe, so the child itself writes no file but RocksDB's), and its HTTP API.
 */
final class StoreProcess implements AutoCloseable {
  private static final Pattern SERVING = Pattern.compile("serving http://[^:]+:(\\d+)");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path log;
  private final int port;

  private StoreProcess(Process process, Path log) throws Exception {
    this.process = process;
    this.log = log;
    Thread copier = new Thread(() -> copy(process.getInputStream(), log), "store-log-copier");
    copier.setDaemon(true);
    copier.start();
    this.port = awaitPort();
  }

  /** Starts a store on {@code db}, consuming from {@code bootstrapServers}, with {@code extra}. */
  static StoreProcess start(String bootstrapServers, Path db, Path log, String... extra)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx512m",
                "-XX:-UsePerfData",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES="
                    + System.getProperty(
                        "org.apache.avro.SERIALIZABLE_PACKAGES", "io.towerstream.schemas.avro"),
                "-cp",
                System.getProperty("java.class.path"),
                StoreMain.class.getName(),
                "--bootstrap-servers",
                bootstrapServers,
                "--db-path",
                db.toString(),
                "--host",
                "127.0.0.1",
                "--port",
                "0"));
    command.addAll(List.of(extra));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      return new StoreProcess(p, log);
    } catch (Exception | AssertionError e) {
      p.destroyForcibly();
      throw e;
    }
  }

  long pid() {
    return process.pid();
  }

  Process process() {
    return process;
  }

  int port() {
    return port;
  }

  /** GETs {@code path}; any status. */
  HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** GETs {@code path}, which must answer 200 with JSON. */
  JsonNode getJson(String path) throws Exception {
    HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /** Waits until {@code /ready} answers 200. */
  void awaitReady(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (get("/ready").statusCode() == 200) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the store never became ready:\n" + log());
  }

  /** SIGTERM (a clean close, so RocksDB can be opened by the test), then waits for the exit. */
  void stop() throws InterruptedException {
    process.destroy();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
  }

  /** What the process printed so far. */
  String log() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  /** The end offsets of the embeddings topic's {@code partitions} partitions. */
  static Map<TopicPartition, Long> embeddingsEndOffsets(String bootstrapServers, int partitions)
      throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        request.put(new TopicPartition(Topics.EMBEDDINGS.defaultName(), p), OffsetSpec.latest());
      }
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin.listOffsets(request).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
      return ends;
    }
  }

  private int awaitPort() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = SERVING.matcher(log());
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      assertThat(process.isAlive()).as("store process exited early:\n" + log()).isTrue();
      Thread.sleep(20);
    }
    throw new AssertionError("the store process did not report its port:\n" + log());
  }

  private static void copy(InputStream in, Path log) {
    try (in;
        OutputStream out = Files.newOutputStream(log)) {
      byte[] buffer = new byte[8192];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // the process ended
    }
  }
}
