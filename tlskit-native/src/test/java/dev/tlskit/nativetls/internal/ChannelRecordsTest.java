package dev.tlskit.nativetls.internal;

import static dev.tlskit.testing.AdapterPki.GOOD;
import static dev.tlskit.testing.AdapterPki.ROOT;
import static dev.tlskit.ServerMetrics.HandshakeFailure.RENEGOTIATION_REFUSED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ServerCertificates;
import dev.tlskit.ServerHandler;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsServer;
import dev.tlskit.Trust;
import dev.tlskit.internal.net.TransportSocket;
import dev.tlskit.nativetls.NativeTls;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The native engine's records written from BoringSSL's direct buffer straight to a socket channel: TlsKit dials and
 * accepts the connections of a native policy from socket channels, both ends write through them, and a socket
 * without a channel (one the caller connected, a proxy's) still works through its stream.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChannelRecordsTest {
  private static final TlsPolicy NATIVE = TlsPolicy.builder().trust(Trust.anchors(ROOT.certificate()))
      .provider(NativeTls.provider()).build();

  /** Echoes length-prefixed blocks back in pieces of another size, noting whether its socket had a channel. */
  private static ServerHandler echo(CompletableFuture<Boolean> serverChannel) {
    return c -> {
      serverChannel.complete(channelBelow(c.socket()));
      DataInputStream in = new DataInputStream(c.input());
      OutputStream out = c.output();
      int n;
      while ((n = in.readInt()) > 0) {
        byte[] block = in.readNBytes(n);
        for (int off = 0; off < n; off += 7_000) out.write(block, off, Math.min(7_000, n - off));
        out.flush();
      }
    };
  }

  private static boolean channelBelow(Socket tls) {
    Socket under = ((NativeSocket) tls).under;
    return ((TransportSocket) under).delegate().getChannel() != null;
  }

  /** Sends blocks of sizes around the record and scratch limits; each must come back unchanged. */
  private static void roundTrips(TlsConnection c) throws Exception {
    Random random = new Random(7);
    DataOutputStream out = new DataOutputStream(c.output());
    InputStream in = c.input();
    for (int size : new int[] {1, 5, 1000, 16_384, 16_385, 4 * 16_384 + 1, 300_000}) {
      byte[] block = new byte[size];
      random.nextBytes(block);
      out.writeInt(size);
      out.write(block);
      out.flush();
      assertThat(Arrays.equals(in.readNBytes(size), block)).as("block of %d bytes", size).isTrue();
    }
    out.writeInt(0);
    out.flush();
    assertThat(c.bytesSent()).isGreaterThan(300_000);
  }

  @Test
  void aNativeClientAndServerWriteRecordsStraightToSocketChannels() throws Exception {
    CompletableFuture<Boolean> serverChannel = new CompletableFuture<>();
    try (TlsServer server = TlsServer.builder(echo(serverChannel), ServerCertificates.of(GOOD.certifiedKey()))
            .policy(NATIVE).listen("127.0.0.1", 0).start();
         TlsConnection c = TlsClient.builder().policy(NATIVE).timeout(Duration.ofSeconds(10)).build()
            .connectTls("127.0.0.1", server.port(), "localhost")) {
      assertThat(channelBelow(c.socket())).as("client's socket has a channel").isTrue();
      roundTrips(c);
      assertThat(serverChannel.get(10, TimeUnit.SECONDS)).as("server's socket has a channel").isTrue();
    }
  }

  /**
   * The record bodies read through the channel are counted as the stream's reads: the client read every byte the
   * server wrote (its records, tickets included).
   */
  @Test
  void bodiesReadThroughTheChannelAreCounted() throws Exception {
    CompletableFuture<Long> serverSent = new CompletableFuture<>();
    ServerHandler handler = c -> {
      DataInputStream in = new DataInputStream(c.input());
      int n;
      while ((n = in.readInt()) > 0) {
        c.output().write(in.readNBytes(n));
        c.output().flush();
      }
      serverSent.complete(((TransportSocket) ((NativeSocket) c.socket()).under).bytesOut());
      in.read(); // until the client closes
    };
    try (TlsServer server = TlsServer.builder(handler, ServerCertificates.of(GOOD.certifiedKey()))
            .policy(NATIVE).listen("127.0.0.1", 0).start();
         TlsConnection c = TlsClient.builder().policy(NATIVE).timeout(Duration.ofSeconds(10)).build()
            .connectTls("127.0.0.1", server.port(), "localhost")) {
      roundTrips(c);
      TransportSocket under = (TransportSocket) ((NativeSocket) c.socket()).under;
      assertThat(under.bytesIn()).isEqualTo(serverSent.get(10, TimeUnit.SECONDS)).isGreaterThan(300_000);
    }
  }

  /**
   * A record whose body stalls (the header and 3 bytes came, then nothing) is bounded by SO_TIMEOUT like a stream
   * read: the read throws a SocketTimeoutException and the socket is closed (the record can never be finished).
   */
  @Test
  void aRecordBodyThatStallsTimesOutAndClosesTheSocket() throws Exception {
    ServerHandler handler = c -> {
      for (String line; (line = c.readLine(100)) != null; ) {
        c.output().write((line + "x".repeat(1000) + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        c.output().flush();
      }
    };
    try (TlsServer server = TlsServer.builder(handler, ServerCertificates.of(GOOD.certifiedKey()))
            .policy(NATIVE).listen("127.0.0.1", 0).start();
         StallingRelay relay = new StallingRelay(server.port());
         TlsConnection c = TlsClient.builder().policy(NATIVE).timeout(Duration.ofSeconds(10)).build()
            .connectTls("127.0.0.1", relay.port(), "localhost")) {
      line(c, "a");
      assertThat(c.readLine(2000)).startsWith("a"); // the handshake and the tickets are through
      relay.budget.set(8); // the next record's header and 3 bytes of its body, then nothing
      c.socket().setSoTimeout(400);
      line(c, "b");
      long start = System.nanoTime();
      assertThatThrownBy(() -> c.readLine(2000)).isInstanceOf(SocketTimeoutException.class)
          .hasMessageContaining("in the middle of a TLS record");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
      assertThat(((NativeSocket) c.socket()).under.isClosed()).isTrue();
    }
  }

  /**
   * A read that times out between records (nothing of the next one came) leaves the connection usable, reading ahead
   * or not: the next read gets the next record.
   */
  @Test
  void anIdleReadTimesOutAndLeavesTheConnectionUsable() throws Exception {
    ServerHandler handler = c -> {
      for (String line; (line = c.readLine(100)) != null; ) c.writeLine(line + "!");
    };
    try (TlsServer server = TlsServer.builder(handler, ServerCertificates.of(GOOD.certifiedKey()))
            .policy(NATIVE).listen("127.0.0.1", 0).start();
         TlsConnection c = TlsClient.builder().policy(NATIVE).timeout(Duration.ofSeconds(10)).build()
            .connectTls("127.0.0.1", server.port(), "localhost")) {
      line(c, "a");
      assertThat(c.readLine(100)).isEqualTo("a!");
      c.socket().setSoTimeout(300);
      assertThatThrownBy(() -> c.readLine(100)).isInstanceOf(SocketTimeoutException.class)
          .satisfies(x -> assertThat(x.getMessage()).doesNotContain("middle of a TLS record"));
      assertThat(((NativeSocket) c.socket()).under.isClosed()).isFalse();
      c.socket().setSoTimeout(10_000);
      line(c, "b");
      assertThat(c.readLine(100)).isEqualTo("b!");
    }
  }

  /**
   * The server's renegotiation guard reads each record's header through the stream and is told about the bodies
   * read past it through the channel, so after application data it still finds a TLS 1.2 client's renegotiating
   * ClientHello and refuses it (counted as such, not left to BoringSSL).
   */
  @Test
  void aNativeServerStillRefusesATls12RenegotiationAfterBodiesReadThroughTheChannel() throws Exception {
    ServerHandler handler = c -> {
      for (String line; (line = c.readLine(100_000)) != null; ) c.writeLine(line);
    };
    try (TlsServer server = TlsServer.builder(handler, ServerCertificates.of(GOOD.certifiedKey()))
            .policy(NATIVE).listen("127.0.0.1", 0).start()) {
      javax.net.ssl.TrustManagerFactory tmf =
          javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("root", ROOT.certificate());
      tmf.init(ks);
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) ctx.getSocketFactory()
          .createSocket("127.0.0.1", server.port())) {
        s.setEnabledProtocols(new String[] {"TLSv1.2"});
        s.setSoTimeout(10_000);
        java.io.BufferedReader r = new java.io.BufferedReader(
            new java.io.InputStreamReader(s.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
        for (int i = 0; i < 20; i++) { // records of many lengths, whose bodies the server reads through the channel
          String line = "line " + i + " " + "y".repeat(i * 613);
          s.getOutputStream().write((line + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          assertThat(r.readLine()).isEqualTo(line);
        }
        try {
          s.startHandshake(); // a renegotiation
          s.getOutputStream().write("after\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          assertThat(r.readLine()).as("no answer after a refused renegotiation").isNull();
        } catch (IOException refused) {
          // the server's handshake_failure alert, or the closed connection
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (server.metrics().handshakesFailed().getOrDefault(RENEGOTIATION_REFUSED, 0L) == 0
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(server.metrics().handshakesFailed().getOrDefault(RENEGOTIATION_REFUSED, 0L)).isEqualTo(1L);
    }
  }

  private static void line(TlsConnection c, String line) throws IOException {
    c.output().write((line + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    c.output().flush();
  }

  /** Forwards one connection to a port; once {@link #budget} is set, passes that many more bytes down, then none. */
  private static final class StallingRelay implements AutoCloseable {
    final java.util.concurrent.atomic.AtomicInteger budget = new java.util.concurrent.atomic.AtomicInteger(-1);
    private final java.net.ServerSocket listener = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    private final java.util.List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

    StallingRelay(int target) throws java.io.IOException {
      Thread.ofPlatform().daemon().start(() -> {
        try {
          Socket client = listener.accept();
          Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
          sockets.add(client);
          sockets.add(server);
          client.setTcpNoDelay(true);
          Thread.ofPlatform().daemon().start(() -> pump(client, server, false));
          pump(server, client, true);
        } catch (IOException ignored) {
          // the test ended
        }
      });
    }

    int port() {
      return listener.getLocalPort();
    }

    private void pump(Socket from, Socket to, boolean down) {
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        byte[] buf = new byte[1];
        while (in.read(buf) > 0) { // a byte at a time: the budget is exact
          if (down && budget.get() >= 0 && budget.getAndDecrement() <= 0) continue; // swallowed
          out.write(buf);
        }
      } catch (IOException ignored) {
        // a side closed
      }
    }

    @Override
    public void close() throws IOException {
      listener.close();
      for (Socket s : sockets) s.close();
    }
  }

  @Test
  void aSocketWithoutAChannelStillCarriesTheRecordsThroughItsStream() throws Exception {
    CompletableFuture<Boolean> serverChannel = new CompletableFuture<>();
    try (TlsServer server = TlsServer.builder(echo(serverChannel), ServerCertificates.of(GOOD.certifiedKey()))
            .policy(NATIVE).listen("127.0.0.1", 0).start();
         Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.port());
         TlsConnection c = TlsClient.builder().policy(NATIVE).timeout(Duration.ofSeconds(10)).build()
            .secure(plain, "localhost")) {
      assertThat(channelBelow(c.socket())).as("a caller's plain socket").isFalse();
      roundTrips(c);
    }
  }

  @Test
  void atMostMaxWritersHoldLentBuffersInWritesThatMayBlock() {
    int in = 0;
    try {
      while (in < Scratch.MAX_WRITERS && Scratch.enterWriter()) in++;
      assertThat(in).isEqualTo(Scratch.MAX_WRITERS);
      assertThat(Scratch.enterWriter()).as("one more writer copies through the stream instead").isFalse();
      Scratch.leaveWriter();
      in--;
      assertThat(Scratch.enterWriter()).isTrue();
      in++;
    } finally {
      for (; in > 0; in--) Scratch.leaveWriter();
    }
  }
}
