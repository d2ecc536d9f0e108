package io.towerstream.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.towerstream.cli.commands.TowerstreamCommand;
import io.towerstream.jobs.JobConfig;
import io.towerstream.jobs.TrainingJob;
import io.towerstream.schemas.TopicProvisioner;
import io.towerstream.store.StoreArgs;
import io.towerstream.store.StoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What docker/ and infra/ deploy, checked against the code they run: every manifest parses, every
 * topic the code needs exists with its settings, every command line and option parses with the
 * process's own parser, and every name one resource refers to (images, ports, labels, config maps,
 * volumes, scrape targets) exists where it points. No container engine or Kubernetes here: the
 * images and clusters themselves are not started.
 */
class DeploymentManifestsTest {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static Path root;
  private static List<JsonNode> k8s;
  private static JsonNode compose;
  private static String version;

  @BeforeAll
  static void load() throws IOException {
    root = Path.of("..").toAbsolutePath().normalize();
    assertThat(root.resolve("infra/k8s")).as("run from the cli module").isDirectory();
    k8s = new ArrayList<>();
    try (Stream<Path> files = Files.list(root.resolve("infra/k8s"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        k8s.addAll(documents(f));
      }
    }
    k8s.addAll(documents(root.resolve("infra/monitoring/prometheus.yaml")));
    compose = YAML.readTree(root.resolve("docker/docker-compose.yml").toFile());
    Matcher m =
        Pattern.compile("<artifactId>towerstream-parent</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(Files.readString(root.resolve("pom.xml")));
    assertThat(m.find()).isTrue();
    version = m.group(1).replace("-SNAPSHOT", "");
  }

  @Test
  void everyManifestIsAKubernetesResourceInTheNamespace() {
    assertThat(k8s).hasSizeGreaterThan(10);
    Set<String> seen = new HashSet<>();
    for (JsonNode r : k8s) {
      String id = r.path("kind").asText() + "/" + r.path("metadata").path("name").asText();
      assertThat(r.path("apiVersion").asText()).as(id).isNotBlank();
      assertThat(r.path("metadata").path("name").asText()).as(id).isNotBlank();
      assertThat(seen.add(id)).as("defined once: " + id).isTrue();
      if (!r.path("kind").asText().equals("Namespace")) {
        assertThat(r.path("metadata").path("namespace").asText()).as(id).isEqualTo(namespace());
      }
    }
  }

  @Test
  void everyTopicTheCodeNeedsIsAKafkaTopicWithItsSettings() {
    JsonNode kafka = one("Kafka");
    List<JsonNode> topics = all("KafkaTopic");
    int brokers =
        all("KafkaNodePool").stream()
            .filter(p -> contains(p.path("spec").path("roles"), "broker"))
            .mapToInt(p -> p.path("spec").path("replicas").asInt())
            .sum();
    List<NewTopic> plan =
        TopicProvisioner.plan(TopicProvisioner.TopicNames.defaults(), 12, (short) 3);
    assertThat(topics.stream().map(t -> t.path("metadata").path("name").asText()))
        .containsExactlyInAnyOrderElementsOf(plan.stream().map(NewTopic::name).toList());
    for (NewTopic wanted : plan) {
      JsonNode t =
          topics.stream()
              .filter(x -> x.path("metadata").path("name").asText().equals(wanted.name()))
              .findFirst()
              .orElseThrow();
      JsonNode spec = t.path("spec");
      assertThat(t.path("metadata").path("labels").path("strimzi.io/cluster").asText())
          .as(wanted.name())
          .isEqualTo(kafka.path("metadata").path("name").asText());
      if (wanted.numPartitions() == 1) {
        assertThat(spec.path("partitions").asInt())
            .as(wanted.name() + ": single partition")
            .isEqualTo(1);
      }
      assertThat(spec.path("replicas").asInt()).as(wanted.name()).isBetween(1, brokers);
      Map<String, String> config = new HashMap<>();
      spec.path("config")
          .fields()
          .forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
      Map<String, String> expected = wanted.configs() == null ? Map.of() : wanted.configs();
      assertThat(config).as(wanted.name() + " config").isEqualTo(expected);
    }
    assertThat(kafka.path("spec").path("kafka").path("version").asText())
        .as("the broker the tests run")
        .isEqualTo(AppInfoParser.getVersion());
  }

  @Test
  void theFlinkDeploymentRunsTheJobTheImageHolds() throws IOException {
    JsonNode deployment = one("FlinkDeployment");
    JsonNode spec = deployment.path("spec");
    assertThat(spec.path("image").asText()).isEqualTo("towerstream/job:" + version);
    JsonNode job = spec.path("job");
    assertThat(job.path("entryClass").asText()).isEqualTo(TrainingJob.class.getName());
    String jar = job.path("jarURI").asText().replace("local://", "");
    assertThat(Files.readString(root.resolve("docker/Dockerfile.job"))).contains("-job.jar " + jar);

    JsonNode flink = spec.path("flinkConfiguration");
    // the job reads its options from the Flink configuration (towerstream.*) below any flags
    JobConfig config =
        JobConfig.fromCommandLine(
            strings(job.path("args")).toArray(String[]::new), Map.of(), map(flink));
    assertThat(config.bootstrapServers())
        .isEqualTo(kafkaBootstrap())
        .isEqualTo(configMap("towerstream-kafka").path("KAFKA_BOOTSTRAP").asText());
    assertThat(String.join(" ", config.toArgs())).contains("--delivery exactly-once");
    assertThat(config.stateBackend())
        .as("the cluster's state.backend.type, not repeated as a job option")
        .isNull();
    assertThat(config.checkpointDir()).as("the cluster's execution.checkpointing.dir").isNull();
    assertThat(flink.path("execution.checkpointing.dir").asText()).startsWith("s3://");
    assertThat(flink.path("state.backend.type").asText()).isEqualTo("rocksdb");
    assertThat(flink.path("high-availability.type").asText()).isEqualTo("kubernetes");
    assertThat(flink.path("high-availability.storageDir").asText()).startsWith("s3://");
    assertThat(job.path("parallelism").asInt()).isGreaterThanOrEqualTo(config.trainerParallelism());
    int metricsPort = Integer.parseInt(flink.path("metrics.reporter.prom.port").asText());
    assertThat(flink.path("metrics.reporter.prom.factory.class").asText())
        .isEqualTo(io.towerstream.cli.demo.LocalTrainingJob.PROMETHEUS_REPORTER);
    assertThat(containerPort(spec.path("podTemplate").path("spec"), "metrics"))
        .isEqualTo(metricsPort);
    assertThat(scrapeJob("towerstream-training"))
        .contains("regex: " + deployment.path("metadata").path("name").asText())
        .contains("regex: metrics");
    assertThat(spec.path("serviceAccount").asText()).isNotBlank();
  }

  @Test
  void theStoreStatefulSetRunsWhatTheStoreAccepts() throws IOException {
    JsonNode set = one("StatefulSet");
    JsonNode pod = set.path("spec").path("template");
    Map<String, String> labels = map(pod.path("metadata").path("labels"));
    assertThat(map(set.path("spec").path("selector").path("matchLabels"))).isEqualTo(labels);
    JsonNode container = pod.path("spec").path("containers").get(0);
    assertThat(container.path("image").asText()).isEqualTo("towerstream/store:" + version);
    Map<String, String> env = new HashMap<>();
    for (JsonNode from : container.path("envFrom")) {
      String name = from.path("configMapRef").path("name").asText();
      configMap(name).fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    }
    List<String> args =
        new ArrayList<>(dockerEntrypoint("Dockerfile.store")); // args replace CMD only
    for (String a : strings(container.path("args"))) {
      Matcher m = Pattern.compile("\\$\\(([A-Z_]+)\\)").matcher(a);
      args.add(
          m.replaceAll(
              r -> {
                assertThat(env)
                    .as("$(" + r.group(1) + ") comes from a config map")
                    .containsKey(r.group(1));
                return env.get(r.group(1));
              }));
    }
    StoreConfig config = storeConfig(args);
    assertThat(config.bootstrapServers()).isEqualTo(kafkaBootstrap());
    int http = containerPort(pod.path("spec"), "http");
    assertThat(config.httpPort()).isEqualTo(http);
    assertThat(config.httpHost()).as("reachable from other pods").isEqualTo("0.0.0.0");
    assertThat(pod.path("metadata").path("annotations").path("prometheus.io/port").asText())
        .isEqualTo(Integer.toString(http));
    // /ready answers without the token (a probe cannot send one) and turns 503 on a full volume
    assertThat(container.path("readinessProbe").path("httpGet").path("path").asText())
        .as("ready once caught up, not merely alive")
        .isEqualTo("/ready");
    assertThat(container.path("livenessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/health");
    assertThat(container.path("readinessProbe").path("httpGet").path("port").asText())
        .isEqualTo("http");
    // both probes are routes of the store that answer without its bearer token (a probe sends none)
    JsonNode api =
        new ObjectMapper().readTree(root.resolve("store/src/main/resources/openapi.json").toFile());
    for (String probe : List.of("readinessProbe", "livenessProbe")) {
      String path = container.path(probe).path("httpGet").path("path").asText();
      assertThat(api.path("paths").path(path).path("get").path("security").toString())
          .as(path + " is a route of the store, open without the token")
          .isEqualTo("[]");
    }
    String mount = container.path("volumeMounts").get(0).path("mountPath").asText();
    assertThat(config.dbPath().toString()).startsWith(mount);
    assertThat(
            set.path("spec")
                .path("volumeClaimTemplates")
                .get(0)
                .path("metadata")
                .path("name")
                .asText())
        .isEqualTo(container.path("volumeMounts").get(0).path("name").asText());

    JsonNode service =
        all("Service").stream()
            .filter(
                s ->
                    s.path("metadata")
                        .path("name")
                        .asText()
                        .equals(set.path("spec").path("serviceName").asText()))
            .findFirst()
            .orElseThrow();
    assertThat(map(service.path("spec").path("selector"))).isEqualTo(labels);
    assertThat(service.path("spec").path("ports").get(0).path("targetPort").asText())
        .isEqualTo("http");
    JsonNode pdb = one("PodDisruptionBudget");
    assertThat(map(pdb.path("spec").path("selector").path("matchLabels"))).isEqualTo(labels);
    assertThat(scrapeJob("towerstream-store"))
        .contains("regex: " + labels.get("app"))
        .contains("regex: http");
  }

  /**
   * The store's token comes from a Secret through the variable the store reads; the Secret as
   * committed holds no usable token (the store refuses to start on it), and every scrape of the
   * store's /metrics sends the same Secret's token as a bearer token.
   */
  @Test
  void theStoresTokenIsASecretThatTheStoreAndPrometheusBothUse() throws IOException {
    JsonNode pod = one("StatefulSet").path("spec").path("template");
    JsonNode container = pod.path("spec").path("containers").get(0);
    JsonNode ref = null;
    for (JsonNode e : container.path("env")) {
      if (e.path("name").asText().equals("TOWERSTREAM_STORE_AUTH_TOKEN")) {
        ref = e.path("valueFrom").path("secretKeyRef");
      }
    }
    assertThat(ref).as("TOWERSTREAM_STORE_AUTH_TOKEN from a secretKeyRef").isNotNull();
    String secretName = ref.path("name").asText();
    String key = ref.path("key").asText();
    JsonNode secret =
        all("Secret").stream()
            .filter(r -> r.path("metadata").path("name").asText().equals(secretName))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no Secret " + secretName));
    assertThat(secret.path("stringData").has(key)).as("the Secret has the key " + key).isTrue();

    List<String> args = new ArrayList<>(dockerEntrypoint("Dockerfile.store"));
    args.addAll(
        strings(container.path("args")).stream()
            .map(a -> a.replace("$(KAFKA_BOOTSTRAP)", kafkaBootstrap()))
            .toList());
    String[] serve = args.subList(2, args.size()).toArray(String[]::new);
    String token = "0123456789abcdef0123456789abcdef";
    assertThat(StoreArgs.parse(serve, Map.of("TOWERSTREAM_STORE_AUTH_TOKEN", token)).authToken())
        .isEqualTo(token);
    String committed = secret.path("stringData").path(key).asText();
    assertThatThrownBy(
            () -> StoreArgs.parse(serve, Map.of("TOWERSTREAM_STORE_AUTH_TOKEN", committed)))
        .as("applied as committed, the Secret leaves no store running without a real token")
        .hasMessageContaining("--auth-token-file");

    assertThat(scrapeJob("towerstream-store"))
        .contains("type: Bearer")
        .contains("credentials_file: /etc/prometheus/secrets/" + secretName + "/" + key);
    JsonNode monitor = one("PodMonitor").path("spec");
    assertThat(map(monitor.path("selector").path("matchLabels")))
        .isEqualTo(map(pod.path("metadata").path("labels")));
    JsonNode endpoint = monitor.path("podMetricsEndpoints").get(0);
    assertThat(endpoint.path("port").asText()).isEqualTo("http");
    assertThat(endpoint.path("path").asText()).isEqualTo("/metrics");
    assertThat(endpoint.path("authorization").path("type").asText()).isEqualTo("Bearer");
    assertThat(map(endpoint.path("authorization").path("credentials")))
        .isEqualTo(Map.of("name", secretName, "key", key));
  }

  @Test
  void composePublishesEveryPortOnLoopbackUnlessTold() {
    int published = 0;
    for (Map.Entry<String, JsonNode> e : iterable(compose.path("services"))) {
      for (JsonNode port : e.getValue().path("ports")) {
        assertThat(port.asText())
            .as(e.getKey() + " publishes " + port.asText())
            .startsWith("${TOWERSTREAM_PUBLISH_ADDRESS:-127.0.0.1}:");
        published++;
      }
    }
    assertThat(published).as("ports published").isGreaterThanOrEqualTo(5);
  }

  @Test
  void composeRunsTheImagesAndOptionsOfTheCode() throws IOException {
    JsonNode services = compose.path("services");
    Set<String> declaredVolumes = new HashSet<>();
    compose.path("volumes").fieldNames().forEachRemaining(declaredVolumes::add);
    String kafkaListener = "kafka:9092";
    assertThat(services.path("kafka").path("image").asText())
        .isEqualTo("apache/kafka:" + AppInfoParser.getVersion());
    assertThat(
            services.path("kafka").path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText())
        .contains("PLAINTEXT://" + kafkaListener);
    List<String> storeEntrypoint = dockerEntrypoint("Dockerfile.store");
    int checked = 0;
    for (Map.Entry<String, JsonNode> e : iterable(services)) {
      String name = e.getKey();
      JsonNode s = e.getValue();
      String image = s.path("image").asText();
      if (s.has("build")) {
        assertThat(
                root.resolve("docker")
                    .resolve(s.path("build").path("context").asText())
                    .resolve(s.path("build").path("dockerfile").asText()))
            .as(name)
            .isRegularFile();
      }
      for (JsonNode v : s.path("volumes")) {
        assertThat(declaredVolumes).as(name + " volume").contains(v.asText().split(":")[0]);
      }
      if (image.equals("towerstream/store:" + version)) {
        List<String> command;
        if (s.has("entrypoint")) { // another CLI command than serve
          command = strings(s.path("entrypoint"));
          assertThat(command.get(0)).isEqualTo("bin/towerstream");
          List<String> cli = command.subList(1, command.size());
          assertThatCode(
                  () ->
                      new CommandLine(TowerstreamCommand.class)
                          .parseArgs(cli.toArray(String[]::new)))
              .as(name)
              .doesNotThrowAnyException();
        } else {
          command = new ArrayList<>(storeEntrypoint);
          command.addAll(strings(s.path("command")));
          StoreConfig config = storeConfig(command);
          assertThat(config.bootstrapServers()).isEqualTo(kafkaListener);
          assertThat(s.path("ports").get(0).asText()).as(name).endsWith(":" + config.httpPort());
        }
        assertThat(String.join(" ", command)).as(name).contains(kafkaListener);
        checked++;
      } else if (image.equals("towerstream/job:" + version)) {
        List<String> command = strings(s.path("command"));
        if (command.get(0).equals("standalone-job")) {
          assertThat(command.subList(0, 3))
              .containsExactly("standalone-job", "--job-classname", TrainingJob.class.getName());
          JobConfig config = parseJobArgs(command.subList(3, command.size()));
          assertThat(config.bootstrapServers()).isEqualTo(kafkaListener);
          assertThat(s.path("environment").path("FLINK_PROPERTIES").asText())
              .contains("execution.checkpointing.dir: " + config.checkpointDir());
        } else {
          assertThat(command).containsExactly("taskmanager");
        }
        String properties = s.path("environment").path("FLINK_PROPERTIES").asText();
        assertThat(properties)
            .contains("jobmanager.rpc.address: jobmanager")
            .contains(io.towerstream.cli.demo.LocalTrainingJob.PROMETHEUS_REPORTER);
        checked++;
      } else {
        assertThat(name).isEqualTo("kafka");
      }
    }
    assertThat(checked)
        .as("topics, job manager, task manager, two stores, click generator")
        .isEqualTo(6);
  }

  @Test
  void theDashboardIsValidGrafanaJsonWithAQueryPerPanel() throws IOException {
    JsonNode dashboard =
        new ObjectMapper()
            .readTree(root.resolve("infra/monitoring/grafana-dashboard.json").toFile());
    Set<Integer> ids = new HashSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(ids.add(panel.path("id").asInt())).isTrue();
      assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
      for (JsonNode t : panel.path("targets")) {
        assertThat(t.path("expr").asText()).matches(".*(flink_|towerstream_store_).*");
      }
    }
    assertThat(DashboardMetrics.names(dashboard))
        .as("metric names, checked against live scrapes in DemoITCase")
        .isNotEmpty();
  }

  // ------------------------------------------------------------------------------------------------------

  private static List<JsonNode> documents(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(file.toFile())) {
      for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isEmpty()) {
          out.add(doc);
        }
      }
    }
    return out;
  }

  private static String namespace() {
    return one("Namespace").path("metadata").path("name").asText();
  }

  private static List<JsonNode> all(String kind) {
    return k8s.stream().filter(r -> r.path("kind").asText().equals(kind)).toList();
  }

  private static JsonNode one(String kind) {
    List<JsonNode> found = all(kind);
    assertThat(found).as(kind).hasSize(1);
    return found.get(0);
  }

  private static JsonNode configMap(String name) {
    return all("ConfigMap").stream()
        .filter(c -> c.path("metadata").path("name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no ConfigMap " + name))
        .path("data");
  }

  /** Strimzi's bootstrap service of the Kafka resource, on its plain listener. */
  private static String kafkaBootstrap() {
    JsonNode kafka = one("Kafka");
    int port = 0;
    for (JsonNode l : kafka.path("spec").path("kafka").path("listeners")) {
      if (!l.path("tls").asBoolean()) {
        port = l.path("port").asInt();
      }
    }
    return kafka.path("metadata").path("name").asText()
        + "-kafka-bootstrap."
        + namespace()
        + ".svc:"
        + port;
  }

  private static String scrapeJob(String job) {
    String config = configMap("towerstream-prometheus").path("prometheus.yml").asText();
    int at = config.indexOf("job_name: " + job);
    assertThat(at).as("scrape job " + job).isNotNegative();
    int next = config.indexOf("job_name:", at + 1);
    return next < 0 ? config.substring(at) : config.substring(at, next);
  }

  private static int containerPort(JsonNode podSpec, String name) {
    for (JsonNode c : podSpec.path("containers")) {
      for (JsonNode p : c.path("ports")) {
        if (p.path("name").asText().equals(name)) {
          return p.path("containerPort").asInt();
        }
      }
    }
    throw new AssertionError("no container port named " + name);
  }

  /**
   * The job's own parser; {@code --state.backend rocksdb} needs Flink's RocksDB backend on the
   * class path, which a Flink image has and this module leaves out (its frocksdbjni clashes with
   * the store's rocksdbjni), so that one option is checked by name here.
   */
  private static JobConfig parseJobArgs(List<String> args) {
    List<String> rest = new ArrayList<>(args);
    int backend = rest.indexOf("--state.backend");
    if (backend >= 0) {
      assertThat(rest.get(backend + 1)).isIn("hashmap", "rocksdb");
      rest.remove(backend + 1);
      rest.remove(backend);
    }
    return JobConfig.fromArgs(rest.toArray(String[]::new));
  }

  /**
   * A store command line as the image runs it: {@code bin/towerstream serve} and the store's
   * options.
   */
  private static StoreConfig storeConfig(List<String> command) {
    assertThat(command.subList(0, 2)).containsExactly("bin/towerstream", "serve");
    return StoreArgs.parse(command.subList(2, command.size()).toArray(String[]::new), Map.of());
  }

  private static List<String> dockerEntrypoint(String dockerfile) throws IOException {
    for (String line : Files.readAllLines(root.resolve("docker").resolve(dockerfile))) {
      if (line.startsWith("ENTRYPOINT ")) {
        return strings(YAML.readTree(line.substring("ENTRYPOINT ".length())));
      }
    }
    throw new AssertionError(dockerfile + " has no ENTRYPOINT");
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static Map<String, String> map(JsonNode object) {
    Map<String, String> out = new HashMap<>();
    object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  private static boolean contains(JsonNode array, String value) {
    for (JsonNode n : array) {
      if (n.asText().equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode object) {
    return object::fields;
  }
}
