package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Implicit and explicit TLS, close and truncation, timeouts, ALPN, resumption, address fallback. */
class ConnectionTest {
  static final TestPki.Held ROOT = CertificateValidationTest.ROOT;
  static final TestPki.Held LEAF = TestPki.leaf(CertificateValidationTest.INTERMEDIATE, "localhost", "127.0.0.1");
  static final TlsPolicy POLICY = CertificateValidationTest.TRUST_ROOT;

  static TlsClient client() {
    return TlsClient.builder().policy(POLICY).timeout(Duration.ofSeconds(10)).build();
  }

  static void send(TlsConnection c, String line) throws IOException {
    c.output().write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    c.output().flush();
  }

  @Test
  void implicitTlsCarriesData() throws Exception {
    try (LoopbackTlsPeer server = LoopbackTlsPeer.echo(LEAF.certifiedKey());
        TlsConnection c = client().connectTls("127.0.0.1", server.port(), "localhost")) {
      assertThat(c.isTls()).isTrue();
      send(c, "hello over tls");
      assertThat(c.readLine(100)).isEqualTo("hello over tls");
      assertThat(c.sslSession().getProtocol()).isEqualTo("TLSv1.3");
      assertThat(c.client().sslContext()).isSameAs(c.client().sslContext());
      assertThat(c.bytesSent()).isPositive();
    }
  }

  @Test
  void handshakeListenerHearsEveryHandshakeBeforeTheCallReturns() throws Exception {
    List<SecurityInfo> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    TlsClient listening = client().toBuilder().onHandshake(heard::add).build();
    try (LoopbackTlsPeer implicit = LoopbackTlsPeer.echo(LEAF.certifiedKey());
        LoopbackTlsPeer explicit = LoopbackTlsPeer.builder(LEAF.certifiedKey()).starttls().build()) {
      try (TlsConnection c = listening.connectTls("127.0.0.1", implicit.port(), "localhost")) {
        assertThat(heard).containsExactly(c.securityInfo());
      }
      try (TlsConnection c = listening.toBuilder().build().connectPlain("127.0.0.1", explicit.port(), "localhost")) {
        c.readLine(100);
        send(c, "STARTTLS");
        c.readLine(100);
        assertThat(heard).hasSize(1); // nothing negotiated yet
        SecurityInfo info = c.upgradeToTls();
        assertThat(heard).hasSize(2).last().isSameAs(info);
      }
    }
  }

  @Test
  void explicitUpgradeCarriesDataAfterTheSwitch() throws Exception {
    try (LoopbackTlsPeer server = LoopbackTlsPeer.builder(LEAF.certifiedKey()).starttls().build();
        TlsConnection c = client().connectPlain("127.0.0.1", server.port(), "localhost")) {
      assertThat(c.readLine(100)).isEqualTo("* OK plaintext greeting");
      assertThat(c.isTls()).isFalse();
      assertThat(c.securityInfo()).isNull();
      send(c, "STARTTLS");
      assertThat(c.readLine(100)).isEqualTo("* OK begin TLS");
      SecurityInfo info = c.upgradeToTls();
      assertThat(c.isTls()).isTrue();
      assertThat(info.validation().trusted()).isTrue();
      send(c, "after upgrade");
      assertThat(c.readLine(100)).isEqualTo("after upgrade");
    }
  }

  @Test
  void endTlsRefusesDataTheServerSentAfterItsAnswer() throws Exception {
    LoopbackTlsPeer.Handler injecting = (tls, raw) -> {
      tls.getOutputStream().write("200 clearing\r\n250 injected\r\n".getBytes(StandardCharsets.US_ASCII));
      tls.getOutputStream().flush();
      tls.getInputStream().read(); // until the client leaves
    };
    try (LoopbackTlsPeer server = LoopbackTlsPeer.builder(LEAF.certifiedKey()).starttls().handler(injecting).build();
        TlsConnection c = client().connectPlain("127.0.0.1", server.port(), "localhost")) {
      c.readLine(100);
      send(c, "STARTTLS");
      c.readLine(100);
      c.upgradeToTls();
      assertThat(c.readLine(100)).isEqualTo("200 clearing");
      assertThatThrownBy(c::endTls).isInstanceOfSatisfying(TlsSecurityException.class,
          e -> assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.INJECTION_DETECTED));
      assertThat(c.socket().isClosed()).isTrue();
    }
  }

  @Test
  void endTlsNeedsAnUpgradedConnection() throws Exception {
    try (LoopbackTlsPeer implicit = LoopbackTlsPeer.echo(LEAF.certifiedKey());
        TlsConnection c = client().connectTls("127.0.0.1", implicit.port(), "localhost")) {
      assertThatThrownBy(c::endTls).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no plaintext layer");
    }
  }

  @Test
  void explicitUpgradeRefusesABadCertificate() throws Exception {
    TestPki.Held expired = TestPki.builder("localhost").san("localhost")
        .issuer(CertificateValidationTest.INTERMEDIATE).expired().build();
    try (LoopbackTlsPeer server = LoopbackTlsPeer.builder(expired.certifiedKey()).starttls().build();
        TlsConnection c = client().connectPlain("127.0.0.1", server.port(), "localhost")) {
      c.readLine(100);
      send(c, "STARTTLS");
      c.readLine(100);
      assertThatThrownBy(c::upgradeToTls).isInstanceOfSatisfying(TlsSecurityException.class, e -> {
        assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.CERTIFICATE_REJECTED);
        assertThat(e.report().orElseThrow().problems()).singleElement()
            .isInstanceOf(CertificateProblem.Expired.class);
      });
      assertThat(c.socket().isClosed()).isTrue();
    }
  }

  @Test
  void cleanCloseIsNotTruncation() throws Exception {
    LoopbackTlsPeer.Handler byeAndClose = (tls, raw) -> {
      tls.getOutputStream().write("bye\n".getBytes(StandardCharsets.US_ASCII));
      tls.getOutputStream().flush();
      tls.close(); // close_notify
    };
    try (LoopbackTlsPeer server = LoopbackTlsPeer.builder(LEAF.certifiedKey()).handler(byeAndClose).build();
        TlsConnection c = client().connectTls("127.0.0.1", server.port(), "localhost")) {
      assertThat(c.readLine(100)).isEqualTo("bye");
      assertThat(c.input().read()).isEqualTo(-1);
      assertThat(c.tlsEnded()).isTrue();
      assertThat(c.truncated()).isFalse();
    }
  }

  @Test
  void closeWithoutCloseNotifyIsReportedAsTruncation() throws Exception {
    LoopbackTlsPeer.Handler cut = (tls, raw) -> {
      tls.getOutputStream().write("partial\n".getBytes(StandardCharsets.US_ASCII));
      tls.getOutputStream().flush();
      raw.close(); // TCP FIN without close_notify
    };
    try (LoopbackTlsPeer server = LoopbackTlsPeer.builder(LEAF.certifiedKey()).handler(cut).build()) {
      try (TlsConnection c = client().connectTls("127.0.0.1", server.port(), "localhost")) {
        assertThat(c.readLine(100)).isEqualTo("partial");
        assertThat(c.input().read()).isEqualTo(-1);
        assertThat(c.truncated()).isTrue();
      }
      TlsClient strict = client().toBuilder().failOnTruncation(true).build();
      try (TlsConnection c = strict.connectTls("127.0.0.1", server.port(), "localhost")) {
        assertThat(c.readLine(100)).isEqualTo("partial");
        assertThatThrownBy(() -> c.readLine(100)).isInstanceOfSatisfying(TlsSecurityException.class,
            e -> assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.TRUNCATED));
      }
    }
  }

  @Test
  void readTimesOutWhenThePeerIsSilent() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    LoopbackTlsPeer.Handler silent = (tls, raw) -> release.await(20, TimeUnit.SECONDS);
    try (LoopbackTlsPeer server = LoopbackTlsPeer.builder(LEAF.certifiedKey()).handler(silent).build()) {
      TlsClient c0 = client().toBuilder().readTimeout(Duration.ofMillis(300)).build();
      try (TlsConnection c = c0.connectTls("127.0.0.1", server.port(), "localhost")) {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> c.readLine(100)).isInstanceOf(SocketTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
      } finally {
        release.countDown();
      }
    }
  }

  @Test
  void handshakeTimesOutWhenTheServerNeverAnswers() throws Exception {
    try (ServerSocket mute = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        try (Socket s = mute.accept()) {
          s.getInputStream().readAllBytes();
        } catch (IOException ignored) {
          // the client gives up
        }
      });
      TlsClient c0 = client().toBuilder().handshakeTimeout(Duration.ofMillis(400)).build();
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> c0.connectTls("127.0.0.1", mute.getLocalPort(), "localhost"))
          .isInstanceOf(SocketTimeoutException.class).hasMessageContaining("handshake");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }
  }

  /** A listener whose accept queue is full drops further SYNs (Linux), so connecting hangs until the timeout. */
  @Test
  void connectTimesOutWhenNobodyAnswersTheSyn() throws Exception {
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      java.util.List<Socket> fillers = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < 8; i++) {
          Socket s = new Socket();
          try {
            s.connect(full.getLocalSocketAddress(), 200);
            fillers.add(s);
          } catch (SocketTimeoutException e) {
            s.close();
            break; // the queue is full now
          }
        }
        TlsClient c0 = client().toBuilder().connectTimeout(Duration.ofMillis(300)).build();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> c0.connectPlain("127.0.0.1", full.getLocalPort()))
            .isInstanceOf(SocketTimeoutException.class).hasMessageContaining("timed out after 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
      } finally {
        for (Socket s : fillers) s.close();
      }
    }
  }

  @Test
  void writeTimesOutWhenThePeerStopsReading() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    LoopbackTlsPeer.Handler notReading = (tls, raw) -> release.await(30, TimeUnit.SECONDS);
    try (LoopbackTlsPeer server = LoopbackTlsPeer.builder(LEAF.certifiedKey()).handler(notReading).build()) {
      TlsClient c0 = client().toBuilder().writeTimeout(Duration.ofMillis(500)).build();
      try (TlsConnection c = c0.connectTls("127.0.0.1", server.port(), "localhost")) {
        byte[] chunk = new byte[64 * 1024];
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> {
          for (int i = 0; i < 100_000; i++) c.output().write(chunk);
        }).isInstanceOf(SocketTimeoutException.class).hasMessageContaining("write timed out");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
      } finally {
        release.countDown();
      }
    }
  }

  @Test
  void alpnProtocolChosenByTheServerIsReported() throws Exception {
    try (LoopbackTlsPeer server = LoopbackTlsPeer.builder(LEAF.certifiedKey())
        .alpn((s, offered) -> offered.contains("imap") ? "imap" : null).build()) {
      TlsClient c0 = client().toBuilder().policy(POLICY.toBuilder().alpn("imap", "smtp").build()).build();
      try (TlsConnection c = c0.connectTls("127.0.0.1", server.port(), "localhost")) {
        assertThat(c.securityInfo().alpn()).isEqualTo("imap");
      }
    }
  }

  /**
   * The JDK server refuses (no_application_protocol) when it would pick outside the client's list; the client maps
   * that, the JDK client's own check of the selected protocol, and TlsKit's check after the handshake to
   * ALPN_MISMATCH.
   */
  @Test
  void alpnProtocolOutsideOurListFailsTheConnection() throws Exception {
    try (LoopbackTlsPeer server = LoopbackTlsPeer.builder(LEAF.certifiedKey())
        .alpn((s, offered) -> "http/1.1").build()) {
      TlsClient c0 = client().toBuilder().policy(POLICY.toBuilder().alpn("imap").build()).build();
      assertThatThrownBy(() -> c0.connectTls("127.0.0.1", server.port(), "localhost"))
          .isInstanceOfSatisfying(TlsSecurityException.class,
              e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(TlsSecurityException.Reason.ALPN_MISMATCH));
    }
  }

  @Test
  void secondConnectionOfAClientResumesTheSession() throws Exception {
    try (LoopbackTlsPeer server = LoopbackTlsPeer.echo(LEAF.certifiedKey())) {
      TlsClient c0 = client();
      try (TlsConnection first = c0.connectTls("127.0.0.1", server.port(), "localhost")) {
        send(first, "one");
        assertThat(first.readLine(100)).isEqualTo("one"); // reading lets the client receive the session ticket
        assertThat(first.securityInfo().resumed()).isFalse();
      }
      try (TlsConnection second = c0.connectTls("127.0.0.1", server.port(), "localhost")) {
        assertThat(second.securityInfo().resumed()).isTrue();
        assertThat(second.securityInfo().validation().trusted()).isTrue();
        assertThat(second.securityInfo().peerChain()).isNotEmpty();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void aConnectionToAnotherPortResumesTheSessionOfTheNamedPort(String version) throws Exception {
    try (LoopbackTlsPeer control = LoopbackTlsPeer.echo(LEAF.certifiedKey());
        LoopbackTlsPeer data = LoopbackTlsPeer.builder(LEAF.certifiedKey()).shareContextWith(control).build()) {
      TlsClient c0 = client().toBuilder().policy(POLICY.toBuilder().protocols(version).build()).build();
      try (TlsConnection first = c0.connectTls("127.0.0.1", control.port(), "localhost")) {
        send(first, "control");
        assertThat(first.readLine(100)).isEqualTo("control");
        assertThat(first.securityInfo().protocol()).isEqualTo(version);
      }
      try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), data.port());
          TlsConnection second = c0.secure(plain, "localhost", control.port())) {
        assertThat(second.securityInfo().resumed()).isTrue();
        send(second, "data");
        assertThat(second.readLine(100)).isEqualTo("data");
        assertThat(second.remoteAddress().getPort()).isEqualTo(data.port());
      }
      try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), data.port());
          TlsConnection third = c0.secure(plain, "localhost")) {
        assertThat(third.securityInfo().resumed()).isFalse();
      }
    }
  }

  @Test
  void connectingTriesEveryResolvedAddressAndNamesThemOnFailure() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    InetAddress[] all = InetAddress.getAllByName("localhost");
    int p = port;
    assertThatThrownBy(() -> client().connectPlain("localhost", p))
        .isInstanceOf(ConnectException.class)
        .satisfies(e -> {
          for (InetAddress a : all) assertThat(e.getMessage()).contains(a.getHostAddress());
        });
    // A server on 127.0.0.1 only is still reached through "localhost", whatever order the resolver gives.
    try (LoopbackTlsPeer server = LoopbackTlsPeer.echo(LEAF.certifiedKey());
        TlsConnection c = client().connectTls("localhost", server.port())) {
      assertThat(c.remoteAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    }
  }

  @Test
  void closeSendsCloseNotify() throws Exception {
    CountDownLatch seen = new CountDownLatch(1);
    boolean[] clean = new boolean[1];
    LoopbackTlsPeer.Handler waitForClose = (tls, raw) -> {
      InputStream in = tls.getInputStream();
      // The JDK throws (or reports) on a missing close_notify only when told to; a clean -1 here with the
      // socket's input still open means close_notify arrived.
      clean[0] = in.read() == -1;
      seen.countDown();
    };
    try (LoopbackTlsPeer server = LoopbackTlsPeer.builder(LEAF.certifiedKey()).handler(waitForClose).build()) {
      TlsConnection c = client().connectTls("127.0.0.1", server.port(), "localhost");
      c.close();
      assertThat(seen.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(clean[0]).isTrue();
    }
  }


  @Test
  void closeSendsCloseNotifyAloneOverTls13() throws Exception {
    CountDownLatch seen = new CountDownLatch(3);
    List<Boolean> clean = new java.util.concurrent.CopyOnWriteArrayList<>();
    LoopbackTlsPeer.Handler waitForClose = (tls, raw) -> {
      clean.add(tls.getInputStream().read() == -1);
      seen.countDown();
    };
    try (LoopbackTlsPeer server = LoopbackTlsPeer.builder(LEAF.certifiedKey()).handler(waitForClose).build()) {
      TlsClient client = client();
      long alert = oneAlertRecord(client, server.port());
      TlsConnection c = client.connectTls("127.0.0.1", server.port(), "localhost");
      assertThat(c.securityInfo().protocol()).isEqualTo("TLSv1.3");
      long before = c.bytesSent();
      c.close();
      assertThat(c.bytesSent() - before).as("bytes sent by close: close_notify alone").isEqualTo(alert);
      // The JDK's own close of a connection whose peer has not closed sends user_canceled, then close_notify.
      TlsConnection jdkClosed = client.connectTls("127.0.0.1", server.port(), "localhost");
      before = jdkClosed.bytesSent();
      jdkClosed.socket().close();
      assertThat(jdkClosed.bytesSent() - before).as("bytes sent by the JDK's close").isEqualTo(2 * alert);
      assertThat(seen.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(clean).as("the server read a clean end").containsOnly(true);
    }
  }

  @Test
  void aServerClosingFirstSendsCloseNotifyAloneOverTls13() throws Exception {
    TlsServer server = TlsServer.builder(sc -> {
      if (sc.readLine(10).equals("bye?")) sc.writeLine("bye");
    }, ServerCertificates.of(LEAF.certifiedKey())).start();
    try (TlsConnection c = client().connectTls("127.0.0.1", server.port(), "localhost")) {
      c.output().write("bye?\r\n".getBytes(StandardCharsets.US_ASCII));
      c.output().flush();
      assertThat(c.readLine(10)).isEqualTo("bye");
      long before = c.bytesReceived();
      assertThat(c.input().read()).isEqualTo(-1);
      assertThat(c.truncated()).isFalse();
      assertThat(c.bytesReceived() - before).as("bytes of the server's close: close_notify alone")
          .isEqualTo(oneAlertRecord(client(), server.port()));
    } finally {
      server.shutdown(Duration.ofSeconds(1));
    }
  }

  /** Returns the size of one TLS 1.3 alert record as the JDK writes it: what its half-close sends, close_notify. */
  private static long oneAlertRecord(TlsClient client, int port) throws IOException {
    try (TlsConnection c = client.connectTls("127.0.0.1", port, "localhost")) {
      long before = c.bytesSent();
      c.socket().shutdownOutput();
      return c.bytesSent() - before;
    }
  }
}
