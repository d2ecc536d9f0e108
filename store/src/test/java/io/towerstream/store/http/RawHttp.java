package io.towerstream.store.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for what java.net.http will not send: any {@code Host}, a {@code
 * Content-Length} that lies, broken chunked encoding. The answer is read while the body is still
 * being written, so a server that answers early and closes is seen answering, and reading stops at
 * the answer's end, so a connection the server keeps open to discard a body that never comes does
 * not hold the client.
 */
final class RawHttp {
  /** An answer; {@code status} -1 when none came before the timeout or the connection closed. */
  record Response(int status, Map<String, String> headers, String body) {
    boolean answered() {
      return status > 0;
    }
  }

  private RawHttp() {}

  /**
   * Sends {@code head} (request line and headers, each ending in CRLF; {@code Connection: close}
   * and the blank line are added) and then {@code body} as given, and reads the answer until the
   * server closes or {@code timeout} passes.
   */
  static Response exchange(int port, String head, byte[] body, Duration timeout)
      throws IOException, InterruptedException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout((int) timeout.toMillis());
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      Thread reader = new Thread(() -> readAll(socket, received), "raw-http-reader");
      reader.setDaemon(true);
      reader.start();
      try {
        OutputStream out = socket.getOutputStream();
        out.write((head + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        for (int at = 0; at < body.length; at += 64 << 10) {
          out.write(body, at, Math.min(64 << 10, body.length - at));
        }
        out.flush();
      } catch (IOException e) {
        // the server answered and closed before taking the whole body: its answer is what counts
      }
      reader.join(timeout.toMillis() + 1_000);
      synchronized (received) {
        return parse(received.toByteArray());
      }
    }
  }

  /** {@code GET target} as sent, escapes and all, with {@code Host: localhost}. */
  static Response get(int port, String target) throws IOException, InterruptedException {
    return exchange(
        port,
        "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n",
        new byte[0],
        Duration.ofSeconds(10));
  }

  /** {@code data} in chunks of {@code size} bytes, with the terminating empty chunk. */
  static byte[] chunked(byte[] data, int size) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + data.length / size * 8);
    for (int at = 0; at < data.length; at += size) {
      int n = Math.min(size, data.length - at);
      out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(data, at, n);
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  private static void readAll(Socket socket, ByteArrayOutputStream received) {
    byte[] buffer = new byte[8192];
    try {
      InputStream in = socket.getInputStream();
      for (int n; (n = in.read(buffer)) > 0; ) {
        synchronized (received) {
          received.write(buffer, 0, n);
          if (complete(received.toByteArray())) {
            return;
          }
        }
      }
    } catch (IOException e) {
      // reset or timed out: what arrived before is the answer
    }
  }

  /** Whether {@code raw} holds a whole answer: headers, and the body they announce. */
  private static boolean complete(byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      return false;
    }
    String head = text.substring(0, end).toLowerCase(Locale.ROOT);
    int length = head.indexOf("\r\ncontent-length:");
    if (length >= 0) {
      int eol = head.indexOf("\r\n", length + 2);
      String value = head.substring(length + 17, eol < 0 ? head.length() : eol).trim();
      return raw.length - (end + 4) >= Long.parseLong(value);
    }
    return head.contains("\r\ntransfer-encoding: chunked") && text.endsWith("\r\n0\r\n\r\n");
  }

  private static Response parse(byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.") || end < 0) {
      return new Response(-1, Map.of(), text);
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    String body = text.substring(end + 4);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = dechunk(body);
    }
    return new Response(
        status,
        headers,
        new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
  }

  private static String dechunk(String body) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (at < body.length()) {
      int eol = body.indexOf("\r\n", at);
      if (eol < 0) {
        break;
      }
      int size = Integer.parseInt(body.substring(at, eol).split(";")[0].trim(), 16);
      if (size == 0) {
        break;
      }
      out.append(body, eol + 2, Math.min(body.length(), eol + 2 + size));
      at = eol + 2 + size + 2;
    }
    return out.toString();
  }
}
