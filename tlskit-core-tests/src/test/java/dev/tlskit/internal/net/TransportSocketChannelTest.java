package dev.tlskit.internal.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  private static void reset(Socket s) throws IOException {
    s.setSoLinger(true, 0);
    s.close();
  }
}
