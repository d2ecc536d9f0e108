package io.towerstream.store.http;

import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of a request's query string, percent-decoded as UTF-8 whatever the request's
 * {@code Content-Type} says, and strictly: an escape that is not {@code %} and two hex digits, or
 * bytes that are not UTF-8, make the request a 400 naming the parameter. (Javalin decodes them in
 * the charset of the body's {@code Content-Type}, and drops a parameter it cannot decode, so {@code
 * k=%zz} or an unknown charset silently meant the default.) {@code +} is a space, as in forms.
 */
final class QueryParams {
  private final Map<String, List<String>> values;

  private QueryParams(Map<String, List<String>> values) {
    this.values = values;
  }

  /**
   * @throws BadRequestException naming the parameter that cannot be decoded
   */
  static QueryParams of(Context ctx) {
    return parse(ctx.queryString());
  }

  static QueryParams parse(String query) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    if (query != null) {
      for (String pair : query.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String rawName = eq < 0 ? pair : pair.substring(0, eq);
        String name = decode(rawName, rawName);
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1), name);
        values.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
      }
    }
    return new QueryParams(values);
  }

  /** The first value of {@code name}, null when absent. */
  String first(String name) {
    List<String> all = values.get(name);
    return all == null ? null : all.get(0);
  }

  /** Every value of {@code name}, in order; empty when absent. */
  List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  private static String decode(String raw, String name) {
    if (raw.indexOf('%') < 0) {
      return raw.replace('+', ' ');
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    int i = 0;
    while (i < raw.length()) {
      if (raw.charAt(i) == '%') {
        int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int lo = hi < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
        if (lo < 0) {
          throw malformed(name, "'%' must be followed by two hex digits");
        }
        bytes.write(hi << 4 | lo);
        i += 3;
      } else {
        int next = raw.indexOf('%', i);
        int end = next < 0 ? raw.length() : next;
        bytes.writeBytes(raw.substring(i, end).replace('+', ' ').getBytes(StandardCharsets.UTF_8));
        i = end;
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw malformed(name, "its escapes are not UTF-8");
    }
  }

  private static BadRequestException malformed(String name, String why) {
    return new BadRequestException(
        "query parameter '" + shown(name) + "' is not percent-encoded correctly: " + why);
  }

  private static String shown(String name) {
    return name.length() <= 40 ? name : name.substring(0, 40) + "…";
  }
}
