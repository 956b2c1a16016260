package dev.tlskit.pop3;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A hostile POP3 server against the STLS rules: nothing secret may ever be sent in plaintext. */
class Pop3StlsSecurityTest {
  private static final String CAPA_STLS = "S: +OK\r\nUSER\r\nSTLS\r\nSASL PLAIN\r\n.";
  private final TestPki pki = TestPki.get();

  private Pop3Client connect(ScriptedPeer peer, TlsMode mode) throws Exception {
    return Pop3Client.connect(MailTests.allowingOpportunistic(MailTests.client(pki.clientContext())), "127.0.0.1",
        peer.port(), "localhost", mode);
  }

  @Test
  void opportunisticIsRefusedUnlessAllowedThroughDangerousBeforeDialling() {
    assertThatThrownBy(() -> Pop3Client.connect(MailTests.client(pki.clientContext()), "127.0.0.1", 9, "localhost",
        TlsMode.OPPORTUNISTIC)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dangerous().allowOpportunisticTls()");
  }

  private static void assertReason(Throwable e, Reason reason) {
    assertThat(e).isInstanceOfSatisfying(TlsSecurityException.class, s -> assertThat(s.reason()).isEqualTo(reason));
  }

  @Test
  void stlsUpgradesAndAsksForCapabilitiesAgain() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(pki.serverContext(), "S: +OK ready <1.2@x>",
        "C: CAPA", CAPA_STLS, "C: STLS", "S: +OK begin TLS", "TLS",
        "C: CAPA", "S: +OK\r\nUSER\r\n.",
        "C: USER alice", "S: +OK", "C: PASS secret", "S: +OK",
        "C: QUIT", "S: +OK")) {
      Pop3Client pop = connect(peer, TlsMode.STARTTLS);
      assertThat(pop.capabilities()).containsExactly("USER");
      pop.login("alice", "secret".toCharArray());
      pop.quit();
      assertThat(peer.finish()).isEmpty();
      assertThat(peer.plaintextFromClient()).isEqualTo("CAPA\r\nSTLS\r\n");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"+OK\r\nTOP\r\nUIDL\r\n.", "+OK\r\nSASL GSSAPI XOAUTH2\r\nTOP\r\n.", "+OK\r\n."})
  void postTlsCapaWithoutUserOrSaslPlainGetsNoCredential(String capa) throws Exception {
    // The plaintext list offers USER and SASL PLAIN; only the list asked for over TLS counts.
    try (ScriptedPeer peer = ScriptedPeer.plain(pki.serverContext(), "S: +OK ready", "C: CAPA", CAPA_STLS,
        "C: STLS", "S: +OK begin TLS", "TLS", "C: CAPA", "S: " + capa)) {
      Pop3Client pop = connect(peer, TlsMode.STARTTLS);
      assertThatThrownBy(() -> pop.login("alice", "secret".toCharArray()))
          .isInstanceOf(MechanismNotOfferedException.class).hasMessageStartingWith("no credential was sent: localhost"
              + " does not offer USER or a SASL password mechanism; it offers ");
      assertThatThrownBy(() -> pop.authPlain("alice", "secret".toCharArray()))
          .isInstanceOf(MechanismNotOfferedException.class).hasMessageContaining("does not offer PLAIN");
      pop.close();
      assertThat(peer.finish()).isEmpty();
      assertThat(peer.tlsFromClient()).isEqualTo("CAPA\r\n");
    }
  }

  @Test
  void postTlsCapaChoosesTheMechanism() throws Exception {
    // Plaintext offered USER only; over TLS only SASL PLAIN (and a mechanism we do not know): AUTH PLAIN it is.
    try (ScriptedPeer peer = ScriptedPeer.plain(pki.serverContext(), "S: +OK ready", "C: CAPA",
        "S: +OK\r\nUSER\r\nSTLS\r\n.", "C: STLS", "S: +OK begin TLS", "TLS",
        "C: CAPA", "S: +OK\r\nSASL GSSAPI PLAIN\r\n.",
        "C: AUTH PLAIN AGFsaWNlAHNlY3JldA==", "S: +OK in")) {
      Pop3Client pop = connect(peer, TlsMode.STARTTLS);
      pop.login("alice", "secret".toCharArray());
      pop.close();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void stlsAnsweredWithATlsAlertIsRefusedAtOnce() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: +OK ready", "C: CAPA", CAPA_STLS, "C: STLS",
        "HEX: 15 03 03 00 02 02 28")) {
      Throwable e = MailTests.failsAtOnce(() -> Pop3Client.connect(MailTests.patientClient(pki.clientContext()),
          "127.0.0.1", peer.port(), "localhost", TlsMode.STARTTLS));
      assertReason(e, Reason.UPGRADE_REFUSED);
      assertThat(e).hasMessageContaining("answered in TLS").hasMessageContaining("fatal handshake_failure (40)");
      peer.finish();
      assertThat(peer.plaintextFromClient()).isEqualTo("CAPA\r\nSTLS\r\n");
    }
  }

  @Test
  void tlsRecordInsteadOfTheGreetingFailsAtOnce() throws Exception {
    // An implicit-TLS port dialled with STLS expected; here the server speaks first, in TLS.
    try (ScriptedPeer peer = ScriptedPeer.plain("HEX: 15 03 03 00 02 02 46")) {
      Throwable e = MailTests.failsAtOnce(() -> Pop3Client.connect(MailTests.patientClient(pki.clientContext()),
          "127.0.0.1", peer.port(), "localhost", TlsMode.STARTTLS));
      assertThat(e).isInstanceOf(ProtocolException.class)
          .hasMessageContaining("localhost answered in TLS where a plaintext protocol line was expected: a TLS"
              + " alert: fatal protocol_version (70)");
      peer.finish();
      assertThat(peer.plaintextFromClient()).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"+OK\r\nUSER\r\nSASL PLAIN\r\n.", "-ERR CAPA not supported"})
  void strippedStlsAbortsBeforeAnyCredential(String capa) throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: +OK ready", "C: CAPA", "S: " + capa)) {
      assertThatThrownBy(() -> connect(peer, TlsMode.AUTO)).satisfies(e -> assertReason(e, Reason.UPGRADE_NOT_OFFERED));
      peer.finish();
      assertThat(peer.plaintextFromClient()).isEqualTo("CAPA\r\n");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"-ERR not now", "-ERR", "+OKAY"})
  void refusedStlsAborts(String reply) throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: +OK ready", "C: CAPA", CAPA_STLS, "C: STLS", "S: " + reply)) {
      assertThatThrownBy(() -> connect(peer, TlsMode.STARTTLS)).satisfies(e -> assertReason(e, Reason.UPGRADE_REFUSED));
      peer.finish();
      assertThat(peer.plaintextFromClient()).isEqualTo("CAPA\r\nSTLS\r\n");
    }
  }

  @Test
  void repliesInjectedInTheUpgradeSegmentAbort() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(pki.serverContext(), "S: +OK ready", "C: CAPA", CAPA_STLS,
        "C: STLS", "S: +OK begin\r\n+OK\r\nUSER\r\n.")) {
      assertThatThrownBy(() -> connect(peer, TlsMode.STARTTLS))
          .satisfies(e -> assertReason(e, Reason.INJECTION_DETECTED));
      peer.finish();
      assertThat(peer.plaintextFromClient()).isEqualTo("CAPA\r\nSTLS\r\n");
      assertThat(peer.tlsFromClient()).isEmpty();
    }
  }

  @Test
  void replyInjectedRightAfterTheUpgradeReplyAborts() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(pki.serverContext(), "S: +OK ready", "C: CAPA", CAPA_STLS,
        "C: STLS", "S: +OK begin", "S: +OK\r\nUSER\r\n.")) {
      assertThatThrownBy(() -> connect(peer, TlsMode.STARTTLS))
          .isInstanceOfSatisfying(TlsSecurityException.class, e -> assertThat(e.reason())
              .isIn(Reason.INJECTION_DETECTED, Reason.HANDSHAKE_FAILED));
      peer.finish();
      assertThat(peer.plaintextFromClient()).startsWith("CAPA\r\nSTLS\r\n").doesNotContain("USER", "PASS");
    }
  }

  @Test
  void untrustedCertificateAborts() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(pki.serverContext(), "S: +OK ready", "C: CAPA", CAPA_STLS,
        "C: STLS", "S: +OK begin", "TLS")) {
      assertThatThrownBy(() -> Pop3Client.connect(MailTests.client(pki.untrustingClientContext()), "127.0.0.1",
          peer.port(), "localhost", TlsMode.STARTTLS)).satisfies(e -> assertReason(e, Reason.HANDSHAKE_FAILED));
      peer.finish();
      assertThat(peer.tlsFromClient()).isEmpty();
    }
  }

  @Test
  void opportunisticWithoutOfferRefusesEveryCredentialCommand() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: +OK ready <1.2@x>", "C: CAPA", "S: +OK\r\nUSER\r\n.")) {
      Pop3Client pop = connect(peer, TlsMode.OPPORTUNISTIC);
      assertThatThrownBy(() -> pop.login("alice", "secret".toCharArray()))
          .satisfies(e -> assertReason(e, Reason.PLAINTEXT_CREDENTIALS_REFUSED));
      assertThatThrownBy(() -> pop.authPlain("alice", "secret".toCharArray()))
          .satisfies(e -> assertReason(e, Reason.PLAINTEXT_CREDENTIALS_REFUSED));
      assertThatThrownBy(() -> pop.apop("alice", "secret".toCharArray()))
          .satisfies(e -> assertReason(e, Reason.PLAINTEXT_CREDENTIALS_REFUSED));
      pop.close();
      assertThat(peer.finish()).isEmpty();
      assertThat(peer.plaintextFromClient()).isEqualTo("CAPA\r\n");
    }
  }

  @Test
  void apopOverImplicitTls() throws Exception {
    // RFC 1939's example: timestamp <1896.697170952@dbc.mtview.ca.us>, secret "tanstaaf"
    try (ScriptedPeer peer = ScriptedPeer.implicitTls(pki.serverContext(),
        "S: +OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>", "C: CAPA", "S: -ERR",
        "C: APOP mrose c4c9334bac560ecc979e58001b3e22fb", "S: +OK maildrop has 1 message")) {
      Pop3Client pop = connect(peer, TlsMode.IMPLICIT);
      pop.apop("mrose", "tanstaaf".toCharArray());
      pop.close();
      assertThat(peer.finish()).isEmpty();
      assertThat(peer.plaintextFromClient()).isEmpty();
    }
  }
}
