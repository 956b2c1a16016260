package dev.tlskit.commonsnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.CertificateProblem;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.TlsSecurityException.Reason;
import dev.tlskit.Trust;
import dev.tlskit.ValidationReport;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.testpeer.RealMailServers;
import dev.tlskit.testpeer.ScriptedPeer;
import dev.tlskit.testpeer.TestPki;
import java.nio.file.Path;
import javax.net.ssl.SSLHandshakeException;
import org.apache.commons.net.MalformedServerReplyException;
import org.apache.commons.net.smtp.AuthenticatingSMTPClient;
import org.apache.commons.net.smtp.SMTPReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commons Net's SMTPS, IMAPS and POP3S clients swapped for the policy ones: against real Postfix and Dovecot they log
 * in over STARTTLS and implicit TLS; against hostile peers that strip or refuse STARTTLS, {@code connect} fails and no
 * credential ever leaves in plaintext.
 */
class PolicyMailClientsTest {
  @TempDir static Path tmp;
  static RealMailServers servers;
  static TlsPolicy policy;
  private final TestPki pki = TestPki.get();

  @BeforeAll
  static void start() throws Exception {
    servers = RealMailServers.start(tmp, true);
    policy = TlsPolicy.builder().trust(Trust.fromFile(servers.pki.caPem, null)).build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (servers != null) servers.close();
  }

  @Test
  void smtpAuthenticatesOverStarttlsAndImplicitTlsWithPostfix() throws Exception {
    for (boolean implicit : new boolean[] {false, true}) {
      PolicySMTPSClient smtp = new PolicySMTPSClient(policy, implicit);
      smtp.connect("localhost", implicit ? servers.submissions : servers.submission);
      try {
        assertThat(smtp.isConnected()).isTrue();
        assertThat(SMTPReply.isPositiveCompletion(smtp.ehlo("client.example"))).isTrue();
        assertThat(smtp.execTLS()).isTrue(); // already TLS: a no-op
        assertThat(smtp.auth(AuthenticatingSMTPClient.AUTH_METHOD.PLAIN, "alice", servers.password))
            .as(smtp.getReplyString()).isTrue();
        smtp.logout();
      } finally {
        smtp.disconnect();
      }
    }
  }

  @Test
  void imapAndPop3LogInOverStarttlsAndImplicitTlsWithDovecot() throws Exception {
    for (boolean implicit : new boolean[] {false, true}) {
      PolicyIMAPSClient imap = new PolicyIMAPSClient(policy, implicit);
      imap.connect("localhost", implicit ? servers.imaps : servers.imap);
      try {
        assertThat(imap.noop()).isTrue();
        // Dovecot accepts the login over TLS ("Logged in"), but its reply carries a long CAPABILITY list that
        // Commons Net 3.11.1's tagged-reply pattern (at most 80 characters of text) cannot parse. Commons Net also
        // sends LOGIN's arguments as they are: a password with a space must be quoted by the caller.
        assertThatThrownBy(() -> imap.login("alice", "\"" + servers.password + "\""))
            .isInstanceOf(MalformedServerReplyException.class).hasMessageContaining("] Logged in");
      } finally {
        imap.disconnect();
      }
      PolicyPOP3SClient pop3 = new PolicyPOP3SClient(policy, implicit);
      pop3.connect("localhost", implicit ? servers.pop3s : servers.pop3);
      try {
        assertThat(pop3.login("alice", servers.password)).as(pop3.getReplyString()).isTrue();
        assertThat(pop3.status()).isNotNull();
        pop3.logout();
      } finally {
        pop3.disconnect();
      }
    }
  }

  @Test
  void untrustedServersFailConnectWithTheReport() {
    // the JDK's roots do not include the test CA
    assertUntrusted(() -> new PolicySMTPSClient(TlsPolicy.MODERN).connect("localhost", servers.submission));
    assertUntrusted(() -> new PolicyIMAPSClient(TlsPolicy.MODERN, true).connect("localhost", servers.imaps));
    assertUntrusted(() -> new PolicyPOP3SClient(TlsPolicy.MODERN).connect("localhost", servers.pop3));
  }

  private static void assertUntrusted(org.assertj.core.api.ThrowableAssert.ThrowingCallable connect) {
    assertThatThrownBy(connect).isInstanceOf(SSLHandshakeException.class).satisfies(e -> {
      ValidationReport r = ValidationReport.of(e).orElseThrow();
      assertThat(r.problems()).anyMatch(p -> p instanceof CertificateProblem.UntrustedIssuer);
    });
  }

  @Test
  void aCertificateForAnotherNameFailsConnectWithTheReport() throws Exception {
    HeldCertificate other = HeldCertificate.leaf(pki.ca, "mail.example.org");
    try (ScriptedPeer peer = ScriptedPeer.plain(TestPki.serverContext(other), "S: 220 mx", "C: EHLO [127.0.0.1]",
        "S: 250-mx\r\n250 STARTTLS", "C: STARTTLS", "S: 220 go ahead", "TLS")) {
      TlsPolicy trustingCa = TlsPolicy.builder().trust(Trust.anchors(pki.ca.certificate())).build();
      PolicySMTPSClient smtp = new PolicySMTPSClient(trustingCa);
      assertThatThrownBy(() -> smtp.connect("localhost", peer.port())).satisfies(e -> {
        ValidationReport r = ValidationReport.of(e).orElseThrow();
        assertThat(r.expectedName()).isEqualTo("localhost");
        assertThat(r.problems()).anyMatch(p -> p instanceof CertificateProblem.NameMismatch);
      });
      assertThat(smtp.isConnected()).isFalse();
      peer.finish();
      assertThat(peer.plaintextFromClient()).isEqualTo("EHLO [127.0.0.1]\r\nSTARTTLS\r\n");
    }
  }

  @Test
  void smtpStrippedOrRefusedStarttlsFailsConnectAndAuthNeverGoesOut() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 mx", "C: EHLO [127.0.0.1]", "S: 250-mx\r\n250 AUTH PLAIN")) {
      PolicySMTPSClient smtp = new PolicySMTPSClient(TlsPolicy.MODERN);
      assertThatThrownBy(() -> smtp.connect("127.0.0.1", peer.port())).isInstanceOfSatisfying(
          TlsSecurityException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UPGRADE_NOT_OFFERED));
      assertThatThrownBy(() -> smtp.auth(AuthenticatingSMTPClient.AUTH_METHOD.PLAIN, "alice", "secret"))
          .isInstanceOfSatisfying(TlsSecurityException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.PLAINTEXT_CREDENTIALS_REFUSED));
      peer.finish();
      assertThat(peer.plaintextFromClient()).isEqualTo("EHLO [127.0.0.1]\r\n");
    }
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 mx", "C: EHLO [127.0.0.1]",
        "S: 250-mx\r\n250-STARTTLS\r\n250 AUTH PLAIN", "C: STARTTLS", "S: 454 4.7.0 TLS not available")) {
      PolicySMTPSClient smtp = new PolicySMTPSClient(TlsPolicy.MODERN);
      assertThatThrownBy(() -> smtp.connect("127.0.0.1", peer.port())).isInstanceOfSatisfying(
          TlsSecurityException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.UPGRADE_REFUSED);
            assertThat(e).hasMessageContaining("454 4.7.0 TLS not available");
          });
      peer.finish();
      assertThat(peer.plaintextFromClient()).isEqualTo("EHLO [127.0.0.1]\r\nSTARTTLS\r\n");
    }
  }

  @Test
  void imapRefusedStarttlsOrPreauthFailsConnectAndLoginNeverGoesOut() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi",
        "C: {tag} STARTTLS", "S: {tag} BAD unknown command")) {
      PolicyIMAPSClient imap = new PolicyIMAPSClient(TlsPolicy.MODERN);
      assertThatThrownBy(() -> imap.connect("127.0.0.1", peer.port())).isInstanceOfSatisfying(
          TlsSecurityException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UPGRADE_REFUSED));
      assertThatThrownBy(() -> imap.login("alice", "secret")).isInstanceOfSatisfying(TlsSecurityException.class,
          e -> assertThat(e.reason()).isEqualTo(Reason.PLAINTEXT_CREDENTIALS_REFUSED));
      peer.finish();
      assertThat(peer.plaintextFromClient()).endsWith(" STARTTLS\r\n").doesNotContain("alice");
    }
    try (ScriptedPeer peer = ScriptedPeer.plain("S: * PREAUTH [CAPABILITY IMAP4rev1] logged in")) {
      PolicyIMAPSClient imap = new PolicyIMAPSClient(TlsPolicy.MODERN);
      // Commons Net's greeting parser refuses PREAUTH itself; what matters is that nothing follows
      assertThatThrownBy(() -> imap.connect("127.0.0.1", peer.port())).isInstanceOf(java.io.IOException.class);
      assertThat(imap.isConnected()).isFalse();
      peer.finish();
      assertThat(peer.plaintextFromClient()).isEmpty();
    }
  }

  @Test
  void pop3RefusedStlsFailsConnectAndUserPassNeverGoOut() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: +OK hi", "C: STLS", "S: -ERR not here")) {
      PolicyPOP3SClient pop3 = new PolicyPOP3SClient(TlsPolicy.MODERN);
      assertThatThrownBy(() -> pop3.connect("127.0.0.1", peer.port())).isInstanceOfSatisfying(
          TlsSecurityException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UPGRADE_REFUSED));
      assertThatThrownBy(() -> pop3.login("alice", "secret")).isInstanceOfSatisfying(TlsSecurityException.class,
          e -> assertThat(e.reason()).isEqualTo(Reason.PLAINTEXT_CREDENTIALS_REFUSED));
      peer.finish();
      assertThat(peer.plaintextFromClient()).isEqualTo("STLS\r\n");
    }
  }

  @Test
  void settingsThePolicyOwnsAreRefusedRatherThanIgnored() {
    assertThatThrownBy(() -> new PolicySMTPSClient(TlsPolicy.MODERN).setTrustManager(null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("setTrustManager");
    assertThatThrownBy(() -> new PolicyIMAPSClient(TlsPolicy.MODERN).setEnabledProtocols(new String[] {"TLSv1"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("setEnabledProtocols");
    assertThatThrownBy(() -> new PolicyPOP3SClient(TlsPolicy.MODERN).setHostnameVerifier((h, s) -> true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("setHostnameVerifier");
  }
}
