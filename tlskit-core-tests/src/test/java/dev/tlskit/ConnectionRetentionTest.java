package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.internal.net.TransportSocket;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closed connections must not stay reachable from TlsKit's timers (write watchdog, handshake deadlines) until their
 * timeouts pass: with long timeouts a burst of connections would otherwise hold its memory for that long.
 */
class ConnectionRetentionTest {
  private static final int CONNECTIONS = 1_200;
  private static final int PARALLEL = 4;
  private static final Duration LONG = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void closedConnectionsAreNotHeldByTimers() throws Exception {
    ServerTestPki pki = ServerTestPki.create(dir, "Retention Test CA");
    ServerTestPki.Issued leaf = pki.server("localhost");
    ConcurrentLinkedQueue<WeakReference<ServerConnection>> serverSide = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<WeakReference<TransportSocket>> clientSide = new ConcurrentLinkedQueue<>();
    ServerHandler echoOnce = c -> {
      serverSide.add(new WeakReference<>(c));
      c.writeLine(c.readLine(100));
    };
    TlsServer server = TlsServer.builder(echoOnce,
            ServerCertificates.builder().addPemFiles(leaf.chainFile(), leaf.keyFile()).build())
        .handshakeTimeout(LONG).idleTimeout(LONG).start();
    try {
      TlsClient client = TlsClient.builder()
          .policy(TlsPolicy.MODERN.toBuilder().trust(Trust.anchors(pki.caCertificate())).build())
          .timeout(LONG).build();
      ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < PARALLEL; t++) {
          done.add(pool.submit(() -> {
            for (int i = 0; i < CONNECTIONS / PARALLEL; i++) roundTrip(client, server.port(), clientSide);
            return null;
          }));
        }
        for (Future<?> f : done) f.get();
      } finally {
        pool.shutdown();
      }
      assertThat(clientSide).hasSize(CONNECTIONS);
      long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      while (live(clientSide) + live(serverSide) > 10 && System.nanoTime() < until) {
        System.gc();
        Thread.sleep(100);
      }
      assertThat(live(clientSide)).as("client TransportSockets still reachable").isLessThanOrEqualTo(5);
      assertThat(live(serverSide)).as("ServerConnections still reachable").isLessThanOrEqualTo(5);
    } finally {
      server.shutdown(Duration.ofSeconds(1));
    }
  }

  private static void roundTrip(TlsClient client, int port, ConcurrentLinkedQueue<WeakReference<TransportSocket>> refs)
      throws IOException {
    Socket raw = new Socket();
    raw.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    raw.setSoTimeout(10_000);
    TransportSocket transport = new TransportSocket(raw, LONG);
    refs.add(new WeakReference<>(transport));
    try (TlsConnection c = client.secure(transport, "localhost")) {
      c.output().write("ping\r\n".getBytes(StandardCharsets.US_ASCII));
      c.output().flush();
      assertThat(c.readLine(100)).isEqualTo("ping");
    }
  }

  private static <T> long live(ConcurrentLinkedQueue<WeakReference<T>> refs) {
    return refs.stream().filter(r -> r.get() != null).count();
  }
}
