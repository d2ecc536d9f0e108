package io.towerstream.store.http;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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
 *
 * <p>JSON is UTF-8 (RFC 8259): a declared charset other than UTF-8, an unknown or an empty one, is
 * a 415, and bytes that are not UTF-8 a 400. The body is decoded here, never in the declared
 * charset (Javalin's own decoding failed with a 500 on an unknown one).
 */
final class JsonBody {
  static final String MEDIA_TYPE = "application/json";

  private JsonBody() {}

  /**
   * @throws HttpResponseException 415 unless the request declares {@value #MEDIA_TYPE} in UTF-8,
   *     413 over the limit, 400 when the body cannot be read
   * @throws BadRequestException when the body is not UTF-8
   */
  static String read(Context ctx) {
    requireJson(ctx.header("Content-Type"));
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes(ctx.req())))
          .toString();
    } catch (CharacterCodingException e) {
      throw new BadRequestException("the request body is not valid UTF-8, as JSON must be");
    }
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

  /**
   * @throws HttpResponseException 415 unless {@code contentType} is {@value #MEDIA_TYPE}, with no
   *     charset or UTF-8
   */
  private static void requireJson(String contentType) {
    String[] parts = contentType == null ? new String[] {""} : contentType.split(";");
    if (!parts[0].strip().equalsIgnoreCase(MEDIA_TYPE)) {
      throw new HttpResponseException(
          415,
          "Content-Type must be "
              + MEDIA_TYPE
              + (contentType == null ? ", got none" : ", got '" + shown(contentType) + "'"));
    }
    for (int i = 1; i < parts.length; i++) {
      String[] param = parts[i].split("=", 2);
      if (param[0].strip().equalsIgnoreCase("charset")
          && !(param.length == 2 && unquoted(param[1].strip()).equalsIgnoreCase("utf-8"))) {
        throw new HttpResponseException(
            415, "a JSON body must be UTF-8, got Content-Type '" + shown(contentType) + "'");
      }
    }
  }

  private static String unquoted(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1)
        : value;
  }

  private static String shown(String value) {
    return value.length() <= 80 ? value : value.substring(0, 80) + "…";
  }
}
