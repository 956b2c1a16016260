package dev.tlskit.internal.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Writes from a direct buffer straight to a socket channel ({@link TransportSocket#write(ByteBuffer)}, the native
 * engine's record path): the same byte count, write timeout, held failures and exception words as the stream's
 * writes, and no write at all over a socket without a channel.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TransportSocketChannelTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private static Socket channelSocket(ServerSocket server) throws IOException {
    Socket s = SocketChannel.open().socket();
    s.connect(new InetSocketAddress(LOOPBACK, server.getLocalPort()), 5000);
    return s;
  }

  @Test
  void aDirectBufferGoesStraightToTheChannelAndIsCounted() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
         Socket raw = channelSocket(server);
         Socket peer = server.accept()) {
      TransportSocket t = new TransportSocket(raw, Duration.ofSeconds(5));
      byte[] data = new byte[300_000]; // more than one write of the channel takes at once
      new Random(1).nextBytes(data);
      byte[] got = new byte[data.length];
      Thread reader = Thread.ofVirtual().start(() -> {
        try (InputStream in = peer.getInputStream()) {
          in.readNBytes(got, 0, got.length);
        } catch (IOException ignored) {
          // the assertion below fails
        }
      });
      ByteBuffer buf = ByteBuffer.allocateDirect(data.length).put(data).flip();
      assertThat(t.write(buf)).isTrue();
      assertThat(buf.hasRemaining()).isFalse();
      reader.join(10_000);
      assertThat(Arrays.equals(got, data)).isTrue();
      assertThat(t.bytesOut()).isEqualTo(data.length);
    }
  }

  @Test
  void overASocketWithoutAChannelNothingIsWritten() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
         Socket raw = new Socket(LOOPBACK, server.getLocalPort());
         Socket peer = server.accept()) {
      TransportSocket t = new TransportSocket(raw, Duration.ofSeconds(5));
      ByteBuffer buf = ByteBuffer.allocateDirect(10).put(new byte[10]).flip();
      assertThat(t.write(buf)).isFalse();
      assertThat(buf.remaining()).isEqualTo(10);
      assertThat(t.bytesOut()).isZero();
    }
  }

  @Test
  void aChannelWriteToAPeerThatNeverReadsTimesOutAndClosesTheSocket() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
         Socket raw = channelSocket(server);
         Socket silent = server.accept()) {
      silent.setReceiveBufferSize(4096);
      TransportSocket t = new TransportSocket(raw, Duration.ofMillis(300));
      ByteBuffer chunk = ByteBuffer.allocateDirect(64 * 1024);
      long start = System.nanoTime();
      assertThatThrownBy(() -> {
        while (true) t.write(chunk.clear());
      }).isInstanceOf(SocketTimeoutException.class).hasMessageContaining("write timed out after 300 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      assertThat(t.isClosed()).isTrue();
    }
  }

  @Test
  void aResetPeerFailsChannelAndStreamWritesWithASocketException() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
         Socket raw = channelSocket(server)) {
      reset(server.accept());
      TransportSocket t = new TransportSocket(raw, Duration.ofSeconds(5));
      // a channel's socket says "Broken pipe" in a bare IOException where a plain socket throws a SocketException
      assertThatThrownBy(() -> {
        for (int i = 0; i < 50; i++) {
          t.write(ByteBuffer.allocateDirect(1000));
          Thread.sleep(10);
        }
      }).isInstanceOf(SocketException.class);
      assertThatThrownBy(() -> t.getOutputStream().write(new byte[1000])).isInstanceOf(SocketException.class);
      t.close();
      assertThatThrownBy(() -> t.write(ByteBuffer.allocateDirect(10))).isInstanceOf(SocketException.class);
    }
  }

  @Test
  void heldFailuresDropTheBufferAndAreThrownOnceNoLongerHeld() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
         Socket raw = channelSocket(server)) {
      reset(server.accept());
      TransportSocket t = new TransportSocket(raw, Duration.ofSeconds(5));
      t.holdWriteFailures(true);
      for (int i = 0; i < 50 && t.heldWriteFailure() == null; i++) {
        ByteBuffer buf = ByteBuffer.allocateDirect(1000);
        assertThat(t.write(buf)).isTrue();
        assertThat(buf.hasRemaining()).isFalse();
        Thread.sleep(10);
      }
      assertThat(t.heldWriteFailure()).isInstanceOf(SocketException.class);
      t.holdWriteFailures(false);
      assertThatThrownBy(() -> t.write(ByteBuffer.allocateDirect(10))).isSameAs(t.heldWriteFailure());
    }
  }

  @Test
  void theDialerOpensAChannelSocketWhenAsked() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 2, LOOPBACK);
         Socket withChannel = Dialer.connect(LOOPBACK.getHostAddress(), server.getLocalPort(), null,
             Duration.ofSeconds(5), Duration.ofSeconds(5), true);
         Socket plain = Dialer.connect(LOOPBACK.getHostAddress(), server.getLocalPort(), null,
             Duration.ofSeconds(5), Duration.ofSeconds(5))) {
      assertThat(withChannel.getChannel()).isNotNull();
      assertThat(withChannel.getSoTimeout()).isEqualTo(5000);
      assertThat(withChannel.getTcpNoDelay()).isTrue();
      assertThat(plain.getChannel()).isNull();
    }
  }

  @Test
  void aReadBlockedWhenAnotherThreadClosesTheChannelSocketFailsAsOnAPlainSocket() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
         Socket raw = channelSocket(server);
         Socket peer = server.accept()) {
      TransportSocket t = new TransportSocket(raw, Duration.ofSeconds(5));
      Throwable[] failure = new Throwable[1];
      Thread reader = Thread.ofVirtual().start(() -> {
        try {
          t.getInputStream().read(new byte[10]);
        } catch (IOException e) {
          failure[0] = e;
        }
      });
      Thread.sleep(200);
      t.close();
      reader.join(5000);
      // a channel's socket throws AsynchronousCloseException here, a plain one SocketException("Socket closed")
      assertThat(failure[0]).isInstanceOf(SocketException.class).hasMessage("Socket closed");
    }
  }

  @Test
  void readFullyFillsADirectBufferFromTheChannelCountedAndToldToTheFilter() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
         Socket raw = channelSocket(server);
         Socket peer = server.accept()) {
      int[] skipped = new int[1];
      TransportSocket t = new TransportSocket(raw, Duration.ofSeconds(5), in -> new SkipCounting(in, skipped));
      byte[] data = new byte[100_000];
      new Random(2).nextBytes(data);
      Thread.ofVirtual().start(() -> {
        try {
          for (int off = 0; off < data.length; off += 7) { // in pieces: one read of the channel is not enough
            peer.getOutputStream().write(data, off, Math.min(7, data.length - off));
            if (off % 7000 == 0) Thread.sleep(1);
          }
          peer.shutdownOutput();
        } catch (IOException | InterruptedException ignored) {
          // the assertions below fail
        }
      });
      assertThat(t.getInputStream().read()).isEqualTo(data[0] & 0xff); // through the stream and the filter
      ByteBuffer buf = ByteBuffer.allocateDirect(data.length - 1);
      assertThat(t.readFully(buf)).isEqualTo(data.length - 1);
      byte[] got = new byte[data.length - 1];
      buf.flip().get(got);
      assertThat(Arrays.equals(got, Arrays.copyOfRange(data, 1, data.length))).isTrue();
      assertThat(t.bytesIn()).isEqualTo(data.length);
      assertThat(skipped[0]).isEqualTo(data.length - 1);
      assertThat(t.rawEndOfStream()).isFalse();
      assertThat(t.readFully(ByteBuffer.allocateDirect(10))).as("the stream ended").isZero();
      assertThat(t.rawEndOfStream()).isTrue();
    }
  }

  @Test
  void readFullyReadsNothingOverASocketWithoutAChannelOrThroughAFilterThatCannotBeTold() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 2, LOOPBACK);
         Socket plain = new Socket(LOOPBACK, server.getLocalPort());
         Socket peer = server.accept();
         Socket raw = channelSocket(server);
         Socket peer2 = server.accept()) {
      peer.getOutputStream().write(new byte[10]);
      peer2.getOutputStream().write(new byte[10]);
      ByteBuffer buf = ByteBuffer.allocateDirect(10);
      assertThat(new TransportSocket(plain, Duration.ofSeconds(5)).readFully(buf)).isEqualTo(-1);
      TransportSocket filtered = new TransportSocket(raw, Duration.ofSeconds(5), in -> new FilterInputStream(in) { });
      assertThat(filtered.readFully(buf)).isEqualTo(-1);
      assertThat(buf.position()).isZero();
      assertThat(filtered.bytesIn()).isZero();
    }
  }

  @Test
  void aChannelReadThatStallsPastSoTimeoutTimesOutAndClosesTheSocket() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
         Socket raw = channelSocket(server);
         Socket peer = server.accept()) {
      TransportSocket t = new TransportSocket(raw, Duration.ofSeconds(5));
      t.setSoTimeout(30_000); // a first read arms the alarm for 30 s; a shorter SO_TIMEOUT must still hold
      peer.getOutputStream().write(new byte[5]);
      assertThat(t.readFully(ByteBuffer.allocateDirect(5))).isEqualTo(5);
      t.setSoTimeout(300);
      peer.getOutputStream().write(new byte[3]); // 3 of the 10 bytes wanted, then nothing
      long start = System.nanoTime();
      assertThatThrownBy(() -> t.readFully(ByteBuffer.allocateDirect(10)))
          .isInstanceOf(SocketTimeoutException.class)
          .hasMessageContaining("read timed out after 300 ms in the middle of a TLS record");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      assertThat(t.isClosed()).isTrue();
      assertThat(t.bytesIn()).isEqualTo(8);
    }
  }

  @Test
  void readsThatKeepComingAreNotTimedOutAndSoTimeoutZeroWaits() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
         Socket raw = channelSocket(server);
         Socket peer = server.accept()) {
      TransportSocket t = new TransportSocket(raw, Duration.ofSeconds(5));
      t.setSoTimeout(300);
      for (int i = 0; i < 4; i++) { // the alarm armed by the first read must not fire on a later one
        peer.getOutputStream().write(new byte[10]);
        assertThat(t.readFully(ByteBuffer.allocateDirect(10))).isEqualTo(10);
        Thread.sleep(200);
      }
      t.setSoTimeout(0);
      Thread.ofVirtual().start(() -> {
        try {
          Thread.sleep(700);
          peer.getOutputStream().write(new byte[10]);
        } catch (IOException | InterruptedException ignored) {
          // the read below fails
        }
      });
      assertThat(t.readFully(ByteBuffer.allocateDirect(10))).isEqualTo(10);
      assertThat(t.isClosed()).isFalse();
    }
  }

  /** A filter that can be told about bytes read past it. */
  private static final class SkipCounting extends FilterInputStream implements TransportSocket.SkipAware {
    private final int[] skipped;

    SkipCounting(InputStream in, int[] skipped) {
      super(in);
      this.skipped = skipped;
    }

    @Override
    public void skipped(int n) {
      skipped[0] += n;
    }
  }

  private static void reset(Socket s) throws IOException {
    s.setSoLinger(true, 0);
    s.close();
  }
}
