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

  /** Serves one connection that sends {@code bytes} at once, then waits for the test to end. */
  private static ServerSocket peerSending(String bytes, CountDownLatch done) throws Exception {
    ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(() -> {
      try (Socket s = server.accept()) {
        s.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        done.await(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // the test asserts on the client side
      }
    });
    return server;
  }

  @Test
  void handOverMakesTheSameRefusalAsTheUpgrade() throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    try (ServerSocket server = peerSending("+OK begin TLS\r\n+OK injected\u001b[2J\r\n", done);
        TlsConnection c = TlsClient.builder().build().connectPlain("127.0.0.1", server.getLocalPort(), "pop.test")) {
      assertThat(c.readLine(512)).isEqualTo("+OK begin TLS");
      assertThatThrownBy(c::handOverForOwnHandshake)
          .isInstanceOfSatisfying(TlsSecurityException.class,
              e -> assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.INJECTION_DETECTED))
          .hasMessageStartingWith("18 plaintext byte(s) from pop.test arrived before the TLS handshake and were"
              + " refused: ")
          // the one escaper: quoted, line ends and the terminal escape shown, not obeyed
          .hasMessageEndingWith("\"+OK injected\\x1b[2J\\r\\n\"");
      assertThat(c.socket().isClosed()).isTrue();
    } finally {
      done.countDown();
    }
  }

  @Test
  void handOverGivesTheUntouchedPlaintextSocketWhenNothingWasInjected() throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    try (ServerSocket server = peerSending("234 AUTH TLS ok\r\n", done);
        TlsConnection c = TlsClient.builder().build().connectPlain("127.0.0.1", server.getLocalPort(), "ftp.test")) {
      assertThat(c.readLine(512)).isEqualTo("234 AUTH TLS ok");
      Socket plain = c.handOverForOwnHandshake();
      assertThat(plain).isSameAs(c.socket()).isNotInstanceOf(javax.net.ssl.SSLSocket.class);
      assertThat(plain.isClosed()).isFalse();
    } finally {
      done.countDown();
    }
  }

  @Test
  void serverRefusesCommandsPipelinedAfterTheUpgradeWithTheSameCheck() throws Exception {
    dev.tlskit.certs.HeldCertificate root = dev.tlskit.certs.HeldCertificate.root("Injection Test Root");
    dev.tlskit.certs.HeldCertificate leaf = dev.tlskit.certs.HeldCertificate.leaf(root, "localhost");
    java.util.concurrent.CompletableFuture<Throwable> refused = new java.util.concurrent.CompletableFuture<>();
    TlsServer server = TlsServer.builder(c -> {
      c.readLine(100); // STARTTLS
      try {
        c.upgradeToTls("220 go ahead");
        refused.complete(null);
      } catch (Exception e) {
        refused.complete(e);
      }
    }, ServerCertificates.of(CertifiedKey.of(leaf.privateKey(), leaf.chain())))
        .mode(TlsMode.STARTTLS).listen("127.0.0.1", 0).start();
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      // STARTTLS and a command pipelined behind it in one segment (CVE-2011-0411, the server side).
      s.getOutputStream().write("STARTTLS\r\nMAIL FROM:<x@evil>\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      assertThat(refused.get(10, TimeUnit.SECONDS))
          .isInstanceOfSatisfying(TlsSecurityException.class,
              e -> assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.INJECTION_DETECTED))
          .hasMessageContaining("plaintext byte(s) from /127.0.0.1:")
          .hasMessageEndingWith("followed the upgrade command and were refused: \"MAIL FROM:<x@evil>\\r\\n\"");
      assertThat(s.getInputStream().read()).isEqualTo(-1); // nothing answered: not even the 220
    } finally {
      server.close();
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
