package dev.tlskit.nativetls;

import static dev.tlskit.nativetls.NativeHandshakeTest.NATIVE;
import static dev.tlskit.nativetls.NativeHandshakeTest.client;
import static dev.tlskit.nativetls.NativeStreamTest.jdkServerContext;
import static dev.tlskit.testing.AdapterPki.ROOT;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.TlsConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.net.SocketException;
import java.security.KeyStore;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The native engine's record layer: records split across reads (headers too), many records and the close_notify behind
 * them arriving at once, and nothing read past the peer's close_notify (FTP's CCC goes on in plaintext there, even
 * when the peer's plaintext came in the same segment).
 */
class NativeRecordsTest {
  private static final int LINES = 40;

  /**
   * Records split into pieces of a few bytes (headers too), and records batched with the close_notify behind them,
   * arrive whole and in order; the close_notify ends the stream cleanly (no truncation).
   */
  @ParameterizedTest
  @ValueSource(strings = {"dribble", "batch"})
  void recordsSplitAcrossReadsOrBatchedWithCloseNotifyArriveWhole(String relayMode) throws Exception {
    SSLContext jdk = jdkServerContext();
    try (ServerSocket plain = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Relay relay = new Relay(plain.getLocalPort(), relayMode.equals("dribble"))) {
      CompletableFuture<Void> peer = CompletableFuture.runAsync(() -> {
        try (Socket raw = plain.accept();
            SSLSocket ssl = (SSLSocket) jdk.getSocketFactory().createSocket(raw, null, raw.getPort(), true)) {
          ssl.setUseClientMode(false);
          ssl.startHandshake();
          OutputStream out = ssl.getOutputStream();
          for (int i = 0; i < LINES; i++) {
            out.write(("line " + i + " " + "x".repeat(i * 37) + "\n").getBytes(US_ASCII));
            out.flush();
          }
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      try (TlsConnection c = client(NATIVE).connectTls("127.0.0.1", relay.port(), "localhost")) {
        for (int i = 0; i < LINES; i++) assertThat(c.readLine(4096)).isEqualTo("line " + i + " " + "x".repeat(i * 37));
        assertThat(c.input().read()).isEqualTo(-1);
        assertThat(c.truncated()).isFalse();
      }
      peer.get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * The peer's answer, its close_notify and a plaintext line right behind it wait in the client's receive buffer
   * together: after the client ends TLS, it reads that line from the plaintext connection (FTP's CCC), so the TLS layer
   * read nothing past the close_notify.
   */
  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void plaintextRightBehindTheCloseNotifyStaysForThePlaintextConnection(String version) throws Exception {
    SSLContext jdk = jdkServerContext();
    CountDownLatch sent = new CountDownLatch(1);
    try (ServerSocket plain = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> peer = CompletableFuture.runAsync(() -> {
        try (Socket raw = plain.accept()) {
          NativeStreamTest.line(raw.getInputStream()); // AUTH TLS
          raw.getOutputStream().write("234 go\r\n".getBytes(US_ASCII));
          SSLSocket ssl = (SSLSocket) jdk.getSocketFactory().createSocket(raw, null, raw.getPort(), false);
          ssl.setUseClientMode(false);
          ssl.setEnabledProtocols(new String[] {version});
          ssl.startHandshake();
          assertThat(NativeStreamTest.line(ssl.getInputStream())).isEqualTo("CCC");
          ssl.getOutputStream().write("200 clear\r\n".getBytes(US_ASCII));
          ssl.getOutputStream().flush();
          ssl.shutdownOutput(); // close_notify; the TCP connection stays
          raw.getOutputStream().write("250 in plaintext\r\n".getBytes(US_ASCII));
          raw.getOutputStream().flush();
          sent.countDown();
          raw.getInputStream().read(); // until the client closes
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      try (TlsConnection c = client(NATIVE).connectPlain("127.0.0.1", plain.getLocalPort(), "localhost")) {
        send(c, "AUTH TLS");
        assertThat(c.readLine(100)).isEqualTo("234 go");
        c.upgradeToTls();
        send(c, "CCC");
        assertThat(sent.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(200); // the answer, the close_notify and the plaintext line in the receive buffer together
        assertThat(c.readLine(100)).isEqualTo("200 clear");
        c.endTls();
        assertThat(c.isTls()).isFalse();
        assertThat(c.readLine(100)).isEqualTo("250 in plaintext");
      }
      peer.get(10, TimeUnit.SECONDS);
    }
  }

  private static void send(TlsConnection c, String line) throws IOException {
    c.output().write((line + "\r\n").getBytes(US_ASCII));
    c.output().flush();
  }

  /**
   * Forwards one connection to {@code target}: the client's bytes as they come; the server's either a few bytes at a
   * time with pauses (records split across the client's reads, headers too) or gathered for a while and sent at once
   * (many records, and the close_notify behind them, in one read).
   */
  private static final class Relay implements AutoCloseable {
    private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    private final Thread thread;

    Relay(int target, boolean dribble) throws IOException {
      thread = Thread.ofPlatform().daemon().start(() -> {
        try (Socket client = listener.accept(); Socket server = new Socket(InetAddress.getLoopbackAddress(), target)) {
          client.setTcpNoDelay(true);
          Thread up = Thread.ofPlatform().daemon().start(() -> pump(client, server, false, false));
          pump(server, client, true, dribble);
          client.shutdownOutput();
          up.join(10_000);
        } catch (IOException | InterruptedException ignored) {
          // the test ended
        }
      });
    }

    int port() {
      return listener.getLocalPort();
    }

    private static void pump(Socket from, Socket to, boolean down, boolean dribble) {
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        byte[] buf = new byte[64 * 1024];
        int piece = 1;
        for (int n = in.read(buf); n > 0; n = in.read(buf)) {
          if (down && !dribble) {
            Thread.sleep(20); // more of the server's records arrive meanwhile
            int more = Math.min(in.available(), buf.length - n);
            if (more > 0) n += in.read(buf, n, more);
          }
          for (int at = 0; at < n; ) {
            int step = down && dribble ? Math.min(n - at, piece++ % 7 + 1) : n - at;
            out.write(buf, at, step);
            out.flush();
            at += step;
            if (down && dribble) Thread.sleep(1);
          }
        }
      } catch (IOException | InterruptedException ignored) {
        // a side closed
      }
    }

    @Override
    public void close() throws IOException {
      listener.close();
      thread.interrupt();
    }
  }

  /**
   * A peer that resets the connection (a client closing with the server's session tickets unread does): the read
   * fails, and closing the socket writes nothing more to it. A close_notify there would only fail again, and the
   * JDK's socket turns that failure into an exception whose stack trace it copies (about 0.1 ms per connection).
   */
  @Test
  void afterThePeerResetTheConnectionClosingWritesNothingMore() throws Exception {
    SSLContext jdk = jdkServerContext();
    try (ServerSocket plain = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> peer = CompletableFuture.runAsync(() -> {
        try (Socket raw = plain.accept()) {
          SSLSocket ssl = (SSLSocket) jdk.getSocketFactory().createSocket(raw, null, raw.getPort(), false);
          ssl.setUseClientMode(false);
          ssl.getOutputStream().write("hello\n".getBytes(US_ASCII));
          ssl.getOutputStream().flush();
          NativeStreamTest.line(ssl.getInputStream()); // the client read the greeting
          raw.setSoLinger(true, 0); // close below sends a reset, no close_notify
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      anchors.setCertificateEntry("root", ROOT.certificate());
      tmf.init(anchors);
      SSLContext nat = SSLContext.getInstance("TLS", NativeTls.provider());
      nat.init(null, tmf.getTrustManagers(), null);
      WriteCountingSocket under = new WriteCountingSocket();
      under.connect(plain.getLocalSocketAddress(), 5000);
      under.setSoTimeout(10_000);
      SSLSocket s = (SSLSocket) nat.getSocketFactory().createSocket(under, "localhost", plain.getLocalPort(), true);
      assertThat(NativeStreamTest.line(s.getInputStream())).isEqualTo("hello");
      s.getOutputStream().write("ok\n".getBytes(US_ASCII));
      s.getOutputStream().flush();
      peer.get(10, TimeUnit.SECONDS);

      assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketException.class);
      int writes = under.writes.get();
      s.close();
      assertThat(under.writes.get()).as("writes to the reset socket while closing").isEqualTo(writes);
      assertThat(under.isClosed()).isTrue();
    }
  }

  /** A plain socket that counts the writes made to its output stream. */
  private static final class WriteCountingSocket extends Socket {
    final AtomicInteger writes = new AtomicInteger();

    @Override
    public OutputStream getOutputStream() throws IOException {
      OutputStream out = super.getOutputStream();
      return new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          writes.incrementAndGet();
          out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          writes.incrementAndGet();
          out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
          out.flush();
        }
      };
    }
  }
}
