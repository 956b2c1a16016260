package dev.tlskit.ftp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.testpeer.MailTests;
import dev.tlskit.testpeer.ScriptedPeer;
import org.junit.jupiter.api.Test;

/** A TLS record where an FTP control reply should start fails at once, not after the read timeout. */
class FtpAnsweredInTlsTest {
  private static FtpClient client() {
    return FtpClient.builder().tlsMode(TlsMode.STARTTLS)
        .client(TlsClient.builder().readTimeout(MailTests.PATIENT_READ_TIMEOUT).build()).build();
  }

  @Test
  void authTlsAnsweredWithATlsAlertIsRefusedAtOnce() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 ready", "C: AUTH TLS", "HEX: 15 03 03 00 02 02 28")) {
      Throwable e = MailTests.failsAtOnce(() -> client().connect("127.0.0.1", peer.port(), "localhost"));
      assertThat(e).isInstanceOfSatisfying(TlsSecurityException.class,
              s -> assertThat(s.reason()).isEqualTo(TlsSecurityException.Reason.UPGRADE_REFUSED))
          .hasMessageContaining("answered in TLS").hasMessageContaining("fatal handshake_failure (40)");
      peer.finish();
      assertThat(peer.plaintextFromClient()).isEqualTo("AUTH TLS\r\n");
    }
  }

  @Test
  void tlsRecordInsteadOfTheGreetingFailsAtOnce() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("HEX: 16 03 03 00 7a 02 00 00 76 03 03")) {
      Throwable e = MailTests.failsAtOnce(() -> client().connect("127.0.0.1", peer.port(), "localhost"));
      assertThat(e).isInstanceOf(ProtocolException.class)
          .hasMessageContaining("answered in TLS where a plaintext protocol line was expected: a TLS handshake");
      peer.finish();
      assertThat(peer.plaintextFromClient()).isEmpty();
    }
  }
}
