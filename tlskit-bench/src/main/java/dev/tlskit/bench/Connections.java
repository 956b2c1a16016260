package dev.tlskit.bench;

import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsPolicy;
import dev.tlskit.Trust;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.bench.stacks.BenchStacks;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/** Opens many TlsKit client connections in echo mode, a bounded number of handshakes at a time. */
final class Connections {
  private Connections() {}

  /**
   * Opens up to {@code count} TLS connections to 127.0.0.1:{@code port}, each switched to echo mode and checked with
   * one byte each way, within {@code deadline} (System.nanoTime). Returns those opened.
   */
  static List<TlsConnection> open(int port, HeldCertificate ca, int count, long deadline, int parallel)
      throws InterruptedException {
    TlsClient client = TlsClient.builder()
        .policy(TlsPolicy.builder().trust(Trust.anchors(ca.certificate())).build())
        .timeout(Duration.ofSeconds(60)).build();
    List<TlsConnection> opened = Collections.synchronizedList(new ArrayList<>(count));
    Semaphore slots = new Semaphore(parallel);
    AtomicReference<IOException> firstError = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>(count);
    for (int i = 0; i < count && System.nanoTime() < deadline && firstError.get() == null; i++) {
      slots.acquire();
      threads.add(Thread.ofVirtual().start(() -> {
        try {
          TlsConnection c = client.connectTls("127.0.0.1", port, "localhost");
          c.output().write(new byte[] {BenchStacks.ECHO, 'x'});
          c.output().flush();
          if (c.input().read() != 'x') throw new IOException("no echo");
          opened.add(c);
        } catch (IOException e) {
          firstError.compareAndSet(null, e);
        } finally {
          slots.release();
        }
      }));
    }
    for (Thread t : threads) t.join();
    if (firstError.get() != null) {
      System.err.println("connections: stopped after " + opened.size() + ": " + firstError.get());
    }
    return new ArrayList<>(opened);
  }

  static void closeAll(List<TlsConnection> connections) {
    for (TlsConnection c : connections) {
      try {
        c.close();
      } catch (IOException ignored) {
        // the server may have gone first
      }
    }
  }
}
