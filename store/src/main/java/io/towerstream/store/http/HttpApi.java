package io.towerstream.store.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.store.index.ScoredItem;
import io.towerstream.store.index.Scoring;
import io.towerstream.store.metrics.StoreMetrics;
import io.towerstream.store.query.DimensionMismatchException;
import io.towerstream.store.query.Readiness;
import io.towerstream.store.query.RetrievalService;
import io.towerstream.store.query.StatusHistory;
import io.towerstream.store.query.StatusReporter;
import io.towerstream.store.query.UnknownEntityException;
import io.towerstream.store.query.UserCandidates;
import io.towerstream.store.rocks.StoredVector;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/JSON API of one replica (Javalin on Jetty). Every error is a JSON {@code {"error":
 * "..."}}: 400 for bad input, 404 for an unknown user, item or route, 409 when a user's vector
 * cannot be scored against the items (or a snapshot cannot be written where asked), 401 without the
 * bearer token when one is configured (every route but {@code /health} and {@code /ready}), 403 for
 * the admin routes when none is, 413 for a body over {@value #MAX_BODY_BYTES} bytes, 415 for a POST
 * body not declared {@code application/json}; a 500 only for a fault of the store itself, and then
 * without its details (they go to the log). Requests Jetty refuses before routing (ambiguous paths,
 * malformed lines) get the same JSON shape ({@link JsonErrorHandler}). {@code HttpApiFuzzTest}
 * holds the API to this under 10,000 hostile requests. The whole API is described by {@code GET
 * /v1/openapi.json} (the committed {@code openapi.json} resource).
 *
 * <p>{@code /health} answers 200 while the process serves; {@code /ready} answers 200 once the
 * replica has caught up with the topics (lag 0 at least once) and while RocksDB takes its writes,
 * else 503 with the reason, so a load balancer can hold traffic back from a replica that is still
 * loading or can no longer keep up to date (a full disk). {@code /metrics} is the Prometheus
 * scrape.
 */
public final class HttpApi implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  static final String OPENAPI_RESOURCE = "/openapi.json";

  /** What a 500 says: the cause, with its paths and classes, goes to the log only. */
  static final String INTERNAL_ERROR = "internal error (the store's log has the details)";

  private final Javalin app;
  private final RetrievalService service;

  /** What the dashboard charts, every 2 s for the last 30 minutes. */
  private final StatusHistory history;

  private final ObjectMapper mapper = RequestParsing.strictMapper();

  /** Item id to title, shown beside ids in responses; empty when the store was given none. */
  private final Map<String, String> titles;

  private final byte[] openApi = loadOpenApi();

  /**
   * Request bodies above this are refused with 413 before they are read (a batch of 100 vectors of
   * 1024 floats fits).
   */
  static final long MAX_BODY_BYTES = 4L << 20;

  /**
   * What the API serves beyond queries and status, and how it is guarded. {@code metrics} or {@code
   * snapshots} null: that route answers 404. {@code bearerToken} non-null: every route but {@code
   * /health} requires it; null: the admin routes are off (403). {@code snapshotDir}: the directory
   * the snapshot route writes into, each snapshot at a name relative to it. {@code allowedHosts}:
   * host names a loopback-bound server serves besides the loopback ones ({@link HostCheck}).
   */
  public record Extras(
      StoreMetrics metrics,
      SnapshotTaker snapshots,
      Path snapshotDir,
      String bearerToken,
      Map<String, String> itemTitles,
      Set<String> allowedHosts) {
    public static final Extras NONE = new Extras(null, null, null, null, null, null);

    public Extras {
      itemTitles = itemTitles == null ? Map.of() : itemTitles;
      allowedHosts = allowedHosts == null ? Set.of() : Set.copyOf(allowedHosts);
      if (snapshots != null && snapshotDir == null) {
        throw new IllegalArgumentException("a snapshot route needs its snapshot directory");
      }
    }

    /** These extras with {@code /metrics} served from {@code m}. */
    public Extras withMetrics(StoreMetrics m) {
      return new Extras(m, snapshots, snapshotDir, bearerToken, itemTitles, allowedHosts);
    }

    /** These extras with the snapshot route, writing with {@code taker} below {@code dir}. */
    public Extras withSnapshots(SnapshotTaker taker, Path dir) {
      return new Extras(metrics, taker, dir, bearerToken, itemTitles, allowedHosts);
    }

    /** These extras with every route but the probes requiring {@code token} (null: none). */
    public Extras withBearerToken(String token) {
      return new Extras(metrics, snapshots, snapshotDir, token, itemTitles, allowedHosts);
    }

    /** These extras with item titles shown beside ids. */
    public Extras withItemTitles(Map<String, String> titles) {
      return new Extras(metrics, snapshots, snapshotDir, bearerToken, titles, allowedHosts);
    }

    /** These extras with {@code hosts} served besides the loopback names. */
    public Extras withAllowedHosts(Set<String> hosts) {
      return new Extras(metrics, snapshots, snapshotDir, bearerToken, itemTitles, hosts);
    }
  }

  /**
   * @param readiness what {@code /ready} answers
   */
  private HttpApi(
      RetrievalService service,
      StatusReporter status,
      String host,
      int port,
      Supplier<Readiness> readiness,
      Extras extras) {
    this.service = service;
    this.titles = extras.itemTitles();
    this.history = new StatusHistory(status::snapshot, System::currentTimeMillis, 2_000, 900);
    StoreMetrics metrics = extras.metrics();
    this.app =
        Javalin.create(
            cfg -> {
              cfg.showJavalinBanner = false;
              cfg.startupWatcherEnabled = false;
              cfg.jsonMapper(new JavalinJackson(mapper, false));
              cfg.jetty.defaultHost = host;
              cfg.jetty.defaultPort = port;
              cfg.http.maxRequestSize = MAX_BODY_BYTES;
              // Jetty holds a request that declares a body until its first byte arrives, so one
              // that never sends any got no answer, not even a 413, until the 30 s idle timeout
              cfg.jetty.modifyHttpConfiguration(http -> http.setDelayDispatchUntilContent(false));
              cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
              cfg.jetty.modifyServletContextHandler(
                  handler -> handler.setErrorHandler(new JsonErrorHandler()));
              if (metrics != null) {
                cfg.requestLogger.http(
                    (ctx, ms) ->
                        metrics.observeRequest(
                            route(ctx), ctx.method().name(), ctx.statusCode(), ms / 1000.0));
              }
            });
    // before the token: a rebinding page must not learn even whether a route exists
    HostCheck.forBind(host, extras.allowedHosts()).ifPresent(check -> app.before(check::check));
    if (extras.bearerToken() != null) {
      BearerAuth auth = new BearerAuth(extras.bearerToken());
      app.before(auth::check);
    }
    app.get("/health", ctx -> ctx.json(new Responses.Health("ok")));
    Dashboard.register(app);
    app.get(
        "/ready",
        ctx -> {
          Readiness r = readiness.get();
          ctx.status(r.ready() ? 200 : 503).json(r);
        });
    app.get("/v1/status", ctx -> ctx.json(status.document()));
    app.get(
        "/v1/status/history",
        ctx ->
            ctx.json(history.document(RequestParsing.since(QueryParams.of(ctx).first("since")))));
    app.get("/v1/users/{userId}/candidates", this::userCandidates);
    app.post("/v1/candidates", this::vectorCandidates);
    app.post(
        "/v1/candidates:batch",
        ctx -> ctx.json(BatchQueries.run(service, mapper, JsonBody.read(ctx))));
    app.get("/v1/items/{itemId}/similar", this::similarItems);
    app.get("/v1/embeddings/{entity}/{id}", this::embedding);
    app.get("/v1/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
    if (metrics != null) {
      app.get(
          "/metrics",
          ctx -> {
            StoreMetrics.Scrape scrape = metrics.scrape(ctx.header("Accept"));
            ctx.contentType(scrape.contentType()).result(scrape.body());
          });
    }
    if (extras.snapshots() != null) {
      app.post(
          "/v1/admin/snapshot",
          extras.bearerToken() == null
              ? HttpApi::adminOff
              : new SnapshotRoute(extras.snapshots(), extras.snapshotDir(), mapper)::handle);
    }

    app.exception(BadRequestException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
    app.exception(UnknownEntityException.class, (e, ctx) -> error(ctx, 404, e.getMessage()));
    app.exception(DimensionMismatchException.class, (e, ctx) -> error(ctx, 409, e.getMessage()));
    app.exception(
        HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e.getMessage()));
    app.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
          error(ctx, 500, INTERNAL_ERROR);
        });
  }

  /**
   * Starts a server on {@code host:port} (port 0: any free port, see {@link #port()}) whose {@code
   * /ready} answers {@code readiness}, and that also serves {@code /metrics} and the snapshot admin
   * route where {@code extras} gives them.
   */
  public static HttpApi start(
      RetrievalService service,
      StatusReporter status,
      String host,
      int port,
      Supplier<Readiness> readiness,
      Extras extras) {
    HttpApi api = new HttpApi(service, status, host, port, readiness, extras);
    api.app.start();
    api.history.start();
    LOG.info("store HTTP API listening on {}:{}", host, api.port());
    return api;
  }

  /** The bound port. */
  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    history.close();
    app.stop();
  }

  private void userCandidates(Context ctx) {
    QueryParams params = QueryParams.of(ctx);
    int k = RequestParsing.k(params.first("k"));
    var exclude = RequestParsing.excludeCsv(params.all("exclude"));
    Long version = RequestParsing.modelVersion(params.first("modelVersion"));
    Scoring scoring = RequestParsing.scoring(params.first("bias"));
    UserCandidates result =
        service.candidatesForUser(ctx.pathParam("userId"), k, exclude, version, scoring);
    ctx.json(
        new Responses.UserCandidates(
            result.userId(), result.modelVersion(), titled(result.candidates())));
  }

  private void vectorCandidates(Context ctx) {
    QueryParams params = QueryParams.of(ctx);
    RequestParsing.VectorQuery query = RequestParsing.vectorQuery(mapper, JsonBody.read(ctx));
    Long version =
        query.modelVersion() != null
            ? query.modelVersion()
            : RequestParsing.modelVersion(params.first("modelVersion"));
    Scoring scoring =
        query.scoring() != null ? query.scoring() : RequestParsing.scoring(params.first("bias"));
    RetrievalService.VectorCandidates result;
    try {
      result =
          service.candidatesForVector(query.vector(), query.k(), query.exclude(), version, scoring);
    } catch (DimensionMismatchException e) {
      throw new BadRequestException(e.getMessage()); // the caller sent the vector: their mistake
    }
    ctx.json(new Responses.Candidates(result.modelVersion(), titled(result.candidates())));
  }

  private void similarItems(Context ctx) {
    QueryParams params = QueryParams.of(ctx);
    int k = RequestParsing.k(params.first("k"));
    var exclude = RequestParsing.excludeCsv(params.all("exclude"));
    Long version = RequestParsing.modelVersion(params.first("modelVersion"));
    RetrievalService.SimilarItems result =
        service.similarItems(ctx.pathParam("itemId"), k, exclude, version);
    ctx.json(
        new Responses.SimilarItems(
            result.itemId(),
            titles.get(result.itemId()),
            result.modelVersion(),
            titled(result.candidates())));
  }

  private void embedding(Context ctx) {
    Entity entity = RequestParsing.entity(ctx.pathParam("entity"));
    String id = ctx.pathParam("id");
    StoredVector v = service.embedding(entity, id);
    boolean item = entity == Entity.ITEM;
    List<Responses.Item> recent =
        item
            ? null
            : v.recentItems().stream().map(i -> new Responses.Item(i, titles.get(i))).toList();
    ctx.json(
        new Responses.Embedding(
            entity.name(),
            id,
            item ? titles.get(id) : null,
            v.vector(),
            item ? v.bias() : null,
            v.modelVersion(),
            v.sequence(),
            v.updatedAt(),
            recent));
  }

  private List<Responses.Candidate> titled(List<ScoredItem> candidates) {
    return candidates.stream()
        .map(c -> new Responses.Candidate(c.itemId(), c.score(), c.bias(), titles.get(c.itemId())))
        .toList();
  }

  /** Without a bearer token nothing would tell an operator's request from any other process's. */
  private static void adminOff(Context ctx) {
    throw new HttpResponseException(
        403,
        "admin routes are off: the store serves them only with a bearer token"
            + " (--auth-token-file or TOWERSTREAM_STORE_AUTH_TOKEN)");
  }

  /** The matched route template, so the metrics' label set stays small whatever the ids. */
  private static String route(Context ctx) {
    try {
      String path = ctx.endpointHandlerPath();
      return path == null || path.isEmpty() || path.equals("*") ? "unmatched" : path;
    } catch (RuntimeException e) {
      return "unmatched";
    }
  }

  private static byte[] loadOpenApi() {
    try (InputStream in = HttpApi.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "resource " + OPENAPI_RESOURCE + " is missing from the store jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void error(Context ctx, int status, String message) {
    ctx.status(status).json(new Responses.Error(message));
  }
}
