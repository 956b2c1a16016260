package dev.tlskit.nativetls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import dev.tlskit.testpeer.Peers;

/**
 * A real HAProxy (Debian's, from scripts/install-peers) in TCP mode in front of a list of backends on loopback: round
 * robin, PROXY protocol v2 to every backend (health checks too), health checks every 100 ms, and redispatch to
 * another backend when a connect fails. Its frontend port is fixed in its configuration, so it is picked free first.
 */
final class Haproxy implements AutoCloseable {
  static final String BINARY = "/usr/sbin/haproxy";

  private final Process process;
  private final int port;
  private final Path log;

  private Haproxy(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Skips the calling test when HAProxy is missing, or fails it under {@code -Dtlskit.requirePeers=true}. */
  static void require() {
    Peers.require("HAProxy", BINARY);
  }

  /** Returns the configuration: one frontend on {@code port}, one backend server per port in {@code backends}. */
  static String config(int port, List<Integer> backends) {
    StringBuilder sb = new StringBuilder("""
        global
          maxconn 2000
        defaults
          mode tcp
          timeout connect 2s
          timeout client 30s
          timeout server 30s
          # a connect that fails (an instance that stopped listening) is retried on another instance
          retries 3
          option redispatch 1
        frontend fleet
          bind 127.0.0.1:%d
          default_backend tls
        backend tls
          balance roundrobin
          default-server send-proxy-v2 check check-send-proxy inter 100ms fall 1 rise 2
        """.formatted(port));
    for (int i = 0; i < backends.size(); i++) {
      sb.append("  server s").append(i).append(" 127.0.0.1:").append(backends.get(i)).append('\n');
    }
    return sb.toString();
  }

  /** Starts HAProxy in the foreground in {@code dir} and waits until its frontend accepts connections. */
  static Haproxy start(Path dir, List<Integer> backends) throws IOException, InterruptedException {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Path cfg = dir.resolve("haproxy.cfg");
    Files.writeString(cfg, config(port, backends));
    Path log = dir.resolve("haproxy.log");
    Process p = new ProcessBuilder(BINARY, "-db", "-f", cfg.toString()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    Haproxy h = new Haproxy(p, port, log);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
        return h;
      } catch (IOException notYet) {
        if (!p.isAlive() || System.nanoTime() > end) {
          h.close();
          throw new IOException("HAProxy did not start listening on " + port + ": " + Files.readString(log));
        }
        Thread.sleep(50);
      }
    }
  }

  /** Returns the frontend port the clients connect to. */
  int port() {
    return port;
  }

  /** Returns what HAProxy printed so far (warnings, alerts). */
  String output() throws IOException {
    return Files.readString(log);
  }

  /** Stops HAProxy (SIGTERM; killed when still running after 5 s). */
  @Override
  public void close() {
    Peers.stop(process);
  }
}
