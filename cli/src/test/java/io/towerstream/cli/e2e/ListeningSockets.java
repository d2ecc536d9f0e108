package io.towerstream.cli.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The TCP sockets a process listens on, read from Linux's {@code /proc}: the socket inodes among
 * the process's file descriptors, matched with the LISTEN entries of {@code /proc/net/tcp} and
 * {@code /proc/net/tcp6}.
 */
final class ListeningSockets {
  private static final String LISTEN = "0A";

  /** One listening socket: the address it is bound to and its port. */
  record Listener(InetAddress address, int port) {
    boolean loopback() {
      return address.isLoopbackAddress();
    }

    @Override
    public String toString() {
      return address.getHostAddress() + ":" + port;
    }
  }

  private ListeningSockets() {}

  static boolean available() {
    return Files.isReadable(Path.of("/proc/net/tcp"))
        && Files.isDirectory(Path.of("/proc/self/fd"));
  }

  /** Every TCP socket {@code pid} listens on, IPv4 and IPv6. */
  static List<Listener> of(long pid) throws IOException {
    Set<String> inodes = socketInodes(pid);
    List<Listener> out = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path path = Path.of(table);
      if (!Files.isReadable(path)) {
        continue;
      }
      listeners(path)
          .forEach(
              (inode, l) -> {
                if (inodes.contains(inode)) {
                  out.add(l);
                }
              });
    }
    return out;
  }

  private static Set<String> socketInodes(long pid) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    }
    return inodes;
  }

  /** The LISTEN entries of one table by inode. */
  private static Map<String, Listener> listeners(Path table) throws IOException {
    Map<String, Listener> out = new HashMap<>();
    List<String> lines = Files.readAllLines(table);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.trim().split("\\s+");
      if (!f[3].equals(LISTEN)) {
        continue;
      }
      String[] local = f[1].split(":");
      out.put(f[9], new Listener(address(local[0]), Integer.parseInt(local[1], 16)));
    }
    return out;
  }

  /** The kernel's hex: each 32-bit word in host (little-endian) byte order. */
  private static InetAddress address(String hex) throws IOException {
    byte[] bytes = new byte[hex.length() / 2];
    for (int word = 0; word < bytes.length / 4; word++) {
      for (int b = 0; b < 4; b++) {
        int at = word * 8 + (3 - b) * 2;
        bytes[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
      }
    }
    return InetAddress.getByAddress(bytes); // an IPv4-mapped IPv6 address comes back as IPv4
  }
}
