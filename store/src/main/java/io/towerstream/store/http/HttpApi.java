package io.towerstream.store.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.store.index.ScoredItem;
import io.towerstream.store.query.DimensionMismatchException;
import io.towerstream.store.query.RetrievalService;
import io.towerstream.store.query.StatusReporter;
import io.towerstream.store.query.UnknownEntityException;
import io.towerstream.store.rocks.StoredVector;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/JSON API of one replica (Javalin on Jetty). Every error is a JSON {@code {"error": "..."}}: 400
 * for bad input, 404 for an unknown user, item or route, 409 when a user's vector cannot be scored against
 * the items; a 500 only for a fault of the store itself.
 *
 * <p>{@code /health} answers 200 while the process serves; {@code /ready} answers 200 once the replica has
 * caught up with the topics (lag 0 at least once), else 503, so a load balancer can hold traffic back from
 * a replica that is still loading.
 */
public final class HttpApi implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

  private final Javalin app;
  private final RetrievalService service;
  private final StatusReporter status;
  private final ObjectMapper mapper = new ObjectMapper();

  /**
   * @param readyLag the consumer lag if the replica has not caught up yet, else 0 (readiness)
   */
  private HttpApi(RetrievalService service, StatusReporter status, String host, int port, LongSupplier readyLag) {
    this.service = service;
    this.status = status;
    this.app = Javalin.create(cfg -> {
      cfg.showJavalinBanner = false;
      cfg.startupWatcherEnabled = false;
      cfg.jsonMapper(new JavalinJackson(mapper, false));
      cfg.jetty.defaultHost = host;
      cfg.jetty.defaultPort = port;
    });
    app.get("/health", ctx -> ctx.json(new Responses.Health("ok")));
    app.get("/ready", ctx -> {
      long lag = readyLag.getAsLong();
      ctx.status(lag == 0 ? 200 : 503).json(new Responses.Readiness(lag == 0, lag));
    });
    app.get("/v1/status", ctx -> ctx.json(status.document()));
    app.get("/v1/users/{userId}/candidates", this::userCandidates);
    app.post("/v1/candidates", this::vectorCandidates);
    app.get("/v1/items/{itemId}/similar", this::similarItems);
    app.get("/v1/embeddings/{entity}/{id}", this::embedding);

    app.exception(BadRequestException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
    app.exception(UnknownEntityException.class, (e, ctx) -> error(ctx, 404, e.getMessage()));
    app.exception(DimensionMismatchException.class, (e, ctx) -> error(ctx, 409, e.getMessage()));
    app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e.getMessage()));
    app.exception(Exception.class, (e, ctx) -> {
      LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
      error(ctx, 500, "internal error: " + e);
    });
  }

  /** Starts a server on {@code host:port} (port 0: any free port, see {@link #port()}). */
  public static HttpApi start(RetrievalService service, StatusReporter status, String host, int port,
      LongSupplier readyLag) {
    HttpApi api = new HttpApi(service, status, host, port, readyLag);
    api.app.start();
    LOG.info("store HTTP API listening on {}:{}", host, api.port());
    return api;
  }

  /** The bound port. */
  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }

  private void userCandidates(Context ctx) {
    int k = RequestParsing.k(ctx.queryParam("k"));
    var exclude = RequestParsing.excludeCsv(ctx.queryParams("exclude"));
    ctx.json(service.candidatesForUser(ctx.pathParam("userId"), k, exclude));
  }

  private void vectorCandidates(Context ctx) {
    RequestParsing.VectorQuery query = RequestParsing.vectorQuery(mapper, ctx.body());
    List<ScoredItem> candidates;
    try {
      candidates = service.candidatesForVector(query.vector(), query.k(), query.exclude());
    } catch (DimensionMismatchException e) {
      throw new BadRequestException(e.getMessage()); // the caller sent the vector: their mistake
    }
    ctx.json(new Responses.Candidates(candidates));
  }

  private void similarItems(Context ctx) {
    int k = RequestParsing.k(ctx.queryParam("k"));
    var exclude = RequestParsing.excludeCsv(ctx.queryParams("exclude"));
    String itemId = ctx.pathParam("itemId");
    ctx.json(new Responses.SimilarItems(itemId, service.similarItems(itemId, k, exclude)));
  }

  private void embedding(Context ctx) {
    Entity entity = RequestParsing.entity(ctx.pathParam("entity"));
    String id = ctx.pathParam("id");
    StoredVector v = service.embedding(entity, id);
    ctx.json(new Responses.Embedding(entity.name(), id, v.vector(), v.modelVersion(), v.sequence(), v.updatedAt()));
  }

  private static void error(Context ctx, int status, String message) {
    ctx.status(status).json(new Responses.Error(message));
  }
}
