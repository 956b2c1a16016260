package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class UpgradeInjectionTest {
  @Test
  void upgradeRefusesBytesBufferedBeforeTheHandshake() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CountDownLatch done = new CountDownLatch(1);
      Thread.ofVirtual().start(() -> {
        try (Socket s = server.accept()) {
          OutputStream out = s.getOutputStream();
          // The upgrade reply and an injected reply in one segment, as in CVE-2011-0411.
          out.write("220 go ahead\r\n250 injected\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          done.await(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // the test asserts on the client side
        }
      });
      TlsClient client = TlsClient.builder().build();
      try (TlsConnection c = client.connectPlain("127.0.0.1", server.getLocalPort(), "mail.example.com")) {
        assertThat(c.readLine(512)).isEqualTo("220 go ahead");
        assertThatThrownBy(c::upgradeToTls)
            .isInstanceOfSatisfying(TlsSecurityException.class,
                e -> assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.INJECTION_DETECTED))
            .hasMessageContaining("250 injected");
        assertThat(c.isTls()).isFalse();
        assertThat(c.socket().isClosed()).isTrue();
      } finally {
        done.countDown();
      }
    }
  }

  @Test
  void readLineRefusesOverlongLines() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        try (Socket s = server.accept()) {
          s.getOutputStream().write(("x".repeat(5000) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          s.getInputStream().read();
        } catch (Exception ignored) {
          // the test asserts on the client side
        }
      });
      try (TlsConnection c = TlsClient.builder().build().connectPlain("127.0.0.1", server.getLocalPort())) {
        assertThatThrownBy(() -> c.readLine(1000))
            .isInstanceOf(ProtocolException.class)
            .hasMessageContaining("longer than 1000 bytes");
      }
    }
  }
}
