package dev.tlskit.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code openssl s_server} on a free loopback port, started for one test and stopped after it. Skips the test
 * when openssl is missing, unless {@code -Dtlskit.requirePeers=true} turns that into a failure.
 */
final class OpensslPeer implements AutoCloseable {
  private final Process process;
  final int port;

  private OpensslPeer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static void requireOpenssl() {
    boolean present;
    try {
      Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
      present = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      present = false;
    }
    if (!present && Boolean.getBoolean("tlskit.requirePeers")) {
      throw new AssertionError("openssl is required (tlskit.requirePeers=true) but not installed");
    }
    assumeTrue(present, "openssl not installed");
  }

  /** Starts {@code openssl s_server} with the given certificate files and extra arguments. */
  static OpensslPeer start(Path dir, Path cert, Path key, Path chain, String... extra) throws Exception {
    requireOpenssl();
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    List<String> cmd = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:" + port,
        "-cert", cert.toString(), "-key", key.toString()));
    if (chain != null) cmd.addAll(List.of("-cert_chain", chain.toString()));
    cmd.addAll(List.of(extra));
    // stdin stays an open pipe: s_server quits when its stdin ends.
    Path log = dir.resolve("s_server-" + port + ".log");
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    OpensslPeer peer = new OpensslPeer(p, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return peer;
      } catch (IOException e) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          peer.close();
          throw new IllegalStateException("openssl s_server did not start on port " + port + ": " + cmd + "\n"
              + java.nio.file.Files.readString(log), e);
        }
        Thread.sleep(50);
      }
    }
  }

  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
