package io.towerstream.model.snapshot;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Strings in the checkpointed formats built on {@link DataOutputStream}: an {@code int} byte
 * length, then UTF-8. Ids are as long as the job's validation allows, possibly past {@code
 * writeUTF}'s 64 KB.
 */
public final class DataStrings {
  private DataStrings() {}

  /** Writes {@code s}; mutates only {@code out}. */
  public static void write(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  /**
   * Reads a string {@link #write} wrote.
   *
   * @throws IOException when the length is negative or runs past the bytes left (a damaged state)
   */
  public static String read(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new IOException(
          "a string of " + length + " bytes in " + in.available() + " bytes left");
    }
    byte[] b = new byte[length];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
