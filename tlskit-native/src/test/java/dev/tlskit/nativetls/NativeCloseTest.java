package dev.tlskit.nativetls;

import static dev.tlskit.nativetls.NativeHandshakeTest.NATIVE;
import static dev.tlskit.nativetls.NativeHandshakeTest.client;
import static dev.tlskit.nativetls.NativeStreamTest.jdkServerContext;
import static dev.tlskit.nativetls.NativeStreamTest.line;
import static dev.tlskit.testing.AdapterPki.GOOD;
import static dev.tlskit.testing.AdapterPki.ROOT;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.ServerCertificates;
import dev.tlskit.ServerConnection;
import dev.tlskit.ServerListener;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsServer;
import dev.tlskit.testing.AdapterPki;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * Closing on the native engine waits for nothing from the peer (its close writes close_notify and closes the TCP
 * socket; it reads nothing), so a peer that never answers close_notify holds neither a TlsServer slot nor a client's
 * close. The timeouts are long (60 s): waiting for them would fail these tests; the bounds are correctness bounds.
 */
class NativeCloseTest {
  private static final Duration LONG = Duration.ofSeconds(60);
  private static final long BOUND_MS = 10_000;

  private static SSLContext jdkClientContext() throws Exception {
    return AdapterPki.jdkTrusting(ROOT.certificate());
  }

  @Test
  void aNativeServerGivesTheSlotOfAClientThatNeitherReadsNorClosesBack() throws Exception {
    LinkedBlockingQueue<Long> closed = new LinkedBlockingQueue<>();
    try (TlsServer server = TlsServer.builder(c -> c.writeLine("bye"), ServerCertificates.of(GOOD.certifiedKey()))
        .policy(NATIVE).listen("127.0.0.1", 0).idleTimeout(LONG).maxConnections(1)
        .listener(new ServerListener() {
          @Override
          public void closed(ServerConnection connection, Throwable error) {
            closed.add(System.nanoTime());
          }
        }).start();
        SSLSocket idle = (SSLSocket) jdkClientContext().getSocketFactory().createSocket("127.0.0.1", server.port())) {
      idle.setSoTimeout(10_000);
      assertThat(line(idle.getInputStream())).isEqualTo("bye");
      long read = System.nanoTime();
      Long at = closed.poll(BOUND_MS + 5_000, TimeUnit.MILLISECONDS); // the client neither reads nor closes now
      assertThat(at).as("closed()").isNotNull();
      assertThat(Duration.ofNanos(at - read)).isLessThan(Duration.ofMillis(BOUND_MS));
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      // the slot is released just after closed()
      while (server.metrics().connectionsOpen() > 0 && System.nanoTime() < end) Thread.sleep(10);
      try (SSLSocket next = (SSLSocket) jdkClientContext().getSocketFactory()
          .createSocket("127.0.0.1", server.port())) {
        next.setSoTimeout(10_000);
        assertThat(line(next.getInputStream())).as("the one slot is free again").isEqualTo("bye");
      }
    }
  }

  @Test
  void aNativeClientsCloseDoesNotWaitForAServerThatNeverAnswers() throws Exception {
    SSLContext jdk = jdkServerContext();
    CountDownLatch release = new CountDownLatch(1);
    try (ServerSocket plain = new ServerSocket(0, 2, InetAddress.getLoopbackAddress())) {
      FutureTask<Void> peer = new FutureTask<>(() -> {
        try (Socket raw = plain.accept()) {
          SSLSocket ssl = (SSLSocket) jdk.getSocketFactory().createSocket(raw, null, raw.getPort(), true);
          ssl.setUseClientMode(false);
          OutputStream out = ssl.getOutputStream();
          out.write("hi\r\n".getBytes(US_ASCII));
          out.flush();
          release.await(); // never reads, never closes, until the test ends
        }
        return null;
      });
      Thread.ofVirtual().start(peer);
      TlsConnection c = client(NATIVE).toBuilder().readTimeout(LONG).build()
          .connectTls("127.0.0.1", plain.getLocalPort(), "localhost");
      assertThat(c.readLine(10)).isEqualTo("hi");
      long start = System.nanoTime();
      FutureTask<Void> closing = new FutureTask<>(() -> {
        c.close();
        return null;
      });
      Thread.ofVirtual().start(closing); // not the common pool: its one worker may be the peer's (2 cores)
      closing.get(BOUND_MS + 5_000, TimeUnit.MILLISECONDS);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(BOUND_MS));
      release.countDown();
      peer.get(10, TimeUnit.SECONDS);
    } finally {
      release.countDown();
    }
  }
}
