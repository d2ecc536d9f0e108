package io.towerstream.jobs.operators;

import io.towerstream.model.Interaction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The trainer operator's own fields in a checkpoint, beside the model's snapshot: which model version wrote
 * it, the last publish sequence, and the partial batch not yet trained. A versioned binary format.
 *
 * @param pendingBatch events received but not yet trained, in arrival order
 */
record TrainerCheckpoint(long modelVersion, long lastSequence, List<Interaction> pendingBatch) {
  static final int FORMAT_VERSION = 1;

  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + pendingBatch.size() * 48);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(FORMAT_VERSION);
      out.writeLong(modelVersion);
      out.writeLong(lastSequence);
      out.writeInt(pendingBatch.size());
      for (Interaction i : pendingBatch) {
        writeString(out, i.userId());
        writeString(out, i.itemId());
        out.writeFloat(i.weight());
        out.writeLong(i.eventTimeMillis());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode the trainer checkpoint", e);
    }
    return bytes.toByteArray();
  }

  static TrainerCheckpoint decode(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int version = in.readInt();
      if (version != FORMAT_VERSION) {
        throw new IllegalStateException("trainer checkpoint has format version " + version
            + ", this job reads version " + FORMAT_VERSION);
      }
      long modelVersion = in.readLong();
      long lastSequence = in.readLong();
      int n = in.readInt();
      List<Interaction> pending = new ArrayList<>(n);
      for (int k = 0; k < n; k++) {
        pending.add(new Interaction(readString(in), readString(in), in.readFloat(), in.readLong()));
      }
      return new TrainerCheckpoint(modelVersion, lastSequence, pending);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decode the trainer checkpoint", e);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
