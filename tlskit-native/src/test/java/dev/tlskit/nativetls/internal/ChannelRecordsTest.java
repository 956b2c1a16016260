package dev.tlskit.nativetls.internal;

import static dev.tlskit.testing.AdapterPki.GOOD;
import static dev.tlskit.testing.AdapterPki.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

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
