package io.towerstream.store.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Sends one request of {@code HttpApiFuzzTest} the way some client would: with a {@code
 * Content-Length} or chunked (java.net.http, a body of unknown length), or over a raw socket, where
 * it may also name any {@code Host}, break its chunked encoding, or declare far more than it sends.
 * Every way must get an answer: a request left waiting is a failure, as a 5xx is.
 */
final class FuzzDelivery {
  /** How a request travels. */
  enum How {
    LENGTH,
    CHUNKED,
    RAW_LENGTH,
    RAW_CHUNKED,
    RAW_BROKEN_CHUNKS,
    RAW_LYING_LENGTH
  }

  /**
   * What came back; {@code status} -1 when the server closed the connection without an answer while
   * a body over the limit was still being sent (it answers 413, but a client still writing may see
   * the close first).
   */
  record Answer(int status, String body, String contentType) {}

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final int port;

  FuzzDelivery(int port) {
    this.port = port;
  }

  /**
   * @param contentType null: none sent
   * @param body null: none
   * @param auth the Authorization header, null: none
   * @param host the Host header of raw requests (java.net.http names the server itself)
   * @param chunk the chunk size of chunked raw requests
   */
  Answer send(
      How how,
      String method,
      String path,
      String contentType,
      String body,
      String auth,
      String host,
      int chunk)
      throws IOException, InterruptedException {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    boolean oversized = bytes.length > HttpApi.MAX_BODY_BYTES;
    if ((how == How.LENGTH || how == How.CHUNKED) && !isUri(path)) {
      how = How.RAW_LENGTH; // java.net.http refuses a malformed escape; a socket sends it
    }
    try {
      return switch (how) {
        case LENGTH, CHUNKED -> viaHttpClient(how, method, path, contentType, bytes, body, auth);
        default -> viaSocket(how, method, path, contentType, bytes, auth, host, chunk);
      };
    } catch (IOException e) {
      if (oversized) {
        return new Answer(-1, "", ""); // closed on a client still sending what it was refused
      }
      throw e;
    }
  }

  private static boolean isUri(String path) {
    try {
      URI.create(path);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private Answer viaHttpClient(
      How how,
      String method,
      String path,
      String contentType,
      byte[] bytes,
      String body,
      String auth)
      throws IOException, InterruptedException {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : how == How.CHUNKED
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))
                : HttpRequest.BodyPublishers.ofByteArray(bytes);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(PATIENCE)
            .method(method, publisher);
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (auth != null) {
      b.header("Authorization", auth);
    }
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
  }

  private Answer viaSocket(
      How how,
      String method,
      String path,
      String contentType,
      byte[] bytes,
      String auth,
      String host,
      int chunk)
      throws IOException, InterruptedException {
    StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
    head.append("Host: ").append(host).append("\r\n");
    if (auth != null) {
      head.append("Authorization: ").append(auth).append("\r\n");
    }
    if (contentType != null) {
      head.append("Content-Type: ").append(contentType).append("\r\n");
    }
    byte[] sent = bytes;
    switch (how) {
      case RAW_LENGTH -> head.append("Content-Length: ").append(bytes.length).append("\r\n");
      case RAW_CHUNKED -> {
        head.append("Transfer-Encoding: chunked\r\n");
        sent = RawHttp.chunked(bytes, chunk);
      }
      case RAW_BROKEN_CHUNKS -> {
        head.append("Transfer-Encoding: chunked\r\n");
        String chunked = new String(RawHttp.chunked(bytes, chunk), StandardCharsets.ISO_8859_1);
        // a size that is not hexadecimal, where the second chunk (or the end) should be
        int at = Math.min(chunked.length(), chunk + Integer.toHexString(chunk).length() + 4);
        sent = (chunked.substring(0, at) + "zz\r\n").getBytes(StandardCharsets.ISO_8859_1);
      }
      case RAW_LYING_LENGTH -> head.append("Content-Length: 4294967296\r\n");
      default -> throw new IllegalArgumentException(how.name());
    }
    RawHttp.Response r = RawHttp.exchange(port, head.toString(), sent, PATIENCE);
    return new Answer(r.status(), r.body(), r.headers().getOrDefault("content-type", ""));
  }
}
