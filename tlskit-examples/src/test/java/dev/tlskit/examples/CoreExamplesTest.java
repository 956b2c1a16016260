package dev.tlskit.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.CertificateProblem;
import dev.tlskit.ProxyException;
import dev.tlskit.SecurityInfo;
import dev.tlskit.ServerHandler;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.TlsSecurityException.Reason;
import dev.tlskit.TlsServer;
import dev.tlskit.ValidationReport;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.ftp.testing.RealProxy;
import dev.tlskit.testpeer.ScriptedPeer;
import dev.tlskit.testpeer.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the client examples of the guide against loopback servers. */
class CoreExamplesTest {
  @TempDir static Path dir;
  static Pki pki;

  @BeforeAll
  static void pki() throws IOException {
    pki = new Pki(dir);
  }

  private static final ServerHandler ECHO = c -> c.writeLine("echo " + c.readLine(1000));

  private static TlsServer server(HeldCertificate leaf) throws IOException {
    return TlsServer.builder(ECHO, Pki.certificates(leaf)).listen("127.0.0.1", 0).start();
  }

  @Test
  void implicitTlsVerifiesTheServerAndTalks() throws Exception {
    try (TlsServer server = server(pki.server)) {
      assertThat(ImplicitTls.hello("127.0.0.1", server.port(), pki.caPem)).isEqualTo("echo hello");
      assertThat(ImplicitTls.hello("localhost", server.port(), pki.caPem)).isEqualTo("echo hello");
    }
  }

  /** The proxy example through real proxies: dante (SOCKS5) and tinyproxy (HTTP CONNECT with Basic authentication). */
  @Test
  void proxyExampleTunnelsThroughSocks5AndHttpConnect() throws Exception {
    try (TlsServer server = server(pki.server);
        RealProxy dante = RealProxy.dante(Files.createTempDirectory(dir, "dante"), false);
        RealProxy tiny = RealProxy.httpConnect(Files.createTempDirectory(dir, "tiny"), "alice", "proxy-pw")) {
      String socks = "socks5://127.0.0.1:" + dante.config().port();
      assertThat(Proxies.hello(socks, null, "localhost", server.port(), pki.caPem)).isEqualTo("echo hello");
      assertThat(dante.targets()).containsExactly("127.0.0.1:" + server.port()); // dante logs the address it dialled
      String http = "http://alice@127.0.0.1:" + tiny.config().port();
      assertThat(Proxies.hello(http, "proxy-pw".toCharArray(), "localhost", server.port(), pki.caPem))
          .isEqualTo("echo hello");
      assertThat(tiny.targets()).containsExactly("localhost:" + server.port());
      assertThatThrownBy(() -> Proxies.hello(http, "wrong".toCharArray(), "localhost", server.port(), pki.caPem))
          .isInstanceOfSatisfying(ProxyException.class,
              e -> assertThat(e.reason()).isEqualTo(ProxyException.Reason.AUTHENTICATION_FAILED));
    }
  }

  @Test
  void implicitTlsRefusesAServerFromAnotherCa() throws Exception {
    HeldCertificate other = HeldCertificate.leaf(HeldCertificate.root("Other CA"), "localhost", "127.0.0.1");
    try (TlsServer server = server(other)) {
      assertThatThrownBy(() -> ImplicitTls.hello("127.0.0.1", server.port(), pki.caPem))
          .isInstanceOfSatisfying(TlsSecurityException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.CERTIFICATE_REJECTED));
    }
  }

  @Test
  void explicitUpgradeByHandSwitchesToTlsAndGreetsAgain() throws Exception {
    TestPki tp = TestPki.get();
    try (ScriptedPeer peer = ScriptedPeer.plain(tp.serverContext(),
        "S: 220 mx", "C: EHLO client.example", "S: 250-mx\r\n250 STARTTLS", "C: STARTTLS", "S: 220 go ahead", "TLS",
        "C: EHLO client.example", "S: 250-mx\r\n250 AUTH PLAIN", "C: QUIT", "S: 221 bye")) {
      SecurityInfo info = ExplicitUpgrade.starttls("127.0.0.1", peer.port(), tp.caPem);
      assertThat(info.protocol()).isIn("TLSv1.3", "TLSv1.2");
      assertThat(info.validation().verdict()).isEqualTo(ValidationReport.Verdict.TRUSTED);
      assertThat(peer.finish()).isEmpty();
      assertThat(peer.plaintextFromClient()).isEqualTo("EHLO client.example\r\nSTARTTLS\r\n");
      assertThat(peer.tlsFromClient()).startsWith("EHLO client.example\r\nQUIT\r\n");
    }
  }

  @Test
  void explicitUpgradeByHandRefusesRepliesInjectedBeforeTheHandshake() throws Exception {
    TestPki tp = TestPki.get();
    try (ScriptedPeer peer = ScriptedPeer.plain(tp.serverContext(),
        "S: 220 mx", "C: EHLO client.example", "S: 250-mx\r\n250 STARTTLS", "C: STARTTLS",
        "S: 220 go ahead\r\n250 AUTH PLAIN")) {
      assertThatThrownBy(() -> ExplicitUpgrade.starttls("127.0.0.1", peer.port(), tp.caPem))
          .isInstanceOfSatisfying(TlsSecurityException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.INJECTION_DETECTED));
      peer.finish();
      assertThat(peer.tlsFromClient()).isEmpty();
    }
  }

  @Test
  void validationCallbackAcceptsALongLivedCertificate() throws Exception {
    try (TlsServer server = server(pki.server)) {   // valid for 90 days
      ValidationReport report = Validation.connect("127.0.0.1", server.port(), "localhost", pki.caPem);
      assertThat(report.verdict()).isEqualTo(ValidationReport.Verdict.TRUSTED);
      assertThat(report.built()).hasSize(2);
    }
  }

  @Test
  void validationCallbackRefusesACertificateExpiringSoonAndTheReportSaysWhy() throws Exception {
    HeldCertificate shortLived = HeldCertificate.builder().commonName("localhost").addDnsName("localhost")
        .validFor(Duration.ofDays(3)).signedBy(pki.ca).build();
    try (TlsServer server = server(shortLived)) {
      assertThatThrownBy(() -> Validation.connect("127.0.0.1", server.port(), "localhost", pki.caPem))
          .isInstanceOfSatisfying(TlsSecurityException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.CERTIFICATE_REJECTED);
            ValidationReport r = e.report().orElseThrow();
            assertThat(r.problems()).singleElement().isInstanceOf(CertificateProblem.RejectedByCallback.class);
            assertThat(Validation.explain(r)).containsExactly("refused by our own validation callback");
          });
    }
  }

  @Test
  void theReportOfANameMismatchTurnsIntoAdvice() throws Exception {
    try (TlsServer server = server(pki.server)) {
      assertThatThrownBy(() -> Validation.connect("127.0.0.1", server.port(), "mail.example.test", pki.caPem))
          .isInstanceOfSatisfying(TlsSecurityException.class, e -> assertThat(Validation.explain(e.report()
              .orElseThrow())).singleElement().asString().contains("not mail.example.test").contains("localhost"));
    }
  }

  @Test
  void dangerousAcceptsExactlyTheKnownSelfSignedCertificate() throws Exception {
    HeldCertificate device = HeldCertificate.builder().commonName("printer.lab").addDnsName("printer.lab").build();
    String fingerprint = dev.tlskit.PeerIdentity.of(device.chain()).sha256Fingerprint();
    try (TlsServer server = server(device)) {
      SecurityInfo info = Dangerous.labDevice("127.0.0.1", server.port(), fingerprint);
      assertThat(info.validation().verdict()).isEqualTo(ValidationReport.Verdict.ACCEPTED_DANGEROUSLY);
      assertThat(info.validation().problems()).isNotEmpty();
      String other = dev.tlskit.PeerIdentity.of(pki.server.chain()).sha256Fingerprint();
      assertThatThrownBy(() -> Dangerous.labDevice("127.0.0.1", server.port(), other))
          .isInstanceOf(TlsSecurityException.class);
    }
  }
}
