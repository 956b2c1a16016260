package dev.tlskit.imap;

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

/** A hostile IMAP server against the STARTTLS rules: nothing secret may ever be sent in plaintext. */
class ImapStarttlsSecurityTest {
  private static final String GREETING = "S: * OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] hi";
  private static final String TAG_LINE = "[A-Z0-9]{8} ";
  private final TestPki pki = TestPki.get();

  private ImapClient connect(ScriptedPeer peer, TlsMode mode) throws Exception {
    return ImapClient.connect(MailTests.allowingOpportunistic(MailTests.client(pki.clientContext())), "127.0.0.1",
        peer.port(), "localhost", mode, ImapLimits.DEFAULTS);
  }

  private static void assertReason(Throwable e, Reason reason) {
    assertThat(e).isInstanceOfSatisfying(TlsSecurityException.class, s -> assertThat(s.reason()).isEqualTo(reason));
  }

  @Test
  void starttlsUpgradesAndAsksForCapabilitiesAgain() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(pki.serverContext(), GREETING,
        "C: {tag} STARTTLS",
        // tampering: capabilities injected before, and sent with, the answer must both be forgotten
        "S: * CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] begin TLS",
        "TLS",
        "C: {tag} CAPABILITY", "S: * CAPABILITY IMAP4rev1 LOGINDISABLED AUTH=PLAIN\r\n{tag} OK",
        "C: {tag} AUTHENTICATE PLAIN", "S: + ", "C: AGFsaWNlAHNlY3JldA==", "S: {tag} OK in",
        "C: {tag} LOGOUT", "S: * BYE\r\n{tag} OK")) {
      ImapClient imap = connect(peer, TlsMode.STARTTLS);
      assertThat(imap.capabilities()).containsExactly("IMAP4REV1", "LOGINDISABLED", "AUTH=PLAIN");
      imap.login("alice", "secret".toCharArray());
      imap.logout();
      assertThat(peer.finish()).isEmpty();
      assertThat(peer.plaintextFromClient()).matches(TAG_LINE + "STARTTLS\r\n");
    }
  }

  @Test
  void postTlsCapabilitiesWithoutAUsableLoginGetNoCredential() throws Exception {
    // Plaintext claimed AUTH=PLAIN; over TLS the server disables LOGIN and offers no PLAIN.
    try (ScriptedPeer peer = ScriptedPeer.plain(pki.serverContext(), GREETING,
        "C: {tag} STARTTLS", "S: {tag} OK begin TLS", "TLS",
        "C: {tag} CAPABILITY", "S: * CAPABILITY IMAP4rev1 LOGINDISABLED AUTH=GSSAPI\r\n{tag} OK")) {
      ImapClient imap = connect(peer, TlsMode.STARTTLS);
      assertThatThrownBy(() -> imap.login("alice", "secret".toCharArray()))
          .isInstanceOf(MechanismNotOfferedException.class).hasMessageContaining("does not offer a password mechanism");
      imap.close();
      assertThat(peer.finish()).isEmpty();
      assertThat(peer.tlsFromClient()).matches(TAG_LINE + "CAPABILITY\r\n");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"+ go ahead", "+", "* OK still here\r\n+ ready"})
  void starttlsAnsweredWithAContinuationIsRefusedAtOnce(String reply) throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(GREETING, "C: {tag} STARTTLS", "S: " + reply)) {
      Throwable e = MailTests.failsAtOnce(() -> ImapClient.connect(MailTests.patientClient(pki.clientContext()),
          "127.0.0.1", peer.port(), "localhost", TlsMode.STARTTLS, ImapLimits.DEFAULTS));
      assertReason(e, Reason.UPGRADE_REFUSED);
      assertThat(e).hasMessageContaining("continuation request when no literal or authentication exchange is"
          + " pending").hasCauseInstanceOf(ProtocolException.class);
      peer.finish();
      assertThat(peer.plaintextFromClient()).matches(TAG_LINE + "STARTTLS\r\n"); // nothing sent after it
    }
  }

  @Test
  void continuationForAnOrdinaryCommandIsAProtocolError() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.implicitTls(pki.serverContext(),
        "S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi", "C: {tag} NOOP", "S: + what now")) {
      ImapClient imap = ImapClient.connect(MailTests.patientClient(pki.clientContext()), "127.0.0.1", peer.port(),
          "localhost", TlsMode.IMPLICIT, ImapLimits.DEFAULTS);
      Throwable e = MailTests.failsAtOnce(imap::noop);
      assertThat(e).isInstanceOf(ProtocolException.class).hasMessageContaining("\"+ what now\"");
      imap.close();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void starttlsAnsweredWithATlsAlertIsRefusedAtOnce() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(GREETING, "C: {tag} STARTTLS", "HEX: 15 03 03 00 02 02 28")) {
      Throwable e = MailTests.failsAtOnce(() -> ImapClient.connect(MailTests.patientClient(pki.clientContext()),
          "127.0.0.1", peer.port(), "localhost", TlsMode.STARTTLS, ImapLimits.DEFAULTS));
      assertReason(e, Reason.UPGRADE_REFUSED);
      assertThat(e).hasMessageContaining("answered in TLS").hasMessageContaining("fatal handshake_failure (40)");
      peer.finish();
      assertThat(peer.plaintextFromClient()).matches(TAG_LINE + "STARTTLS\r\n");
    }
  }

  @Test
  void tlsRecordInsteadOfTheGreetingFailsAtOnce() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("HEX: 16 03 03 00 7a 02 00 00 76 03 03")) {
      Throwable e = MailTests.failsAtOnce(() -> ImapClient.connect(MailTests.patientClient(pki.clientContext()),
          "127.0.0.1", peer.port(), "localhost", TlsMode.STARTTLS, ImapLimits.DEFAULTS));
      assertThat(e).isInstanceOf(ProtocolException.class).isNotInstanceOf(TlsSecurityException.class)
          .hasMessageContaining("answered in TLS where a plaintext protocol line was expected: a TLS handshake");
      peer.finish();
      assertThat(peer.plaintextFromClient()).isEmpty();
    }
  }

  @Test
  void strippedStarttlsAbortsBeforeAnyCommand() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi")) {
      assertThatThrownBy(() -> connect(peer, TlsMode.STARTTLS))
          .satisfies(e -> assertReason(e, Reason.UPGRADE_NOT_OFFERED));
      peer.finish();
      assertThat(peer.plaintextFromClient()).isEmpty();
    }
    try (ScriptedPeer peer = ScriptedPeer.plain("S: * OK hi", "C: {tag} CAPABILITY",
        "S: * CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK")) {
      assertThatThrownBy(() -> connect(peer, TlsMode.AUTO))
          .satisfies(e -> assertReason(e, Reason.UPGRADE_NOT_OFFERED));
      peer.finish();
      assertThat(peer.plaintextFromClient()).matches(TAG_LINE + "CAPABILITY\r\n");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"{tag} NO [ALERT] TLS unavailable", "{tag} BAD unknown command",
      "* BYE shutting down\r\n{tag} NO bye", "* OK [CAPABILITY IMAP4rev1] fine\r\n{tag} NO later", "{tag} MAYBE later", "{tag}"})
  void refusedStarttlsAbortsInEveryReplyForm(String reply) throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(GREETING, "C: {tag} STARTTLS", "S: " + reply)) {
      assertThatThrownBy(() -> connect(peer, TlsMode.STARTTLS))
          .satisfies(e -> assertReason(e, Reason.UPGRADE_REFUSED));
      peer.finish();
      assertThat(peer.plaintextFromClient()).matches(TAG_LINE + "STARTTLS\r\n");
    }
  }

  @Test
  void preauthGreetingAbortsWhenTlsIsRequired() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: * PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] welcome back")) {
      assertThatThrownBy(() -> connect(peer, TlsMode.STARTTLS))
          .satisfies(e -> assertReason(e, Reason.PREAUTH_REFUSED))
          .hasMessageContaining("welcome back");
      peer.finish();
      assertThat(peer.plaintextFromClient()).isEmpty();
    }
  }

  @Test
  void responsesInjectedInTheUpgradeSegmentAbort() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(pki.serverContext(), GREETING, "C: {tag} STARTTLS",
        "S: {tag} OK begin TLS\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN")) {
      assertThatThrownBy(() -> connect(peer, TlsMode.STARTTLS))
          .satisfies(e -> assertReason(e, Reason.INJECTION_DETECTED))
          .hasMessageContaining("* CAPABILITY");
      peer.finish();
      assertThat(peer.plaintextFromClient()).matches(TAG_LINE + "STARTTLS\r\n");
      assertThat(peer.tlsFromClient()).isEmpty();
    }
  }

  @Test
  void responseInjectedRightAfterTheUpgradeReplyAborts() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(pki.serverContext(), GREETING, "C: {tag} STARTTLS",
        "S: {tag} OK begin TLS", "S: * CAPABILITY IMAP4rev1 AUTH=PLAIN")) {
      assertThatThrownBy(() -> connect(peer, TlsMode.STARTTLS))
          .isInstanceOfSatisfying(TlsSecurityException.class, e -> assertThat(e.reason())
              .isIn(Reason.INJECTION_DETECTED, Reason.HANDSHAKE_FAILED));
      peer.finish();
      assertThat(peer.plaintextFromClient()).doesNotContain("LOGIN", "AUTHENTICATE");
    }
  }

  @Test
  void untrustedCertificateAborts() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(pki.serverContext(), GREETING, "C: {tag} STARTTLS",
        "S: {tag} OK begin", "TLS")) {
      assertThatThrownBy(() -> ImapClient.connect(MailTests.client(pki.untrustingClientContext()), "127.0.0.1",
          peer.port(), "localhost", TlsMode.STARTTLS, ImapLimits.DEFAULTS))
          .satisfies(e -> assertReason(e, Reason.HANDSHAKE_FAILED));
      peer.finish();
      assertThat(peer.tlsFromClient()).isEmpty();
    }
  }

  @Test
  void opportunisticWithoutOfferRefusesCredentials() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi")) {
      ImapClient imap = connect(peer, TlsMode.OPPORTUNISTIC);
      assertThatThrownBy(() -> imap.login("alice", "secret".toCharArray()))
          .satisfies(e -> assertReason(e, Reason.PLAINTEXT_CREDENTIALS_REFUSED));
      assertThatThrownBy(() -> imap.authenticatePlain("alice", "secret".toCharArray()))
          .satisfies(e -> assertReason(e, Reason.PLAINTEXT_CREDENTIALS_REFUSED));
      imap.close();
      assertThat(peer.finish()).isEmpty();
      assertThat(peer.plaintextFromClient()).isEmpty();
    }
  }

  @Test
  void implicitTlsAcceptsPreauth() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.implicitTls(pki.serverContext(),
        "S: * PREAUTH [CAPABILITY IMAP4rev1] hi", "C: {tag} LOGOUT", "S: * BYE\r\n{tag} OK")) {
      ImapClient imap = connect(peer, TlsMode.IMPLICIT);
      assertThat(imap.authenticated()).isTrue();
      imap.logout();
      assertThat(peer.finish()).isEmpty();
      assertThat(peer.plaintextFromClient()).isEmpty();
    }
  }
}
