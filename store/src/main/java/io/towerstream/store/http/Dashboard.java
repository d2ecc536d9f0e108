package io.towerstream.store.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * The dashboard at {@code /}: a static page (charts of {@code /v1/status} over time, and a query
 * box) and the charting library it uses, uPlot, from its npm package's webjar on the class path:
 * nothing is fetched from elsewhere at run time. The page holds no data, so it is open even with a
 * bearer token; its API calls send the token the user types in.
 */
final class Dashboard {
  static final String PREFIX = "/dashboard/";
  private static final String UPLOT = "META-INF/resources/webjars/uplot/";

  /** Served files: path under {@link #PREFIX} → class-path resource and content type. */
  private final Map<String, String[]> files;

  private Dashboard(String uplotVersion) {
    String dist = UPLOT + uplotVersion + "/dist/";
    this.files =
        Map.of(
            "app.js", new String[] {"dashboard/app.js", "text/javascript; charset=utf-8"},
            "style.css", new String[] {"dashboard/style.css", "text/css; charset=utf-8"},
            "lib/uplot.js",
                new String[] {dist + "uPlot.iife.min.js", "text/javascript; charset=utf-8"},
            "lib/uplot.css", new String[] {dist + "uPlot.min.css", "text/css; charset=utf-8"});
  }

  static void register(Javalin app) {
    Dashboard d = new Dashboard(uplotVersion());
    app.get("/", ctx -> d.serve(ctx, "dashboard/index.html", "text/html; charset=utf-8"));
    app.get(
        PREFIX + "<file>",
        ctx -> {
          String[] f = d.files.get(ctx.pathParam("file"));
          if (f == null) {
            throw new NotFoundResponse("no dashboard file " + ctx.pathParam("file"));
          }
          d.serve(ctx, f[0], f[1]);
        });
  }

  private void serve(Context ctx, String resource, String contentType) throws IOException {
    try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the store's jar lacks " + resource);
      }
      ctx.contentType(contentType).header("Cache-Control", "no-cache").result(in.readAllBytes());
    }
  }

  /** The webjar's version, from its Maven metadata, so that the pom alone chooses it. */
  private static String uplotVersion() {
    String meta = "META-INF/maven/org.webjars.npm/uplot/pom.properties";
    try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(meta)) {
      if (in == null) {
        throw new IllegalStateException("uPlot's webjar is not on the class path (" + meta + ")");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
