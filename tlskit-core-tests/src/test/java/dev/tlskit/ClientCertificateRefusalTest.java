package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tlskit.certs.Pem;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A server that refuses our client certificate (none given, or one from a CA it does not trust) is reported as
 * {@link TlsSecurityException.Reason#CLIENT_CERTIFICATE_REFUSED}, whether the refusal comes in the handshake (TLS 1.2)
 * or after it (TLS 1.3, where the client's handshake is over before the server judges the certificate and our first
 * write may meet a reset). Real peers on loopback: {@link TlsServer} and openssl s_server.
 */
class ClientCertificateRefusalTest {
  /** Each scenario is repeated: whether the reset or the alert reaches the client first is a race. */
  static final int RUNS = 3;

  @TempDir static Path dir;
  static ServerTestPki pki;
  static ServerTestPki otherPki;
  static ServerTestPki.Issued serverCert;
  static ServerTestPki.Issued alice;
  static ServerTestPki.Issued mallory;
  static TlsServer server;

  @BeforeAll
  static void start() throws Exception {
    pki = ServerTestPki.create(Files.createDirectories(dir.resolve("pki")), "Refusal CA");
    otherPki = ServerTestPki.create(Files.createDirectories(dir.resolve("other")), "Other CA");
    serverCert = pki.server("localhost", "127.0.0.1");
    alice = pki.client("alice");
    mallory = otherPki.client("mallory");
    server = TlsServer.builder(TlsServerTest.ECHO, TlsServerTest.certs(serverCert))
        .clientAuth(TlsServer.ClientAuth.NEED).trustedClientIssuers(List.of(pki.caCertificate())).start();
  }

  @AfterAll
  static void stop() {
    if (server != null) server.shutdown(Duration.ofSeconds(1));
  }

  static TlsClient client(String protocol, ServerTestPki.Issued cert) {
    return client(protocol, cert, null);
  }

  static TlsClient client(String protocol, ServerTestPki.Issued cert, java.security.Provider provider) {
    TlsPolicy.Builder b = TlsPolicy.builder().trust(Trust.anchors(pki.caCertificate())).protocols(protocol);
    if (cert != null) b.clientCertificate(cert.certifiedKey());
    if (provider != null) b.provider(provider);
    return TlsClient.builder().policy(b.build()).timeout(Duration.ofSeconds(10)).build();
  }

  static ServerTestPki.Issued cert(String which) {
    return switch (which) {
      case "none" -> null;
      case "other-ca" -> mallory;
      default -> throw new IllegalArgumentException(which);
    };
  }

  /** Connects, then writes (several times, so a reset is met) or reads first; returns what ended the exchange. */
  static Throwable firstUse(TlsClient client, int port, String first) {
    try (TlsConnection c = client.connectTls("127.0.0.1", port, "localhost")) {
      if (first.equals("write")) {
        for (int i = 0; i < 20; i++) {
          c.output().write("hello\n".getBytes(StandardCharsets.US_ASCII));
          c.output().flush();
          Thread.sleep(20);
        }
      }
      c.readLine(100);
      return null;
    } catch (Exception e) {
      return e;
    }
  }

  static void assertRefused(Throwable e, String alert, String presented) {
    assertThat(e).isInstanceOfSatisfying(TlsSecurityException.class, t -> {
      assertThat(t.reason()).isEqualTo(TlsSecurityException.Reason.CLIENT_CERTIFICATE_REFUSED);
      assertThat(t.getMessage()).contains("localhost refused our client certificate").contains(alert)
          .contains(presented);
    });
  }

  @ParameterizedTest(name = "{0}, client certificate {1}, {2} first")
  @CsvSource({
      "TLSv1.3, none, write, certificate_required, we presented no client certificate",
      "TLSv1.3, none, read, certificate_required, we presented no client certificate",
      "TLSv1.3, other-ca, write, certificate_unknown, we presented CN=mallory, issued by CN=Other CA",
      "TLSv1.3, other-ca, read, certificate_unknown, we presented CN=mallory, issued by CN=Other CA",
      "TLSv1.2, none, write, handshake_failure, we presented no client certificate",
      "TLSv1.2, other-ca, write, certificate_unknown, we presented CN=mallory, issued by CN=Other CA"})
  void tlsServerRefusalIsTyped(String protocol, String cert, String first, String alert, String presented) {
    TlsClient client = client(protocol, cert(cert));
    for (int i = 0; i < RUNS; i++) assertRefused(firstUse(client, server.port(), first), alert, presented);
  }

  @ParameterizedTest(name = "BouncyCastle JSSE, {0}, client certificate {1}, {2} first")
  @CsvSource({
      "TLSv1.3, none, write, certificate_required, we presented no client certificate",
      "TLSv1.3, other-ca, read, certificate_unknown, we presented CN=mallory",
      "TLSv1.2, none, write, handshake_failure, we presented no client certificate",
      "TLSv1.2, other-ca, write, certificate_unknown, we presented CN=mallory"})
  void refusalIsTypedOnBouncyCastleJsseToo(String protocol, String cert, String first, String alert,
      String presented) {
    TlsClient client = client(protocol, cert(cert), ProviderTest.BCJSSE);
    for (int i = 0; i < RUNS; i++) assertRefused(firstUse(client, server.port(), first), alert, presented);
  }

  @Test
  void tlsServerAdmitsATrustedCertificateAsBefore() throws Exception {
    try (TlsConnection c = client("TLSv1.3", alice).connectTls("127.0.0.1", server.port(), "localhost")) {
      c.output().write("hi\n".getBytes(StandardCharsets.US_ASCII));
      c.output().flush();
      assertThat(c.readLine(10)).isEqualTo("hi");
    }
  }

  @Test
  void refusalAfterStarttlsIsTypedOnTheFirstWrite() throws Exception {
    try (LoopbackTlsPeer peer = LoopbackTlsPeer.builder(serverCert.certifiedKey()).starttls()
        .needClientCertificate(List.of(pki.caCertificate())).build()) {
      for (String cert : List.of("none", "other-ca")) {
        for (int i = 0; i < RUNS; i++) {
          Throwable e;
          try (TlsConnection c = client("TLSv1.3", cert(cert)).connectPlain("127.0.0.1", peer.port(), "localhost")) {
            e = null;
            c.readLine(100);
            c.output().write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
            c.output().flush();
            c.readLine(100);
            try {
              c.upgradeToTls();
              for (int w = 0; w < 20; w++) {
                c.output().write("EHLO me\r\n".getBytes(StandardCharsets.US_ASCII));
                c.output().flush();
                Thread.sleep(20);
              }
              c.readLine(100);
            } catch (IOException failed) {
              e = failed;
            }
          }
          assertThat(e).isInstanceOfSatisfying(TlsSecurityException.class, t -> assertThat(t.reason())
              .isEqualTo(TlsSecurityException.Reason.CLIENT_CERTIFICATE_REFUSED));
        }
      }
    }
  }

  @ParameterizedTest(name = "openssl s_server, client certificate {0}, {1} first")
  @CsvSource({
      "none, write, certificate_required, we presented no client certificate",
      "none, read, certificate_required, we presented no client certificate",
      "other-ca, write, unknown_ca, we presented CN=mallory",
      "other-ca, read, unknown_ca, we presented CN=mallory"})
  void opensslRefusalIsTyped(String cert, String first, String alert, String presented) throws Exception {
    Path ca = dir.resolve("ca.pem");
    Pem.writeCertificates(ca, List.of(pki.caCertificate()));
    // -verify_return_error: without it s_server only logs an untrusted client certificate and carries on
    try (OpensslServer openssl = OpensslServer.start(dir, serverCert, "-tls1_3", "-Verify", "1",
        "-verify_return_error", "-CAfile", ca.toString())) {
      TlsClient client = client("TLSv1.3", cert(cert));
      for (int i = 0; i < RUNS; i++) assertRefused(firstUse(client, openssl.port, first), alert, presented);
    }
  }

  @Test
  void aResetFromAServerThatAskedForNoCertificateStaysANetworkError() throws Exception {
    assertResetStaysANetworkError(null, null);
  }

  @Test
  void aResetAfterTheServerAcceptedOurCertificateStaysANetworkError() throws Exception {
    assertResetStaysANetworkError(List.of(pki.caCertificate()), alice);
  }

  /** The peer reads one line, then resets the TCP connection without any alert. */
  private static void assertResetStaysANetworkError(List<java.security.cert.X509Certificate> clientTrust,
      ServerTestPki.Issued cert) throws Exception {
    LoopbackTlsPeer.Builder b = LoopbackTlsPeer.builder(serverCert.certifiedKey()).handler((tls, raw) -> {
      tls.getInputStream().read();
      raw.setSoLinger(true, 0);
      raw.close();
    });
    if (clientTrust != null) b.needClientCertificate(clientTrust);
    try (LoopbackTlsPeer peer = b.build()) {
      for (String first : List.of("write", "read")) {
        long start = System.nanoTime();
        Throwable e;
        try (TlsConnection c = client("TLSv1.3", cert).connectTls("127.0.0.1", peer.port(), "localhost")) {
          c.output().write("hello\n".getBytes(StandardCharsets.US_ASCII));
          c.output().flush();
          e = firstUseOf(c, first);
        }
        assertThat(e).as(first).isInstanceOf(java.net.SocketException.class)
            .isNotInstanceOf(TlsKitException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      }
    }
  }

  private static Throwable firstUseOf(TlsConnection c, String first) {
    try {
      for (int i = 0; i < 50; i++) {
        if (first.equals("write")) {
          c.output().write("more\n".getBytes(StandardCharsets.US_ASCII));
          c.output().flush();
        } else if (c.input().read() < 0) {
          return null;
        }
        Thread.sleep(20);
      }
      return null;
    } catch (Exception e) {
      return e;
    }
  }

  /** A real openssl s_server on a free loopback port; skipped when openssl is missing (unless peers are required). */
  static final class OpensslServer implements AutoCloseable {
    final int port;
    private final Process process;

    private OpensslServer(Process process, int port) {
      this.process = process;
      this.port = port;
    }

    static OpensslServer start(Path dir, ServerTestPki.Issued cert, String... extra) throws Exception {
      Path openssl = Path.of("/usr/bin/openssl");
      if (Boolean.getBoolean("tlskit.requirePeers")) assertThat(openssl).isExecutable();
      assumeTrue(Files.isExecutable(openssl), "openssl is not installed (scripts/install-peers)");
      int port;
      try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = free.getLocalPort();
      }
      List<String> cmd = new java.util.ArrayList<>(List.of(openssl.toString(), "s_server", "-accept",
          "127.0.0.1:" + port, "-cert", cert.chainFile().toString(), "-key", cert.keyFile().toString()));
      cmd.addAll(List.of(extra));
      Path log = dir.resolve("s_server-" + port + ".log");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      OpensslServer s = new OpensslServer(p, port);
      for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); ; Thread.sleep(50)) {
        try (Socket probe = new Socket()) {
          probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
          return s;
        } catch (IOException notYet) {
          if (p.isAlive() && System.nanoTime() < deadline) continue;
          s.close();
          throw new IllegalStateException("openssl s_server did not start: " + Files.readString(log), notYet);
        }
      }
    }

    @Override
    public void close() throws InterruptedException {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS); // a test server: nothing to shut down cleanly
    }
  }
}
