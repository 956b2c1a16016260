package dev.tlskit;

import static dev.tlskit.ConnectionTest.LEAF;
import static dev.tlskit.ConnectionTest.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.testing.AdapterPki;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Closing waits only briefly for a peer that never answers close_notify (a TLS 1.3 close of the JDK's provider reads
 * one more byte, up to SO_TIMEOUT), and an honest peer sees the close it saw before: all our data, close_notify, no
 * reset. The timeouts here are long (60 s) so that waiting for them fails the test; the bounds asserted are
 * correctness bounds, far above the one-second grace, not performance targets.
 */
class CloseGraceTest {
  private static final Duration LONG = Duration.ofSeconds(60);
  private static final long BOUND_MS = 10_000;

  private final LinkedBlockingQueue<Long> closed = new LinkedBlockingQueue<>();
  private TlsServer server;

  @AfterEach
  void stop() {
    if (server != null) server.shutdown(Duration.ofSeconds(1));
  }

  /**
   * A TlsServer (idle timeout 60 s) whose handler writes {@code tail} and a line, then returns; its closed() events go
   * to {@link #closed}: when, or -1 for a connection that ended in an error.
   */
  private TlsServer start(byte[] tail, int maxConnections) throws IOException {
    return TlsServer.builder(c -> {
      c.output().write(tail);
      c.writeLine("bye");
    }, ServerCertificates.of(LEAF.certifiedKey())).idleTimeout(LONG).maxConnections(maxConnections)
        .listener(new ServerListener() {
          @Override
          public void closed(ServerConnection connection, Throwable error) {
            closed.add(error == null ? System.nanoTime() : -1L);
          }
        }).start();
  }

  /** A plain JDK client trusting the test root, TLS 1.3 (the JDK's default). */
  static SSLContext jdkClient() throws Exception {
    return AdapterPki.jdkTrusting(ROOT.cert());
  }

  private static byte[] filled(int size) {
    byte[] b = new byte[size];
    Arrays.fill(b, (byte) 'x');
    return b;
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) throw new IOException("end of stream after " + b);
      if (c != '\r') b.append((char) c);
    }
    return b.toString();
  }

  @Test
  void aClientThatNeitherReadsNorClosesGivesItsSlotBackSoon() throws Exception {
    server = start(new byte[0], 1);
    try (SSLSocket idle = (SSLSocket) jdkClient().getSocketFactory().createSocket("127.0.0.1", server.port())) {
      idle.setSoTimeout(10_000);
      assertThat(line(idle.getInputStream())).isEqualTo("bye");
      long read = System.nanoTime();
      // now this client neither reads (the server's close_notify waits unread) nor closes
      Long at = closed.poll(BOUND_MS + 5_000, TimeUnit.MILLISECONDS);
      assertThat(at).as("closed() of the idle client's connection, cleanly").isNotNull().isNotEqualTo(-1L);
      assertThat(Duration.ofNanos(at - read)).as("close held by a client that never answers (idle timeout 60 s)")
          .isLessThan(Duration.ofMillis(BOUND_MS));
      // the one admission slot is back (released just after closed()): a second client is served, not closed at once
      TlsServerTest.eventually("slot released", () -> server.metrics().connectionsOpen() == 0);
      try (SSLSocket next = (SSLSocket) jdkClient().getSocketFactory().createSocket("127.0.0.1", server.port())) {
        next.setSoTimeout(10_000);
        assertThat(line(next.getInputStream())).isEqualTo("bye");
      }
    }
    assertThat(server.metrics().connectionsRefused()).isZero();
  }

  @Test
  void anHonestClientGetsTheWholeLastWriteAndACleanClose() throws Exception {
    byte[] tail = filled(256 * 1024);
    server = start(tail, 1);
    try (TlsConnection c = ConnectionTest.client().connectTls("127.0.0.1", server.port(), "localhost")) {
      assertThat(c.input().readNBytes(tail.length)).isEqualTo(tail);
      assertThat(c.readLine(10)).isEqualTo("bye");
      assertThat(c.input().read()).isEqualTo(-1);
      assertThat(c.truncated()).as("close_notify came").isFalse();
    }
    assertThat(closed.poll(BOUND_MS, TimeUnit.MILLISECONDS)).as("closed() without an error").isNotNull()
        .isNotEqualTo(-1L);
  }

  @Test
  void aClientSlowerThanTheGraceStillGetsEverythingAndACleanEnd() throws Exception {
    byte[] tail = filled(32 * 1024); // fits the loopback socket buffers: the handler's write completes unread
    server = start(tail, 1);
    try (TlsConnection c = ConnectionTest.client().connectTls("127.0.0.1", server.port(), "localhost")) {
      // reads nothing until the server has given up waiting for its answer and closed the TCP connection
      assertThat(closed.poll(BOUND_MS + 5_000, TimeUnit.MILLISECONDS)).isNotNull().isNotEqualTo(-1L);
      assertThat(c.input().readNBytes(tail.length)).isEqualTo(tail);
      assertThat(c.readLine(10)).isEqualTo("bye");
      assertThat(c.input().read()).isEqualTo(-1);
      assertThat(c.truncated()).as("close_notify came before the TCP end").isFalse();
    }
  }

  @Test
  void anHonestClientsCloseNotifyMeetsNoReset() throws Exception {
    byte[] tail = filled(64 * 1024);
    server = start(tail, 1);
    try (Socket raw = new Socket("127.0.0.1", server.port())) {
      raw.setSoTimeout(10_000);
      // layered without autoClose: its half-close sends close_notify and leaves the TCP connection to us
      SSLSocket tls = (SSLSocket) jdkClient().getSocketFactory().createSocket(raw, "localhost", raw.getPort(), false);
      tls.startHandshake();
      assertThat(tls.getSession().getProtocol()).isEqualTo("TLSv1.3");
      InputStream in = tls.getInputStream();
      assertThat(in.readNBytes(tail.length)).isEqualTo(tail);
      assertThat(line(in)).isEqualTo("bye");
      assertThat(in.read()).isEqualTo(-1);
      tls.shutdownOutput(); // the honest answer: close_notify, at once
      assertThat(closed.poll(BOUND_MS, TimeUnit.MILLISECONDS)).isNotNull().isNotEqualTo(-1L);
      Thread.sleep(300); // a reset, had our close_notify met a closed socket, would be here by now
      OutputStream out = raw.getOutputStream();
      out.write(0); // fails (connection reset, broken pipe) once a reset came
      out.flush();
    }
  }

  @Test
  void aClientCloseDoesNotWaitTheReadTimeoutForAServerThatNeverAnswers() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (LoopbackTlsPeer silent = LoopbackTlsPeer.builder(LEAF.certifiedKey()).handler((tls, raw) -> {
      tls.getOutputStream().write("hi\r\n".getBytes(StandardCharsets.US_ASCII));
      tls.getOutputStream().flush();
      release.await(); // never reads, never closes, until the test ends
    }).build()) {
      TlsClient client = ConnectionTest.client().toBuilder().readTimeout(LONG).build();
      TlsConnection c = client.connectTls("127.0.0.1", silent.port(), "localhost");
      assertThat(c.readLine(10)).isEqualTo("hi"); // the session ticket before it is read too: nothing is left unread
      long start = System.nanoTime();
      FutureTask<Void> closing = new FutureTask<>(() -> {
        c.close();
        return null;
      });
      Thread.ofVirtual().start(closing);
      closing.get(BOUND_MS + 5_000, TimeUnit.MILLISECONDS);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("close against a peer that never answers (read "
          + "timeout 60 s)").isLessThan(Duration.ofMillis(BOUND_MS));
      assertThat(c.socket().isClosed()).isTrue();
    } finally {
      release.countDown();
    }
  }

  @Test
  void aRefusedEndOfTlsDoesNotWaitTheReadTimeoutEither() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (LoopbackTlsPeer peer = LoopbackTlsPeer.builder(LEAF.certifiedKey()).starttls().handler((tls, raw) -> {
      // the answer to CCC and, in the same record, data that must not be there; then silence
      tls.getOutputStream().write("200 CCC ok\r\nINJECTED\r\n".getBytes(StandardCharsets.US_ASCII));
      tls.getOutputStream().flush();
      release.await();
    }).build()) {
      TlsConnection c = ConnectionTest.client().toBuilder().readTimeout(LONG).build()
          .connectPlain("127.0.0.1", peer.port(), "localhost");
      assertThat(c.readLine(100)).isEqualTo("* OK plaintext greeting");
      ConnectionTest.send(c, "STARTTLS");
      assertThat(c.readLine(100)).isEqualTo("* OK begin TLS");
      c.upgradeToTls();
      assertThat(c.readLine(100)).isEqualTo("200 CCC ok");
      long start = System.nanoTime();
      FutureTask<Throwable> ending = new FutureTask<>(() -> {
        try {
          c.endTls();
          return null;
        } catch (Throwable t) {
          return t;
        }
      });
      Thread.ofVirtual().start(ending);
      assertThat(ending.get(BOUND_MS + 5_000, TimeUnit.MILLISECONDS)).isInstanceOfSatisfying(
          TlsSecurityException.class,
          e -> assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.INJECTION_DETECTED));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the refusal's close against a silent peer (read "
          + "timeout 60 s)").isLessThan(Duration.ofMillis(BOUND_MS));
    } finally {
      release.countDown();
    }
  }
}
