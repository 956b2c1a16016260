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
import org.junit.jupiter.api.Test;

/**
 * FTP's AUTH TLS (RFC 4217) through the one STARTTLS path: scripted server lines in, the client's exact bytes
 * compared, before and inside TLS.
 */
class FtpTranscriptTest {
  private final TestPki pki = TestPki.get();

  private FtpClient client(TlsMode mode) {
    TlsClient.Builder tls = TlsClient.builder()
        .policy(TlsPolicy.builder().trust(Trust.anchors(pki.ca.certificate())).build());
    if (mode == TlsMode.OPPORTUNISTIC) tls.dangerous().allowOpportunisticTls(); // its tests must name the door
    return FtpClient.builder().tlsMode(mode).client(tls.build()).build();
  }

  private static void assertReason(Throwable e, Reason reason) {
    assertThat(e).isInstanceOfSatisfying(TlsSecurityException.class, s -> assertThat(s.reason()).isEqualTo(reason));
  }

  @Test
  void authTlsRequiredUpgradesThenAsksForFeaturesOverTlsOnly() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(pki.serverContext(),
        "S: 220-Welcome\r\n220 ready",
        "C: AUTH TLS", "S: 234 AUTH TLS ok", "TLS",
        "C: FEAT", "S: 211-Features:\r\n MLST type*;size*;\r\n UTF8\r\n EPSV\r\n211 End",
        "C: OPTS UTF8 ON", "S: 200 UTF8 on",
        "C: USER alice", "S: 331 password?",
        "C: PASS secret", "S: 230 logged in",
        "C: PBSZ 0", "S: 200 PBSZ=0",
        "C: PROT P", "S: 200 protection private",
        "C: TYPE I", "S: 200 binary",
        "C: QUIT", "S: 221 bye")) {
      try (FtpSession s = client(TlsMode.STARTTLS).connect("127.0.0.1", peer.port(), "localhost")) {
        assertThat(s.securityInfo()).isNotNull();
        assertThat(s.features()).contains("MLST", "UTF8", "EPSV");
        s.login("alice", "secret".toCharArray());
      }
      assertThat(peer.finish()).isEmpty();
      // Nothing but the upgrade command in plaintext: no FEAT a man in the middle could answer, no credentials.
      assertThat(peer.plaintextFromClient()).isEqualTo("AUTH TLS\r\n");
      assertThat(peer.tlsFromClient()).isEqualTo("FEAT\r\nOPTS UTF8 ON\r\nUSER alice\r\nPASS secret\r\nPBSZ 0\r\n"
          + "PROT P\r\nTYPE I\r\nQUIT\r\n");
    }
  }

  @Test
  void authTlsRefusedStopsWithTheServersWordsAndNothingElseIsSent() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 ready", "C: AUTH TLS", "S: 534 policy\u001b[2J forbids")) {
      assertThatThrownBy(() -> client(TlsMode.STARTTLS).connect("127.0.0.1", peer.port(), "localhost"))
          .satisfies(e -> assertReason(e, Reason.UPGRADE_REFUSED))
          .hasMessageContaining("FTP server localhost refused AUTH TLS; server said: \"534 policy\\x1b[2J forbids\"");
      assertThat(peer.finish()).isEmpty();
      assertThat(peer.plaintextFromClient()).isEqualTo("AUTH TLS\r\n");
    }
  }

  @Test
  void authTlsNotImplementedIsNotOfferedWhenRequired() throws Exception {
    for (String reply : new String[] {"500 AUTH not understood", "502 not implemented", "504 TLS unknown"}) {
      try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 ready", "C: AUTH TLS", "S: " + reply)) {
        assertThatThrownBy(() -> client(TlsMode.AUTO).connect("127.0.0.1", peer.port(), "localhost"))
            .satisfies(e -> assertReason(e, Reason.UPGRADE_NOT_OFFERED))
            .hasMessageContaining("FTP server does not advertise AUTH TLS").hasMessageContaining(reply);
        assertThat(peer.finish()).isEmpty();
        assertThat(peer.plaintextFromClient()).isEqualTo("AUTH TLS\r\n");
      }
    }
  }

  @Test
  void opportunisticWithoutAuthTlsGoesOnInPlaintextButKeepsThePasswordOffTheWire() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 ready", "C: AUTH TLS", "S: 502 no TLS here",
        "C: FEAT", "S: 211-Features:\r\n UTF8\r\n211 End", "C: OPTS UTF8 ON", "S: 200 ok")) {
      FtpSession s = client(TlsMode.OPPORTUNISTIC).connect("127.0.0.1", peer.port(), "localhost");
      assertThat(s.securityInfo()).isNull();
      assertThatThrownBy(() -> s.login("alice", "secret".toCharArray()))
          .satisfies(e -> assertReason(e, Reason.PLAINTEXT_CREDENTIALS_REFUSED));
      s.abandon();
      assertThat(peer.finish()).isEmpty();
      assertThat(peer.plaintextFromClient()).isEqualTo("AUTH TLS\r\nFEAT\r\nOPTS UTF8 ON\r\n");
    }
  }

  @Test
  void repliesInjectedAfterThe234AreRefusedBeforeTheHandshake() throws Exception {
    // A man in the middle appends replies to the 234 so that they would be read as the server's over TLS.
    try (ScriptedPeer peer = ScriptedPeer.plain(pki.serverContext(), "S: 220 ready", "C: AUTH TLS",
        "S: 234 go ahead\r\n211-Features:\r\n AUTH TLS\r\n211 End\r\n230 injected: logged in")) {
      assertThatThrownBy(() -> client(TlsMode.STARTTLS).connect("127.0.0.1", peer.port(), "localhost"))
          .satisfies(e -> assertReason(e, Reason.INJECTION_DETECTED))
          .hasMessageContaining("plaintext byte(s) from localhost arrived before the TLS handshake")
          .hasMessageContaining("230 injected");
      peer.finish();
      assertThat(peer.plaintextFromClient()).isEqualTo("AUTH TLS\r\n");
      assertThat(peer.tlsFromClient()).isEmpty();
    }
  }

  @Test
  void aMalformedAnswerToAuthTlsIsARefusal() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 ready", "C: AUTH TLS", "S: go ahead, I suppose")) {
      assertThatThrownBy(() -> client(TlsMode.STARTTLS).connect("127.0.0.1", peer.port(), "localhost"))
          .satisfies(e -> assertReason(e, Reason.UPGRADE_REFUSED))
          .hasMessageContaining("answered AUTH TLS with a malformed reply")
          .hasMessageContaining("go ahead, I suppose");
      assertThat(peer.finish()).isEmpty();
      assertThat(peer.plaintextFromClient()).isEqualTo("AUTH TLS\r\n");
    }
  }

  @Test
  void commandArgumentsAndPasswordsWithLineBreaksAreRefusedUnsent() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 ready", "C: FEAT", "S: 500 no FEAT", "C: QUIT",
        "S: 221 bye")) {
      try (FtpSession s = client(TlsMode.NONE).connect("127.0.0.1", peer.port(), "localhost")) {
        assertThatThrownBy(() -> s.delete("a.txt\r\nDELE important.db"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not contain CR, LF or NUL")
            .hasMessageContaining("\"a.txt\\r\\nDELE important.db\"");
        assertThatThrownBy(() -> s.login("alice", "se\ncret".toCharArray()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(value not shown)")
            .hasMessageNotContaining("cret");
      }
      assertThat(peer.finish()).isEmpty();
      assertThat(peer.plaintextFromClient()).isEqualTo("FEAT\r\nQUIT\r\n");
    }
  }
}
