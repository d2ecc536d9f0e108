package io.towerstream.cli.export;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads back the {@code .npy} files {@link NpyFile} writes (format 1.0, little-endian, C order),
 * checking the header as NumPy would: magic, version, alignment, and a dict it understands.
 */
public record NpyReader(String descr, int[] shape, ByteBuffer data) {
  private static final Pattern HEADER =
      Pattern.compile(
          "\\{'descr': '([<>|][a-z][0-9]+)', 'fortran_order': False, 'shape': \\(([0-9, ]*)\\), \\} *\\n");

  public static NpyReader read(Path file) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[8];
    buf.get(magic);
    if (!Arrays.equals(magic, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0})) {
      throw new IOException(file + ": not an npy 1.0 file");
    }
    int length = Short.toUnsignedInt(buf.getShort());
    if ((10 + length) % 64 != 0) {
      throw new IOException(file + ": header not aligned to 64 bytes");
    }
    byte[] header = new byte[length];
    buf.get(header);
    Matcher m = HEADER.matcher(new String(header, StandardCharsets.US_ASCII));
    if (!m.matches()) {
      throw new IOException(file + ": header " + new String(header, StandardCharsets.US_ASCII));
    }
    int[] shape =
        Arrays.stream(m.group(2).split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .mapToInt(Integer::parseInt)
            .toArray();
    return new NpyReader(m.group(1), shape, buf.slice().order(ByteOrder.LITTLE_ENDIAN));
  }

  public float[][] float32Matrix() {
    check("<f4", 2);
    float[][] rows = new float[shape[0]][shape[1]];
    for (float[] row : rows) {
      data.asFloatBuffer().get(row);
      data.position(data.position() + row.length * Float.BYTES);
    }
    return rows;
  }

  public float[] float32() {
    check("<f4", 1);
    float[] values = new float[shape[0]];
    data.asFloatBuffer().get(values);
    return values;
  }

  public long[] int64() {
    check("<i8", 1);
    long[] values = new long[shape[0]];
    data.asLongBuffer().get(values);
    return values;
  }

  private void check(String expected, int dims) {
    if (!descr.equals(expected) || shape.length != dims) {
      throw new IllegalStateException(descr + " " + Arrays.toString(shape));
    }
    long elements = Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b);
    if (data.remaining() != elements * Integer.parseInt(descr.substring(2))) {
      throw new IllegalStateException(
          data.remaining() + " data bytes for " + Arrays.toString(shape));
    }
  }
}
