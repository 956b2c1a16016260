package dev.tlskit.internal.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bytes a TLS layer read past its end (behind the peer's close_notify) and gave back ({@link
 * TransportSocket#giveBack}): read first, in order, counted by {@code available()}, not counted again in {@code
 * bytesIn} nor seen again by the input filter, and never skipped by a read through the channel.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TransportSocketGiveBackTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  /** An input filter that counts the bytes read through it. */
  private static final class Counting extends FilterInputStream implements TransportSocket.SkipAware {
    final AtomicLong seen = new AtomicLong();

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) seen.addAndGet(n);
      return n;
    }

    @Override
    public void skipped(int n) {
      seen.addAndGet(n);
    }
  }

  @Test
  void givenBackBytesAreReadFirstCountedByAvailableAndCountedOnceInBytesIn() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
         Socket raw = SocketChannel.open().socket()) {
      raw.connect(new InetSocketAddress(LOOPBACK, server.getLocalPort()), 5000);
      try (Socket peer = server.accept()) {
        Counting[] filter = new Counting[1];
        TransportSocket t = new TransportSocket(raw, Duration.ofSeconds(5), in -> filter[0] = new Counting(in));
        peer.getOutputStream().write("0123456789".getBytes());
        InputStream in = t.getInputStream();
        byte[] b = new byte[10];
        assertThat(in.readNBytes(b, 0, 10)).isEqualTo(10);
        t.giveBack(b, 6, 4); // "6789" read past the end of a TLS layer
        t.giveBack(b, 4, 2); // and "45" in front of them
        assertThat(in.available()).isEqualTo(6);
        peer.getOutputStream().write("abc".getBytes());

        // a read through the channel would skip the given-back bytes: it reads nothing while there are some
        assertThat(t.readFully(ByteBuffer.allocateDirect(3))).isEqualTo(-1);
        assertThat(in.read()).isEqualTo('4');
        byte[] rest = new byte[8];
        int n = 0;
        while (n < 8) n += in.read(rest, n, 8 - n);
        assertThat(new String(rest)).isEqualTo("56789abc");
        assertThat(t.bytesIn()).as("given-back bytes are not counted again").isEqualTo(13);
        assertThat(filter[0].seen).as("nor seen again by the input filter").hasValue(13);
        assertThat(in.available()).isZero();
      }
    }
  }
}
