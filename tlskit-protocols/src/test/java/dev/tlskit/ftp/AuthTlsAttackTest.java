package dev.tlskit.ftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.TlsSecurityException.Reason;
import dev.tlskit.Trust;
import dev.tlskit.testpeer.ScriptedPeer;
import dev.tlskit.testpeer.TestPki;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The STARTTLS attack classes of the mail clients, for FTP's {@code AUTH TLS}, with the shared hostile peer: a reply
 * injected right after the 234 (a separate segment), and certificates that must fail after the upgrade and over
 * implicit TLS. The peer records what the client sent in plaintext: never a credential.
 */
class AuthTlsAttackTest {
  private final TestPki pki = TestPki.get();

  private FtpClient client(TlsMode mode, Trust trust) {
    return FtpClient.builder().tlsMode(mode).client(TlsClient.builder()
        .policy(TlsPolicy.builder().trust(trust).build()).readTimeout(Duration.ofSeconds(5)).build()).build();
  }

  @Test
  void replyInjectedRightAfterTheAuthTlsReplyAborts() throws Exception {
    // a separate segment: either still buffered at the switch, or read by the handshake as a broken TLS record
    try (ScriptedPeer peer = ScriptedPeer.plain(pki.serverContext(), "S: 220 ftp", "C: AUTH TLS", "S: 234 go",
        "S: 230 injected: logged in")) {
      assertThatThrownBy(() -> client(TlsMode.STARTTLS, Trust.anchors(pki.ca.certificate()))
          .connect("127.0.0.1", peer.port(), "localhost"))
          .isInstanceOfSatisfying(TlsSecurityException.class, e -> assertThat(e.reason())
              .isIn(Reason.INJECTION_DETECTED, Reason.HANDSHAKE_FAILED));
      peer.finish();
      // what follows AUTH TLS is the ClientHello (the peer never switched): no command, no credential
      assertThat(peer.plaintextFromClient()).startsWith("AUTH TLS\r\n").doesNotContain("USER", "PASS", "PBSZ");
    }
  }

  @Test
  void untrustedCertificateAbortsAfterAuthTls() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(pki.serverContext(), "S: 220 ftp", "C: AUTH TLS", "S: 234 go",
        "TLS")) {
      assertThatThrownBy(() -> client(TlsMode.STARTTLS, Trust.fromFile(pki.otherCaPem, null))
          .connect("127.0.0.1", peer.port(), "localhost"))
          .isInstanceOfSatisfying(TlsSecurityException.class, e -> assertThat(e.reason())
              .isIn(Reason.HANDSHAKE_FAILED, Reason.CERTIFICATE_REJECTED));
      peer.finish();
      assertThat(peer.plaintextFromClient()).isEqualTo("AUTH TLS\r\n");
      assertThat(peer.tlsFromClient()).isEmpty();
    }
  }

  @Test
  void certificateForAnotherNameAbortsImplicitTls() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.implicitTls(pki.serverContext(), "S: 220 ftp")) {
      assertThatThrownBy(() -> client(TlsMode.IMPLICIT, Trust.anchors(pki.ca.certificate()))
          .connect("127.0.0.1", peer.port(), "ftp.example.org"))
          .isInstanceOfSatisfying(TlsSecurityException.class, e -> assertThat(e.reason())
              .isIn(Reason.HANDSHAKE_FAILED, Reason.CERTIFICATE_REJECTED))
          .hasMessageContaining("ftp.example.org");
      peer.finish();
      assertThat(peer.tlsFromClient()).isEmpty();
    }
  }
}
