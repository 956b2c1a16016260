package dev.tlskit.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsMode;
import dev.tlskit.sasl.MechanismNotOfferedException;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.TlsSecurityException.Reason;
import dev.tlskit.testpeer.MailTests;
import dev.tlskit.testpeer.ScriptedPeer;
import dev.tlskit.testpeer.TestPki;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** A hostile SMTP server against the STARTTLS rules: nothing secret may ever be sent in plaintext. */
class SmtpStarttlsSecurityTest {
  private static final String EHLO_WITH_STARTTLS = "S: 250-mx\r\n250-STARTTLS\r\n250 AUTH PLAIN";
  private final TestPki pki = TestPki.get();

  private static void assertReason(Throwable e, Reason reason) {
    assertThat(e).isInstanceOfSatisfying(TlsSecurityException.class, s -> assertThat(s.reason()).isEqualTo(reason));
  }

  @Test
  void starttlsUpgradesThenForgetsPlaintextCapabilities() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(pki.serverContext(),
        "S: 220 mx", "C: EHLO localhost", EHLO_WITH_STARTTLS,
        "C: STARTTLS", "S: 220 go ahead", "TLS",
        "C: EHLO localhost", "S: 250-mx\r\n250 AUTH LOGIN", // PLAIN was only claimed in plaintext
        "C: AUTH LOGIN", "S: 334 VXNlcm5hbWU6", "C: YWxpY2U=", "S: 334 UGFzc3dvcmQ6", "C: c2VjcmV0", "S: 235 ok",
        "C: QUIT", "S: 221 bye")) {
      SmtpClient smtp = SmtpClient.connect(MailTests.client(pki.clientContext()), "127.0.0.1", peer.port(),
          "localhost", TlsMode.STARTTLS, "localhost");
      assertThat(smtp.supports("STARTTLS")).isFalse();
      assertThat(smtp.securityInfo()).get().extracting(i -> i.protocol()).isIn("TLSv1.3", "TLSv1.2");
      smtp.login("alice", "secret".toCharArray());
      smtp.quit();
      assertThat(peer.finish()).isEmpty();
      assertThat(peer.plaintextFromClient()).isEqualTo("EHLO localhost\r\nSTARTTLS\r\n");
    }
  }

  @Test
  void postTlsEhloWithoutAuthGetsNoCredential() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(pki.serverContext(),
        "S: 220 mx", "C: EHLO localhost", EHLO_WITH_STARTTLS, "C: STARTTLS", "S: 220 go ahead", "TLS",
        "C: EHLO localhost", "S: 250-mx\r\n250 SIZE 100")) { // AUTH PLAIN was only claimed in plaintext
      SmtpClient smtp = SmtpClient.connect(MailTests.client(pki.clientContext()), "127.0.0.1", peer.port(),
          "localhost", TlsMode.STARTTLS, "localhost");
      assertThatThrownBy(() -> smtp.login("alice", "secret".toCharArray()))
          .isInstanceOf(MechanismNotOfferedException.class)
          .hasMessageStartingWith("no credential was sent: localhost does not offer a password mechanism");
      smtp.close();
      assertThat(peer.finish()).isEmpty();
      assertThat(peer.tlsFromClient()).isEqualTo("EHLO localhost\r\n");
    }
  }

  @Test
  void starttlsAnsweredWithATlsAlertIsRefusedAtOnce() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 mx", "C: EHLO localhost", EHLO_WITH_STARTTLS,
        "C: STARTTLS", "HEX: 15 03 03 00 02 02 28")) {
      Throwable e = MailTests.failsAtOnce(() -> SmtpClient.connect(MailTests.patientClient(pki.clientContext()),
          "127.0.0.1", peer.port(), "localhost", TlsMode.STARTTLS, "localhost"));
      assertReason(e, Reason.UPGRADE_REFUSED);
      assertThat(e).hasMessageContaining("answered in TLS").hasMessageContaining("fatal handshake_failure (40)");
      peer.finish();
      assertThat(peer.plaintextFromClient()).isEqualTo("EHLO localhost\r\nSTARTTLS\r\n");
    }
  }

  @Test
  void tlsRecordInsteadOfTheGreetingFailsAtOnce() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("HEX: 16 03 03 00 7a 02 00 00 76 03 03")) {
      Throwable e = MailTests.failsAtOnce(() -> SmtpClient.connect(MailTests.patientClient(pki.clientContext()),
          "127.0.0.1", peer.port(), "localhost", TlsMode.STARTTLS, "localhost"));
      assertThat(e).isInstanceOf(ProtocolException.class).isNotInstanceOf(TlsSecurityException.class)
          .hasMessageContaining("answered in TLS where a plaintext protocol line was expected: a TLS handshake");
      peer.finish();
      assertThat(peer.plaintextFromClient()).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"STARTTLS", "AUTO"})
  void strippedStarttlsAbortsBeforeAnyCommand(String mode) throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 mx", "C: EHLO localhost", "S: 250-mx\r\n250 AUTH PLAIN")) {
      assertThatThrownBy(() -> SmtpClient.connect(MailTests.client(pki.clientContext()), "127.0.0.1", peer.port(),
          TlsMode.valueOf(mode))).satisfies(e -> assertReason(e, Reason.UPGRADE_NOT_OFFERED));
      peer.finish();
      assertThat(peer.plaintextFromClient()).isEqualTo("EHLO localhost\r\n");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"454 4.7.0 TLS not available", "502 5.5.1 unknown command", "250 ok, no TLS though",
      "501-syntax\r\n501 error", "221 bye", "530 must issue STARTTLS first", "220-ready\r\n250 mixed codes",
      "22O ready"})
  void refusedStarttlsAbortsInEveryReplyForm(String reply) throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 mx", "C: EHLO localhost", EHLO_WITH_STARTTLS,
        "C: STARTTLS", "S: " + reply)) {
      assertThatThrownBy(() -> SmtpClient.connect(MailTests.client(pki.clientContext()), "127.0.0.1", peer.port(),
          TlsMode.STARTTLS))
          .satisfies(e -> assertReason(e, Reason.UPGRADE_REFUSED))
          .hasMessageContaining(reply.substring(0, 2));
      peer.finish();
      assertThat(peer.plaintextFromClient()).isEqualTo("EHLO localhost\r\nSTARTTLS\r\n");
    }
  }

  @Test
  void repliesInjectedInTheUpgradeSegmentAbort() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(pki.serverContext(), "S: 220 mx", "C: EHLO localhost",
        EHLO_WITH_STARTTLS, "C: STARTTLS", "S: 220 ready\r\n250-evil\r\n250 AUTH PLAIN")) {
      assertThatThrownBy(() -> SmtpClient.connect(MailTests.client(pki.clientContext()), "127.0.0.1", peer.port(),
          "localhost", TlsMode.STARTTLS, "localhost"))
          .satisfies(e -> assertReason(e, Reason.INJECTION_DETECTED))
          .hasMessageContaining("250-evil");
      peer.finish();
      assertThat(peer.plaintextFromClient()).isEqualTo("EHLO localhost\r\nSTARTTLS\r\n");
      assertThat(peer.tlsFromClient()).isEmpty();
    }
  }

  @Test
  void replyInjectedRightAfterTheUpgradeReplyAborts() throws Exception {
    // a separate segment: either still buffered at the switch, or read by the handshake as a broken TLS record
    try (ScriptedPeer peer = ScriptedPeer.plain(pki.serverContext(), "S: 220 mx", "C: EHLO localhost",
        EHLO_WITH_STARTTLS, "C: STARTTLS", "S: 220 ready", "S: 250 AUTH PLAIN")) {
      assertThatThrownBy(() -> SmtpClient.connect(MailTests.client(pki.clientContext()), "127.0.0.1", peer.port(),
          "localhost", TlsMode.STARTTLS, "localhost"))
          .isInstanceOfSatisfying(TlsSecurityException.class, e -> assertThat(e.reason())
              .isIn(Reason.INJECTION_DETECTED, Reason.HANDSHAKE_FAILED));
      peer.finish();
      assertThat(peer.plaintextFromClient()).startsWith("EHLO localhost\r\nSTARTTLS\r\n")
          .doesNotContain("AUTH", "MAIL");
    }
  }

  @Test
  void untrustedCertificateAbortsAfterStarttls() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(pki.serverContext(), "S: 220 mx", "C: EHLO localhost",
        EHLO_WITH_STARTTLS, "C: STARTTLS", "S: 220 go ahead", "TLS")) {
      assertThatThrownBy(() -> SmtpClient.connect(MailTests.client(pki.untrustingClientContext()), "127.0.0.1",
          peer.port(), "localhost", TlsMode.STARTTLS, "localhost"))
          .satisfies(e -> assertReason(e, Reason.HANDSHAKE_FAILED));
      peer.finish();
      assertThat(peer.plaintextFromClient()).isEqualTo("EHLO localhost\r\nSTARTTLS\r\n");
      assertThat(peer.tlsFromClient()).isEmpty();
    }
  }

  @Test
  void certificateForAnotherNameAbortsImplicitTls() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.implicitTls(pki.serverContext(), "S: 220 mx")) {
      assertThatThrownBy(() -> SmtpClient.connect(MailTests.client(pki.clientContext()), "127.0.0.1", peer.port(),
          "mail.example.org", TlsMode.IMPLICIT, "localhost"))
          .satisfies(e -> assertReason(e, Reason.HANDSHAKE_FAILED));
      peer.finish();
      assertThat(peer.tlsFromClient()).isEmpty();
    }
  }

  @Test
  void implicitTlsSendsEverythingEncrypted() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.implicitTls(pki.serverContext(),
        "S: 220 mx", "C: EHLO localhost", "S: 250-mx\r\n250 AUTH PLAIN",
        "C: AUTH PLAIN AGFsaWNlAHNlY3JldA==", "S: 235 ok",
        "C: MAIL FROM:<a@x>", "S: 250 ok", "C: RCPT TO:<b@x>", "S: 250 ok", "C: DATA", "S: 354 go",
        "C: hi", "C: .", "S: 250 ok", "C: QUIT", "S: 221 bye")) {
      SmtpClient smtp = SmtpClient.connect(MailTests.client(pki.clientContext()), "127.0.0.1", peer.port(),
          "localhost", TlsMode.IMPLICIT, "localhost");
      smtp.login("alice", "secret".toCharArray());
      smtp.send("a@x", List.of("b@x"), "hi".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      smtp.quit();
      assertThat(peer.finish()).isEmpty();
      assertThat(peer.plaintextFromClient()).isEmpty();
    }
  }
}
