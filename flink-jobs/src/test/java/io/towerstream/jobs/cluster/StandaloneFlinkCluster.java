package io.towerstream.jobs.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Flink standalone session cluster on loopback, each process a JVM of its own, started the way
 * Flink's scripts start them: {@code BashJavaUtils} computes each process's JVM memory flags and
 * dynamic configuration from {@code config.yaml}, then {@code StandaloneSessionClusterEntrypoint}
 * (JobManager) and {@code TaskManagerRunner} (TaskManagers) run with {@code --configDir}. Jobs are
 * submitted as {@code flink run} does, through {@code CliFrontend} in a process of its own, and
 * watched and cancelled through the REST API.
 */
final class StandaloneFlinkCluster implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASH_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
  private static final String RESULT = "BASH_JAVA_UTILS_EXEC_RESULT:";
  private static final Pattern SCHEDULING_LOG =
      Pattern.compile(
          ".*(?:[Ss]lot|TaskManager|TaskExecutor|switched from state|Exception|[Hh]eartbeat"
              + "|[Rr]esource requirements).*");

  /**
   * What Flink's default config.yaml puts in env.java.opts.all for Java 17 and later, which its
   * scripts pass.
   */
  static final List<String> JAVA_17_OPTS =
      List.of(
          "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
          "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.text=ALL-UNNAMED",
          "--add-opens=java.base/java.time=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

  private final Path confDir;
  private final Path logDir;
  private final Path tmpDir;
  private final List<String> classpath;
  private final Map<String, String> env;
  private final int restPort;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<JvmProcess> processes = new ArrayList<>();
  private JvmProcess jobManager;
  private final List<JvmProcess> taskManagers = new ArrayList<>();

  private StandaloneFlinkCluster(Path workDir, List<String> classpath, Map<String, String> env)
      throws IOException {
    this.confDir = Files.createDirectories(workDir.resolve("conf"));
    this.logDir = Files.createDirectories(workDir.resolve("log"));
    this.tmpDir = Files.createDirectories(workDir.resolve("tmp"));
    this.classpath = List.copyOf(classpath);
    this.env = Map.copyOf(env);
    this.restPort = freePort();
  }

  /**
   * Writes the configuration and starts the JobManager and {@code taskManagers} TaskManagers with
   * {@code slots} slots each; returns once every TaskManager has registered.
   *
   * @param env environment of every cluster process (e.g. OMP_NUM_THREADS for ND4J)
   */
  static StandaloneFlinkCluster start(
      Path workDir, List<String> classpath, int taskManagers, int slots, Map<String, String> env)
      throws Exception {
    return start(workDir, classpath, taskManagers, slots, env, Map.of());
  }

  /** As above, with extra lines of Flink configuration ({@code key: value}). */
  static StandaloneFlinkCluster start(
      Path workDir,
      List<String> classpath,
      int taskManagers,
      int slots,
      Map<String, String> env,
      Map<String, String> flinkConfig)
      throws Exception {
    StandaloneFlinkCluster cluster = new StandaloneFlinkCluster(workDir, classpath, env);
    try {
      cluster.writeConfig(slots, flinkConfig);
      cluster.startJobManager();
      for (int k = 0; k < taskManagers; k++) {
        cluster.startTaskManager(k);
      }
      cluster.awaitTaskManagers(taskManagers, 0, Duration.ofSeconds(90));
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  String restAddress() {
    return "127.0.0.1:" + restPort;
  }

  List<JvmProcess> taskManagers() {
    return List.copyOf(taskManagers);
  }

  Path logDir() {
    return logDir;
  }

  /**
   * {@code flink run -d -m <rest> -p <parallelism> -c <mainClass> <jar> <args>}; returns the job id
   * it prints.
   */
  String submit(Path jar, String mainClass, int parallelism, List<String> programArgs)
      throws Exception {
    return submit(jar, mainClass, parallelism, programArgs, null);
  }

  /** As above, resuming from a checkpoint or savepoint ({@code flink run -s <path>}) if given. */
  String submit(
      Path jar, String mainClass, int parallelism, List<String> programArgs, String restoreFrom)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of("run", "-d", "-m", restAddress(), "-p", Integer.toString(parallelism)));
    if (restoreFrom != null) {
      args.addAll(List.of("-s", restoreFrom));
    }
    args.addAll(List.of("-c", mainClass, jar.toString()));
    args.addAll(programArgs);
    JvmProcess cli =
        start(
            "flink-run",
            List.of("-Xmx512m", log4j("flink-run")),
            "org.apache.flink.client.cli.CliFrontend",
            args,
            Map.of("FLINK_CONF_DIR", confDir.toString()));
    int rc = cli.awaitExit(Duration.ofMinutes(2));
    if (rc != 0) {
      throw new IllegalStateException("flink run exited with " + rc + ":\n" + cli.tail(80));
    }
    Matcher m =
        cli.awaitLine(
            Pattern.compile("Job has been submitted with JobID ([0-9a-f]{32})"),
            Duration.ofSeconds(1));
    return m.group(1);
  }

  /** GET on the REST API, parsed. */
  JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://" + restAddress() + path))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "GET " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  /** Waits until the job is RUNNING with every subtask running; returns the job's details. */
  JsonNode awaitRunning(String jobId, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode job = null;
    while (System.nanoTime() < deadline) {
      job = get("/jobs/" + jobId);
      boolean allRunning = job.path("state").asText().equals("RUNNING");
      for (JsonNode v : job.path("vertices")) {
        allRunning &= v.path("status").asText().equals("RUNNING");
      }
      if (allRunning) {
        return job;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(
        "job "
            + jobId
            + " not running within "
            + timeout
            + ": "
            + job
            + "\n"
            + schedulingDiagnostics());
  }

  /**
   * What explains tasks that wait for slots: each TaskManager's slots as the REST API reports them,
   * and the JobManager's last log lines about slots, TaskManagers and failures (the cluster's logs
   * stay in the work directory, which a CI machine does not keep).
   */
  String schedulingDiagnostics() {
    StringBuilder out = new StringBuilder("TaskManagers (id, slots, free):");
    try {
      for (JsonNode tm : get("/taskmanagers").path("taskmanagers")) {
        out.append(' ')
            .append(tm.path("id").asText())
            .append('/')
            .append(tm.path("slotsNumber").asInt())
            .append('/')
            .append(tm.path("freeSlots").asInt());
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      out.append(" unavailable (").append(e.getMessage()).append(')');
    }
    out.append("\nprocesses alive:");
    for (JvmProcess p : processes) {
      out.append(' ').append(p.name()).append('=').append(p.isAlive());
    }
    List<String> relevant =
        jobManager.linesMatching(SCHEDULING_LOG).stream().map(m -> m.group()).toList();
    out.append("\nJobManager log about slots and failures (last ")
        .append(Math.min(40, relevant.size()))
        .append(" of ")
        .append(relevant.size())
        .append(" lines):\n")
        .append(
            String.join(
                "\n", relevant.subList(Math.max(0, relevant.size() - 40), relevant.size())));
    return out.toString();
  }

  /**
   * Stops the job with drain (sources end, operators finish) and a savepoint into {@code dir};
   * waits for FINISHED.
   */
  void stopWithDrain(String jobId, Path dir, Duration timeout) throws Exception {
    String body =
        "{\"drain\": true, \"targetDirectory\": \""
            + dir.toUri()
            + "\", \"formatType\": \"CANONICAL\"}";
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://" + restAddress() + "/jobs/" + jobId + "/stop"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 202 && r.statusCode() != 200) {
      throw new IllegalStateException(
          "stop of " + jobId + " answered " + r.statusCode() + ": " + r.body());
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    String state = "";
    while (System.nanoTime() < deadline) {
      state = get("/jobs/" + jobId).path("state").asText();
      if (state.equals("FINISHED")) {
        return;
      }
      if (state.equals("FAILED") || state.equals("CANCELED")) {
        break;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("job " + jobId + " is " + state + " after stop with drain");
  }

  /**
   * The TaskManager process that runs the vertex whose name starts with {@code vertexPrefix}
   * (parallelism 1), or null while the subtask is being rescheduled (the REST API then says
   * "(unassigned)").
   */
  JvmProcess taskManagerRunning(String jobId, String vertexPrefix) throws Exception {
    return taskManagerRunning(jobId, vertexPrefix, 0);
  }

  /** As above, for one subtask of the vertex. */
  JvmProcess taskManagerRunning(String jobId, String vertexPrefix, int subtask) throws Exception {
    String tm =
        get("/jobs/" + jobId + "/vertices/" + vertex(jobId, vertexPrefix).path("id").asText())
            .path("subtasks")
            .get(subtask)
            .path("taskmanager-id")
            .asText();
    if (!tm.startsWith("tm-")) {
      return null;
    }
    return taskManagers.get(Integer.parseInt(tm.substring("tm-".length())));
  }

  /**
   * The job's first vertex whose name starts with {@code prefix} ("Trainer" is the trainer, not the
   * "Trainer status sink" after it).
   */
  private JsonNode vertex(String jobId, String prefix) throws Exception {
    for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
      if (v.path("name").asText().startsWith(prefix)) {
        return v;
      }
    }
    throw new IllegalStateException("no vertex " + prefix + "… in job " + jobId);
  }

  /**
   * A metric of the vertex whose name starts with {@code vertexPrefix}, aggregated over its
   * subtasks ({@code min}, {@code max}, {@code sum}), once Flink's metric fetcher has it; null when
   * it has not within {@code timeout}.
   */
  JsonNode subtaskMetric(
      String jobId, String vertexPrefix, String metric, String aggregates, Duration timeout)
      throws Exception {
    String base =
        "/jobs/"
            + jobId
            + "/vertices/"
            + vertex(jobId, vertexPrefix).path("id").asText()
            + "/subtasks/metrics";
    long deadline = System.nanoTime() + timeout.toNanos();
    do {
      for (JsonNode m : get(base)) {
        String id = m.path("id").asText();
        if (id.endsWith("." + metric)) {
          JsonNode value = get(base + "?get=" + id + "&agg=" + aggregates);
          if (value.size() > 0) {
            return value.get(0);
          }
        }
      }
      Thread.sleep(500);
    } while (System.nanoTime() < deadline);
    return null;
  }

  /** The newest completed checkpoint of the job (its external path), as the JobManager knows it. */
  String latestCheckpoint(String jobId) throws Exception {
    JsonNode completed = get("/jobs/" + jobId + "/checkpoints").path("latest").path("completed");
    if (completed.isMissingNode() || completed.isNull()) {
      throw new IllegalStateException("job " + jobId + " has no completed checkpoint");
    }
    return completed.path("external_path").asText();
  }

  /** The id of the job's newest completed checkpoint, 0 when it has none. */
  long latestCheckpointId(String jobId) throws Exception {
    return get("/jobs/" + jobId + "/checkpoints")
        .path("latest")
        .path("completed")
        .path("id")
        .asLong(0);
  }

  /** The checkpoint the job last restored from ({@code id}, {@code restore_timestamp}), or null. */
  JsonNode restoredCheckpoint(String jobId) throws Exception {
    JsonNode restored = get("/jobs/" + jobId + "/checkpoints").path("latest").path("restored");
    return restored.isMissingNode() || restored.isNull() ? null : restored;
  }

  /** Starts one more TaskManager (e.g. in place of a killed one) and waits for it to register. */
  JvmProcess addTaskManager() throws Exception {
    int registered = get("/overview").path("taskmanagers").asInt();
    startTaskManager(taskManagers.size());
    awaitTaskManagers(registered + 1, taskManagers.size() - 1, Duration.ofSeconds(90));
    return taskManagers.get(taskManagers.size() - 1);
  }

  /** Waits until the job is in {@code state} (e.g. CANCELED). */
  void awaitState(String jobId, String state, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String now = "";
    while (System.nanoTime() < deadline) {
      now = get("/jobs/" + jobId).path("state").asText();
      if (now.equals(state)) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("job " + jobId + " is " + now + ", not " + state);
  }

  void cancel(String jobId) throws IOException, InterruptedException {
    http.send(
        HttpRequest.newBuilder(
                URI.create("http://" + restAddress() + "/jobs/" + jobId + "?mode=cancel"))
            .method("PATCH", HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws InterruptedException {
    for (int k = processes.size() - 1; k >= 0; k--) {
      processes.get(k).close();
    }
  }

  // ------------------------------------------------------------------------------------------------------

  private void writeConfig(int slots, Map<String, String> extra) throws IOException {
    StringBuilder extraLines = new StringBuilder();
    extra.forEach((k, v) -> extraLines.append(k).append(": ").append(v).append('\n'));
    String yaml =
        extraLines
            + String.join(
                "\n",
                "jobmanager.rpc.address: 127.0.0.1",
                "jobmanager.rpc.port: " + freePort(),
                "jobmanager.bind-host: 127.0.0.1",
                "jobmanager.memory.process.size: 1024m",
                "taskmanager.bind-host: 127.0.0.1",
                "taskmanager.host: 127.0.0.1",
                "taskmanager.numberOfTaskSlots: " + slots,
                "taskmanager.memory.process.size: 1728m",
                "taskmanager.memory.managed.size: 64m",
                "rest.address: 127.0.0.1",
                "rest.bind-address: 127.0.0.1",
                "rest.port: " + restPort,
                "blob.server.port: " + freePort(),
                // working directories and blob caches inside the work directory, removed with it
                "io.tmp.dirs: " + tmpDir,
                "parallelism.default: 1",
                // the job jar's classes load child-first; Kafka's and ND4J's threads outlive a
                // cancelled task briefly
                "classloader.check-leaked-classloader: false",
                "");
    Files.writeString(confDir.resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
    String log4j =
        String.join(
            "\n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.out.ref = out",
            "appender.out.type = Console",
            "appender.out.name = out",
            "appender.out.layout.type = PatternLayout",
            "appender.out.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} [%t] - %m%n",
            "logger.kafka.name = org.apache.kafka",
            "logger.kafka.level = WARN",
            "");
    Files.writeString(confDir.resolve("log4j.properties"), log4j, StandardCharsets.UTF_8);
  }

  private void startJobManager() throws Exception {
    String[] params = resourceParams("GET_JM_RESOURCE_PARAMS", "jm-params");
    List<String> jvm = new ArrayList<>(Arrays.asList(params[0].trim().split("\\s+")));
    jvm.add(log4j("jobmanager"));
    List<String> args = new ArrayList<>(List.of("--configDir", confDir.toString()));
    args.addAll(dynamicArgs(params[1]));
    jobManager =
        start(
            "jobmanager",
            jvm,
            "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
            args,
            env);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        get("/overview");
        return;
      } catch (IOException | IllegalStateException e) {
        if (System.nanoTime() > deadline || !jobManager.isAlive()) {
          throw new IllegalStateException(
              "the JobManager's REST API did not come up:\n" + jobManager.tail(60), e);
        }
        Thread.sleep(250);
      }
    }
  }

  private void startTaskManager(int index) throws Exception {
    String[] params = resourceParams("GET_TM_RESOURCE_PARAMS", "tm-params-" + index);
    List<String> jvm = new ArrayList<>(Arrays.asList(params[0].trim().split("\\s+")));
    jvm.add(log4j("taskmanager-" + index));
    jvm.add("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.towerstream.schemas.avro");
    List<String> args = new ArrayList<>(List.of("--configDir", confDir.toString()));
    args.addAll(dynamicArgs(params[1]));
    args.addAll(List.of("-D", "taskmanager.resource-id=tm-" + index));
    taskManagers.add(
        start(
            "taskmanager-" + index,
            jvm,
            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
            args,
            env));
  }

  /**
   * Waits for {@code n} registered TaskManagers; fails if one started from index {@code from}
   * exits.
   */
  private void awaitTaskManagers(int n, int from, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (get("/overview").path("taskmanagers").asInt() >= n) {
        return;
      }
      for (JvmProcess tm : taskManagers.subList(from, taskManagers.size())) {
        if (!tm.isAlive()) {
          throw new IllegalStateException(tm.name() + " exited:\n" + tm.tail(60));
        }
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(
        "only "
            + get("/overview").path("taskmanagers").asInt()
            + " of "
            + n
            + " TaskManagers registered within "
            + timeout);
  }

  /**
   * What Flink's scripts ask BashJavaUtils for: the JVM flags line and the dynamic properties line.
   */
  private String[] resourceParams(String command, String name) throws Exception {
    JvmProcess utils =
        start(
            name,
            List.of("-Xmx128m", log4j(name)),
            BASH_UTILS,
            List.of(command, "--configDir", confDir.toString()),
            env);
    int rc = utils.awaitExit(Duration.ofSeconds(60));
    processes.remove(utils);
    List<String> results =
        Arrays.stream(utils.tail(200).split("\n"))
            .filter(l -> l.startsWith(RESULT))
            .map(l -> l.substring(RESULT.length()))
            .toList();
    if (rc != 0 || results.size() < 2) {
      throw new IllegalStateException(command + " failed (" + rc + "):\n" + utils.tail(40));
    }
    return new String[] {results.get(results.size() - 2), results.get(results.size() - 1)};
  }

  /** "-D a=b -D c=d" as process arguments. */
  private static List<String> dynamicArgs(String line) {
    List<String> out = new ArrayList<>();
    for (String token : line.trim().split("\\s+")) {
      if (!token.isEmpty()) {
        out.add(token);
      }
    }
    return out;
  }

  private String log4j(String name) {
    return "-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri();
  }

  private JvmProcess start(
      String name, List<String> jvm, String main, List<String> args, Map<String, String> env) {
    List<String> jvmArgs = new ArrayList<>(JAVA_17_OPTS);
    jvmArgs.addAll(jvm);
    JvmProcess p = JvmProcess.start(name, classpath, jvmArgs, main, args, env, logDir);
    processes.add(p);
    return p;
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }
}
