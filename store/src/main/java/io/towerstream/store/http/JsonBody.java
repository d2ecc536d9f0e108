package io.towerstream.store.http;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;

/**
 * The body of a POST, which must be declared {@code application/json}: a browser sends a page's
 * {@code text/plain} or form body to any origin without asking first (a CORS "simple request"), but
 * never a JSON one, so no web page can make the store act on a body it did not mean to take.
 */
final class JsonBody {
  static final String MEDIA_TYPE = "application/json";

  private JsonBody() {}

  /**
   * @throws HttpResponseException 415 unless the request declares {@value #MEDIA_TYPE}
   */
  static String read(Context ctx) {
    requireJson(ctx.header("Content-Type"));
    return ctx.body();
  }

  private static void requireJson(String contentType) {
    String media = contentType == null ? "" : contentType.split(";", 2)[0].strip();
    if (!media.equalsIgnoreCase(MEDIA_TYPE)) {
      throw new HttpResponseException(
          415,
          "Content-Type must be "
              + MEDIA_TYPE
              + (contentType == null ? ", got none" : ", got '" + shown(contentType) + "'"));
    }
  }

  private static String shown(String value) {
    return value.length() <= 80 ? value : value.substring(0, 80) + "…";
  }
}
