package dev.tlskit.internal.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TransportSocketWriteTimeoutTest {
  @Test
  void writeToAPeerThatNeverReadsTimesOutAndClosesTheSocket() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
         Socket raw = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
         Socket silent = server.accept()) {
      silent.setReceiveBufferSize(4096);
      TransportSocket t = new TransportSocket(raw, Duration.ofMillis(300));
      OutputStream out = t.getOutputStream();
      byte[] chunk = new byte[64 * 1024];
      long start = System.nanoTime();
      assertThatThrownBy(() -> {
        while (true) out.write(chunk, 0, chunk.length);
      }).isInstanceOf(SocketTimeoutException.class).hasMessageContaining("write timed out after 300 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      assertThat(t.isClosed()).isTrue();
    }
  }

  @Test
  void writesThatKeepProgressingOutliveTheTimeoutInTotal() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
         Socket raw = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
         Socket reader = server.accept()) {
      Thread drain = Thread.ofVirtual().start(() -> {
        try (InputStream in = reader.getInputStream()) {
          in.transferTo(OutputStream.nullOutputStream());
        } catch (Exception ignored) {
          // the test closes the socket
        }
      });
      TransportSocket t = new TransportSocket(raw, Duration.ofMillis(200));
      OutputStream out = t.getOutputStream();
      long end = System.nanoTime() + Duration.ofMillis(1200).toNanos();
      long sent = 0;
      while (System.nanoTime() < end) {
        out.write(new byte[512], 0, 512);
        sent += 512;
        if (sent % (64 * 512) == 0) Thread.sleep(50); // idle gaps let the alarm disarm and re-arm
      }
      assertThat(t.isClosed()).isFalse();
      assertThat(t.bytesOut()).isEqualTo(sent);
      t.close();
      drain.join(5000);
    }
  }
}
