package dev.tlskit.nativetls;

import static dev.tlskit.nativetls.NativeHandshakeTest.NATIVE;
import static dev.tlskit.nativetls.NativeHandshakeTest.client;
import static dev.tlskit.nativetls.NativeStreamTest.jdkServerContext;
import static dev.tlskit.nativetls.NativeStreamTest.line;
import static dev.tlskit.testing.AdapterPki.GOOD;
import static dev.tlskit.testing.AdapterPki.ROOT;
import static dev.tlskit.testing.AdapterPki.TRUST_ROOT;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.ServerCertificates;
import dev.tlskit.ServerConnection;
import dev.tlskit.ServerHandler;
import dev.tlskit.ServerListener;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsServer;
import dev.tlskit.testing.AdapterPki;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Closing loses nothing, on either engine: a close whose peer's close_notify has not been read yet reads (and
 * discards) until that close_notify or the end of the stream before it closes TCP, as the JDK's close does, so the
 * TCP close is a FIN behind all we sent, not a reset that drops the tail still in our send buffer; that wait is
 * bounded by {@code Closing.CLOSE_GRACE} (1 s), so a peer that never answers close_notify holds neither a TlsServer
 * slot nor a client's close for long. The timeouts are long (60 s): waiting for them would fail these tests; the
 * bounds are correctness bounds.
 */
class NativeCloseTest {
  private static final Duration LONG = Duration.ofSeconds(60);
  private static final long BOUND_MS = 10_000;

  /** A last reply larger than loopback's socket buffers can hold at once, so that it is still in flight at close. */
  private static final int TAIL = 8 << 20;

  private static SSLContext jdkClientContext() throws Exception {
    return AdapterPki.jdkTrusting(ROOT.certificate());
  }

  private static TlsPolicy policy(String provider) {
    return provider.equals("native") ? NATIVE : TRUST_ROOT;
  }

  /** Reads to the end of {@code in}, returning how many bytes came; a reset or truncation throws. */
  private static long drain(InputStream in) throws IOException {
    byte[] buf = new byte[64 << 10];
    long total = 0;
    for (int n; (n = in.read(buf)) >= 0; ) total += n;
    return total;
  }

  /**
   * A client that sent its request and then its close_notify (TLS 1.3 half-close) and reads the reply slowly: the
   * server's handler writes a large last reply and returns. The client's close_notify waits unread in the server's
   * receive queue; a TCP close over unread bytes is a reset that drops what the server's send buffer still holds.
   */
  @ParameterizedTest
  @ValueSource(strings = {"jdk", "native"})
  void aHalfClosedClientGetsTheWholeLastReplyAndACleanEnd(String provider) throws Exception {
    LinkedBlockingQueue<Throwable> closed = new LinkedBlockingQueue<>();
    ServerHandler reply = c -> {
      assertThat(c.readLine(100)).isEqualTo("GET");
      c.output().write(new byte[TAIL]);
      c.output().flush();
    };
    try (TlsServer server = TlsServer.builder(reply, ServerCertificates.of(GOOD.certifiedKey()))
        .policy(policy(provider)).listen("127.0.0.1", 0).idleTimeout(LONG)
        .listener(new ServerListener() {
          @Override
          public void closed(ServerConnection connection, Throwable error) {
            closed.add(error == null ? new Throwable("none") : error);
          }
        }).start();
        SSLSocket client = (SSLSocket) jdkClientContext().getSocketFactory()
            .createSocket("127.0.0.1", server.port())) {
      client.setSoTimeout(10_000);
      client.setEnabledProtocols(new String[] {"TLSv1.3"});
      client.getOutputStream().write("GET\r\n".getBytes(US_ASCII));
      client.getOutputStream().flush();
      client.shutdownOutput(); // TLS 1.3: close_notify, the input stays open
      Thread.sleep(200); // a slow reader: the handler returns while most of the reply is still in flight
      assertThat(drain(client.getInputStream())).as("bytes of the reply, then a clean close_notify")
          .isEqualTo(TAIL);
      assertThat(closed.poll(BOUND_MS, TimeUnit.MILLISECONDS)).as("closed()").isNotNull();
    }
  }

  /**
   * A TlsKit client whose peer already sent its close_notify (unread) writes a large last message and closes; the
   * server reads slowly. The server's close_notify waits unread in the client's receive queue: a TCP close over it is
   * a reset that drops the tail still in the client's send buffer.
   */
  @ParameterizedTest
  @ValueSource(strings = {"jdk", "native"})
  void aClientsLargeLastWriteReachesAServerThatClosedFirst(String provider) throws Exception {
    SSLContext jdk = jdkServerContext();
    try (ServerSocket plain = new ServerSocket(0, 2, InetAddress.getLoopbackAddress())) {
      FutureTask<Long> peer = new FutureTask<>(() -> {
        try (Socket raw = plain.accept()) {
          raw.setSoTimeout(10_000);
          SSLSocket ssl = (SSLSocket) jdk.getSocketFactory().createSocket(raw, null, raw.getPort(), true);
          ssl.setUseClientMode(false);
          ssl.setEnabledProtocols(new String[] {"TLSv1.3"});
          ssl.getOutputStream().write("hi\r\n".getBytes(US_ASCII));
          ssl.getOutputStream().flush();
          ssl.shutdownOutput(); // our close_notify: we have nothing more to say, and read on
          Thread.sleep(200); // a slow reader: the client's close comes while its last write is still in flight
          return drain(ssl.getInputStream());
        }
      });
      Thread.ofVirtual().start(peer);
      TlsConnection c = client(policy(provider)).toBuilder().readTimeout(LONG).build()
          .connectTls("127.0.0.1", plain.getLocalPort(), "localhost");
      assertThat(c.readLine(10)).isEqualTo("hi");
      Thread.sleep(50); // the server's close_notify is here now, unread
      c.output().write(new byte[TAIL]);
      c.close();
      assertThat(peer.get(BOUND_MS, TimeUnit.MILLISECONDS)).as("bytes of the last write, then a clean close_notify")
          .isEqualTo(TAIL);
    }
  }

  /**
   * An honest client that reads the end and answers close_notify a little late (its close_notify reaches the server
   * after the server's close began) meets no reset: a write on its TCP socket 300 ms later still succeeds.
   */
  @ParameterizedTest
  @ValueSource(strings = {"jdk", "native"})
  void anHonestClientsCloseNotifyMeetsNoReset(String provider) throws Exception {
    LinkedBlockingQueue<Long> closed = new LinkedBlockingQueue<>();
    try (TlsServer server = TlsServer.builder(c -> c.writeLine("bye"), ServerCertificates.of(GOOD.certifiedKey()))
        .policy(policy(provider)).listen("127.0.0.1", 0).idleTimeout(LONG)
        .listener(new ServerListener() {
          @Override
          public void closed(ServerConnection connection, Throwable error) {
            closed.add(System.nanoTime());
          }
        }).start();
        Socket raw = new Socket("127.0.0.1", server.port())) {
      raw.setSoTimeout(10_000);
      SSLSocket tls = (SSLSocket) jdkClientContext().getSocketFactory().createSocket(raw, "localhost", raw.getPort(),
          false);
      tls.startHandshake();
      InputStream in = tls.getInputStream();
      assertThat(line(in)).isEqualTo("bye");
      assertThat(in.read()).isEqualTo(-1);
      tls.shutdownOutput();
      assertThat(closed.poll(BOUND_MS, TimeUnit.MILLISECONDS)).isNotNull();
      Thread.sleep(300);
      raw.getOutputStream().write(0); // a reset would make this write fail (Broken pipe)
      raw.getOutputStream().flush();
    }
  }

  /** The native close waits for this client's answer at most the grace (1 s), not the idle timeout (60 s). */
  @Test
  void aNativeServerGivesTheSlotOfAClientThatNeitherReadsNorClosesBackSoon() throws Exception {
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

  /** The native close waits for this server's answer at most the grace (1 s), not the read timeout (60 s). */
  @Test
  void aNativeClientsCloseDoesNotWaitTheReadTimeoutForAServerThatNeverAnswers() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (ServerSocket plain = new ServerSocket(0, 2, InetAddress.getLoopbackAddress())) {
      FutureTask<Void> peer = silentPeer(plain, release);
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

  /**
   * With SO_TIMEOUT 0 (reads that never time out) the native close waits for nothing, the JDK's rule: the grace bounds
   * a wait that SO_TIMEOUT allows, it does not make one. The peer neither reads nor closes: a wait would last the grace.
   */
  @Test
  void aNativeCloseWithoutAReadTimeoutDoesNotWait() throws Exception {
    assertThat(closeAgainstASilentPeer(0)).as("close with SO_TIMEOUT 0").isLessThan(Duration.ofMillis(800));
  }

  /**
   * The grace bounds the native close itself, not only TlsKit's connections (whose close lowers SO_TIMEOUT first): a
   * socket of the provider's own {@code SSLContext} with a 60 s read timeout, against a peer that never answers.
   */
  @Test
  void aNativeSocketsCloseWaitsAtMostTheGraceWhateverItsReadTimeout() throws Exception {
    assertThat(closeAgainstASilentPeer((int) LONG.toMillis())).as("close with SO_TIMEOUT 60 s")
        .isLessThan(Duration.ofMillis(BOUND_MS));
  }

  /**
   * Returns how long the close of a socket of the native provider's {@code SSLContext}, whose SO_TIMEOUT is
   * {@code soTimeout}, takes against a peer that sent a line and then neither reads nor closes.
   */
  private static Duration closeAgainstASilentPeer(int soTimeout) throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (ServerSocket plain = new ServerSocket(0, 2, InetAddress.getLoopbackAddress())) {
      FutureTask<Void> peer = silentPeer(plain, release);
      SSLContext nat = SSLContext.getInstance("TLS", NativeTls.provider());
      nat.init(null, trustingRoot(), null);
      Socket under = new Socket(InetAddress.getLoopbackAddress(), plain.getLocalPort());
      under.setSoTimeout(10_000);
      SSLSocket s = (SSLSocket) nat.getSocketFactory().createSocket(under, "localhost", plain.getLocalPort(), true);
      assertThat(line(s.getInputStream())).isEqualTo("hi");
      s.setSoTimeout(soTimeout);
      FutureTask<Long> closing = new FutureTask<>(() -> {
        long start = System.nanoTime();
        s.close();
        return System.nanoTime() - start;
      });
      Thread.ofVirtual().start(closing);
      Duration took = Duration.ofNanos(closing.get(BOUND_MS + 5_000, TimeUnit.MILLISECONDS));
      assertThat(under.isClosed()).isTrue();
      release.countDown();
      peer.get(10, TimeUnit.SECONDS);
      return took;
    } finally {
      release.countDown();
    }
  }

  /** Starts a JDK TLS server on {@code plain} that writes a line, then neither reads nor closes until released. */
  private static FutureTask<Void> silentPeer(ServerSocket plain, CountDownLatch release) throws Exception {
    SSLContext jdk = jdkServerContext();
    FutureTask<Void> peer = new FutureTask<>(() -> {
      try (Socket raw = plain.accept()) {
        SSLSocket ssl = (SSLSocket) jdk.getSocketFactory().createSocket(raw, null, raw.getPort(), true);
        ssl.setUseClientMode(false);
        ssl.getOutputStream().write("hi\r\n".getBytes(US_ASCII));
        ssl.getOutputStream().flush();
        release.await(); // never reads, never closes, until the test ends
      }
      return null;
    });
    Thread.ofVirtual().start(peer);
    return peer;
  }

  private static TrustManager[] trustingRoot() throws Exception {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    KeyStore anchors = KeyStore.getInstance("PKCS12");
    anchors.load(null, null);
    anchors.setCertificateEntry("root", ROOT.certificate());
    tmf.init(anchors);
    return tmf.getTrustManagers();
  }
}
