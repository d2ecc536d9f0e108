package io.towerstream.store.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/admin/snapshot {"path": NAME}}: a checkpoint of the store written to {@code NAME}
 * inside the snapshot directory, and nowhere else. A name that is absolute, steps out with {@code
 * ..}, or holds a backslash or a control character is a 400; a name that exists, or that cannot be
 * written (a file in the way, no permission, no space), a 409; a store shutting down, a 503. The
 * answers name the snapshot as the caller did, never the store's directories or an exception: the
 * log has those.
 */
final class SnapshotRoute {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotRoute.class);
  private static final String EXAMPLE = "{\"path\":\"nightly/2026-01-01\"}";

  private final SnapshotTaker taker;
  private final Path root;
  private final ObjectMapper mapper;

  SnapshotRoute(SnapshotTaker taker, Path root, ObjectMapper mapper) {
    this.taker = taker;
    this.root = root.toAbsolutePath().normalize();
    this.mapper = mapper;
  }

  void handle(Context ctx) {
    JsonNode body = RequestParsing.object(mapper, JsonBody.read(ctx), EXAMPLE);
    String name = RequestParsing.text(body, "path");
    if (name == null) {
      throw new BadRequestException(
          "missing field 'path' (the new snapshot's name inside the store's snapshot directory,"
              + " like "
              + EXAMPLE
              + ")");
    }
    Path target = resolve(root, name);
    Map<String, Object> written;
    try {
      written = taker.snapshot(target);
    } catch (IllegalArgumentException e) {
      throw new HttpResponseException(409, "a snapshot '" + name + "' already exists");
    } catch (IllegalStateException e) {
      throw new HttpResponseException(503, "the store is shutting down: no snapshot was taken");
    } catch (RuntimeException e) {
      LOG.warn("snapshot {} could not be written", target, e);
      throw new HttpResponseException(
          409,
          "snapshot '"
              + name
              + "' could not be written in the snapshot directory (a file in the way, no"
              + " permission or no space left); the store's log says which");
    }
    ctx.json(written);
  }

  /**
   * {@code name} inside {@code root}.
   *
   * @throws BadRequestException when {@code name} is not a plain relative name below {@code root}
   */
  static Path resolve(Path root, String name) {
    if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '\\')) {
      throw new BadRequestException("'path' must not contain a backslash or control characters");
    }
    Path relative;
    try {
      relative = Path.of(name);
    } catch (InvalidPathException e) {
      throw new BadRequestException("'path' is not a valid name");
    }
    if (relative.isAbsolute() || name.startsWith("/")) {
      throw new BadRequestException(
          "'path' must be a name relative to the store's snapshot directory (--snapshot-dir),"
              + " not an absolute path");
    }
    for (Path part : relative) {
      if (part.toString().equals("..")) {
        throw new BadRequestException("'path' must not contain '..'");
      }
    }
    Path target = root.resolve(relative).normalize();
    if (!target.startsWith(root) || target.equals(root)) {
      throw new BadRequestException(
          "'path' must name a new directory inside the snapshot directory");
    }
    return target;
  }
}
