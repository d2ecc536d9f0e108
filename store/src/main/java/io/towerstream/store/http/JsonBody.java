package io.towerstream.store.http;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.BadMessageException;

/**
 * The body of a POST, which must be declared {@code application/json}: a browser sends a page's
 * {@code text/plain} or form body to any origin without asking first (a CORS "simple request"), but
 * never a JSON one, so no web page can make the store act on a body it did not mean to take.
 *
 * <p>At most {@value HttpApi#MAX_BODY_BYTES} bytes are read, however the body comes: a declared
 * {@code Content-Length} above that is refused before reading (a client that declares more than it
 * sends would otherwise hold a thread waiting), and a chunked body is cut off at the limit (it
 * declares no length). Broken chunked encoding is the client's 400, not the store's 500.
 */
final class JsonBody {
  static final String MEDIA_TYPE = "application/json";

  private JsonBody() {}

  /**
   * @throws HttpResponseException 415 unless the request declares {@value #MEDIA_TYPE}
   */
  static String read(Context ctx) {
    requireJson(ctx.header("Content-Type"));
    return new String(bytes(ctx.req()), StandardCharsets.UTF_8);
  }

  /**
   * @throws HttpResponseException 413 over the limit, 400 when the body cannot be read
   */
  private static byte[] bytes(HttpServletRequest request) {
    long declared = request.getContentLengthLong();
    if (declared > HttpApi.MAX_BODY_BYTES) {
      throw tooLarge();
    }
    try {
      byte[] body = request.getInputStream().readNBytes((int) HttpApi.MAX_BODY_BYTES + 1);
      if (body.length > HttpApi.MAX_BODY_BYTES) {
        throw tooLarge();
      }
      return body;
    } catch (IOException | BadMessageException e) {
      throw new HttpResponseException(
          400, "the request body could not be read: malformed chunked encoding, or cut off");
    }
  }

  private static HttpResponseException tooLarge() {
    return new HttpResponseException(
        413, "the request body is over " + HttpApi.MAX_BODY_BYTES + " bytes");
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
