package dev.tlskit.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.TlsSecurityException.Reason;
import dev.tlskit.internal.starttls.StarttlsProtocol;
import dev.tlskit.testpeer.ScriptedPeer;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The probe's view of the shared STARTTLS preamble: each refusal becomes a {@link Starttls.StarttlsException}. */
class StarttlsTest {
  private static Target target(ScriptedPeer peer, Starttls protocol) {
    return new Target("127.0.0.1", peer.port(), "localhost", protocol, Duration.ofSeconds(10));
  }

  private static Starttls.StarttlsException upgradeFails(Starttls protocol, ScriptedPeer peer) throws Exception {
    try (Starttls.Lines lines = Starttls.Lines.dial(target(peer, protocol))) {
      return catchThrowableOfType(Starttls.StarttlsException.class, () -> protocol.negotiate(lines));
    }
  }

  @Test
  void anUpgradeNotOfferedIsAStarttlsFailureAndTheCommandIsNeverSent() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 ready", "C: EHLO tlskit.invalid", "S: 250-mail",
        "S: 250 AUTH PLAIN")) {
      Starttls.StarttlsException e = upgradeFails(Starttls.SMTP, peer);
      assertThat(((TlsSecurityException) e.getCause()).reason()).isEqualTo(Reason.UPGRADE_NOT_OFFERED);
      assertThat(e).hasMessageContaining("does not advertise STARTTLS");
      assertThat(peer.plaintextFromClient()).isEqualTo("EHLO tlskit.invalid\r\n");
    }
  }

  @Test
  void refusedUpgradeIsAStarttlsFailureCarryingTheTypedCause() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 ready", "C: FEAT", "S: 211-Features:", "S:  AUTH TLS",
        "S: 211 End", "C: AUTH TLS", "S: 534 not now")) {
      Starttls.StarttlsException e = upgradeFails(Starttls.FTP, peer);
      assertThat(e).hasMessageContaining("534 not now");
      assertThat(((TlsSecurityException) e.getCause()).reason()).isEqualTo(Reason.UPGRADE_REFUSED);
    }
  }

  @Test
  void bytesAfterTheUpgradeReplyStopTheProbeBeforeItsClientHello() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: +OK ready", "C: CAPA", "S: +OK", "S: STLS", "S: .", "C: STLS",
        "RAW: +OK begin TLS\r\n+OK injected\r\n")) { // one write: the injected line arrives with the reply
      Starttls.StarttlsException e = upgradeFails(Starttls.POP3, peer);
      assertThat(((TlsSecurityException) e.getCause()).reason()).isEqualTo(Reason.INJECTION_DETECTED);
      assertThat(e).hasMessageContaining("+OK injected");
    }
  }

  @Test
  void malformedGreetingIsAStarttlsFailure() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: hello, I am not SMTP");
        Starttls.Lines lines = Starttls.Lines.dial(target(peer, Starttls.SMTP))) {
      assertThatThrownBy(() -> Starttls.SMTP.greet(lines)).isInstanceOf(Starttls.StarttlsException.class)
          .hasCauseInstanceOf(ProtocolException.class).hasMessageContaining("hello, I am not SMTP");
    }
  }

  private static TemporaryRefusal busy(Starttls protocol, ScriptedPeer peer) throws Exception {
    try (Starttls.Lines lines = Starttls.Lines.dial(target(peer, protocol))) {
      return catchThrowableOfType(TemporaryRefusal.class, () -> protocol.negotiate(lines));
    }
  }

  @Test
  void busyRepliesBeforeTlsAreTemporaryRefusalsNotStarttlsFailures() throws Exception {
    String[][] scripts = {
        {"SMTP", "S: 421 Too many concurrent SMTP connections; please try again later."},
        {"SMTP", "S: 220 ready", "C: EHLO tlskit.invalid", "S: 250-mail", "S: 250 STARTTLS", "C: STARTTLS",
            "S: 454 4.7.0 TLS currently unavailable"},
        {"FTP", "S: 421-Too many users", "S: 421 try later"},
        {"FTP", "S: 220 ready", "C: FEAT", "S: 211-Features:", "S:  AUTH TLS", "S: 211 End", "C: AUTH TLS",
            "S: 431 Need some unavailable resource"},
        {"IMAP", "S: * BYE Too many connections from your IP"},
        {"POP3", "S: -ERR [SYS/TEMP] Maximum number of connections reached"}};
    for (String[] script : scripts) {
      try (ScriptedPeer peer = ScriptedPeer.plain(java.util.Arrays.copyOfRange(script, 1, script.length))) {
        TemporaryRefusal e = busy(Starttls.valueOf(script[0]), peer);
        assertThat(e).as(String.join(" / ", script)).isNotNull();
        assertThat(e.cause()).isEqualTo(ProbeReport.Incomplete.Cause.REFUSED);
        assertThat(e.getMessage()).contains(script[script.length - 1].substring(3, 8));
      }
    }
  }

  @Test
  void aConnectionDroppedDuringThePreambleIsATemporaryNetworkRefusal() throws Exception {
    try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        try (Socket c = server.accept()) {
          c.getOutputStream().write("220 ready\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          c.getInputStream().read(new byte[64]); // EHLO, then close without a reply
        } catch (java.io.IOException ignored) {
          // the test decides
        }
      });
      Target target = new Target("127.0.0.1", server.getLocalPort(), "localhost", Starttls.SMTP,
          Duration.ofSeconds(10));
      try (Starttls.Lines lines = Starttls.Lines.dial(target)) {
        TemporaryRefusal e = catchThrowableOfType(TemporaryRefusal.class, () -> Starttls.SMTP.negotiate(lines));
        assertThat(e.cause()).isEqualTo(ProbeReport.Incomplete.Cause.NETWORK);
        assertThat(e).hasMessageContaining("dropped the connection before TLS");
      }
    }
  }

  @Test
  void permanentRefusalsStayStarttlsFailures() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 554 no SMTP service here")) {
      assertThat(upgradeFails(Starttls.SMTP, peer)).hasMessageContaining("554");
    }
    try (ScriptedPeer peer = ScriptedPeer.plain("S: * OK ready", "C: {tag} CAPABILITY",
        "S: * CAPABILITY IMAP4rev1 STARTTLS", "S: {tag} OK done", "C: {tag} STARTTLS", "S: {tag} NO not now")) {
      assertThat(upgradeFails(Starttls.IMAP, peer)).hasMessageContaining("NO not now");
    }
  }

  @Test
  void namesAndPortsComeFromTheSharedPreamble() {
    assertThat(Starttls.parse("IMAP").protocol()).isEqualTo(StarttlsProtocol.IMAP);
    assertThat(Starttls.SMTP.defaultPort()).isEqualTo(25);
    assertThatThrownBy(() -> Starttls.parse("gopher")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("smtp, imap, pop3 or ftp");
  }
}
