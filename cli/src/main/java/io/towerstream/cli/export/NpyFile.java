package io.towerstream.cli.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes NumPy {@code .npy} files, format version 1.0: the magic {@code \x93NUMPY}, the version
 * bytes 1 0, a little-endian uint16 header length, a header that is a Python dict literal ({@code
 * descr}, {@code fortran_order}, {@code shape}) padded with spaces to a multiple of 64 bytes and
 * ended by a newline, then the values in C order. The format is NumPy's own ({@code
 * numpy.lib.format}); {@code numpy.load} reads these files without {@code allow_pickle}.
 */
public final class NpyFile {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  private static final int ALIGN = 64;
  private static final int CHUNK = 1 << 16;

  private NpyFile() {}

  /** A float32 matrix of {@code rows.size()} × {@code dimension}; every row has that length. */
  public static void writeFloat32Matrix(Path file, List<float[]> rows, int dimension)
      throws IOException {
    for (float[] row : rows) {
      if (row.length != dimension) {
        throw new IllegalArgumentException(
            "row of length " + row.length + " in a matrix of dimension " + dimension);
      }
    }
    write(
        file,
        "<f4",
        "(" + rows.size() + ", " + dimension + ")",
        (long) rows.size() * dimension,
        (buf, i) -> buf.putFloat(rows.get((int) (i / dimension))[(int) (i % dimension)]));
  }

  /** A float32 vector. */
  public static void writeFloat32(Path file, float[] values) throws IOException {
    write(
        file,
        "<f4",
        "(" + values.length + ",)",
        values.length,
        (buf, i) -> buf.putFloat(values[(int) i]));
  }

  /** An int64 vector. */
  public static void writeInt64(Path file, long[] values) throws IOException {
    write(
        file,
        "<i8",
        "(" + values.length + ",)",
        values.length,
        (buf, i) -> buf.putLong(values[(int) i]));
  }

  /** Puts element {@code i} (in C order) into the buffer, which has room for it. */
  private interface Element {
    void put(ByteBuffer buf, long i);
  }

  private static void write(Path file, String descr, String shape, long count, Element element)
      throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      header(out, descr, shape);
      ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
      for (long i = 0; i < count; i++) {
        if (buf.remaining() < Long.BYTES) {
          flush(out, buf);
        }
        element.put(buf, i);
      }
      flush(out, buf);
    }
  }

  private static void header(OutputStream out, String descr, String shape) throws IOException {
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    // magic (8) + length (2) + dict + padding + '\n' is a multiple of 64, so the data is aligned
    int unpadded = MAGIC.length + 2 + dict.length() + 1;
    int padding = (ALIGN - unpadded % ALIGN) % ALIGN;
    String header = dict + " ".repeat(padding) + "\n";
    if (header.length() > 0xFFFF) {
      throw new IllegalArgumentException("npy header too long for format 1.0: " + shape);
    }
    out.write(MAGIC);
    out.write(header.length() & 0xFF);
    out.write(header.length() >>> 8);
    out.write(header.getBytes(StandardCharsets.US_ASCII));
  }

  private static void flush(OutputStream out, ByteBuffer buf) throws IOException {
    out.write(buf.array(), 0, buf.position());
    buf.clear();
  }
}
