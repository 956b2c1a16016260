package dev.tlskit.jakartamail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.CertificateProblem;
import dev.tlskit.TlsPolicy;
import dev.tlskit.Trust;
import dev.tlskit.ValidationReport;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.testpeer.RealMailServers;
import dev.tlskit.testpeer.ScriptedPeer;
import dev.tlskit.testpeer.TestPki;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Angus Mail configured by JakartaMailTls: against real Postfix and Dovecot it sends and reads over STARTTLS and
 * implicit TLS; an untrusted chain, a wrong name and a stripped STARTTLS fail before any credential, with the report
 * reachable from the exception.
 */
class JakartaMailTlsTest {
  private static final Duration SHORT = Duration.ofSeconds(5);
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

  private static Session session(TlsPolicy policy, String protocol) {
    Properties props = JakartaMailTls.properties(policy, protocol, SHORT, SHORT);
    props.put("mail." + protocol + ".auth", "true");
    props.put("mail." + protocol + ".localhost", "client.test"); // the EHLO name the scripted peers expect
    return Session.getInstance(props);
  }

  private static void send(Session session, String protocol, int port) throws MessagingException {
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress("alice@example.test"));
    m.setRecipient(Message.RecipientType.TO, new InternetAddress("alice@example.test"));
    m.setSubject("via " + protocol);
    m.setText("hello");
    try (Transport t = session.getTransport(protocol)) {
      t.connect("localhost", port, "alice", servers.password);
      t.sendMessage(m, m.getAllRecipients());
    }
  }

  @Test
  void sendsThroughPostfixOverStarttlsAndImplicitTls() throws Exception {
    send(session(policy, "smtp"), "smtp", servers.submission);
    send(session(policy, "smtps"), "smtps", servers.submissions);
  }

  @Test
  void readsFromDovecotOverImapAndPop3WithStarttlsAndImplicitTls() throws Exception {
    int[][] ports = {{servers.imap, servers.imaps}, {servers.pop3, servers.pop3s}};
    String[][] protocols = {{"imap", "imaps"}, {"pop3", "pop3s"}};
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        String protocol = protocols[i][j];
        try (Store store = session(policy, protocol).getStore(protocol)) {
          store.connect("localhost", ports[i][j], "alice", servers.password);
          Folder inbox = store.getFolder("INBOX");
          inbox.open(Folder.READ_ONLY);
          assertThat(inbox.getMessageCount()).as(protocol).isGreaterThanOrEqualTo(0);
          inbox.close(false);
        }
      }
    }
  }

  @Test
  void untrustedChainFailsWithTheReportForEveryProtocol() {
    int[] ports = {servers.submission, servers.submissions, servers.imap, servers.imaps, servers.pop3, servers.pop3s};
    String[] protocols = {"smtp", "smtps", "imap", "imaps", "pop3", "pop3s"};
    for (int i = 0; i < ports.length; i++) {
      String protocol = protocols[i];
      int port = ports[i];
      Session s = session(TlsPolicy.MODERN, protocol); // the JDK's roots do not include the test CA
      assertThatThrownBy(() -> {
        if (protocol.startsWith("smtp")) {
          try (Transport t = s.getTransport(protocol)) {
            t.connect("localhost", port, "alice", servers.password);
          }
        } else {
          try (Store st = s.getStore(protocol)) {
            st.connect("localhost", port, "alice", servers.password);
          }
        }
      }).as(protocol).isInstanceOf(MessagingException.class).satisfies(e -> {
        ValidationReport r = ValidationReport.of(e).orElseThrow(() -> new AssertionError("no report in " + e, e));
        assertThat(r.problems()).anyMatch(p -> p instanceof CertificateProblem.UntrustedIssuer);
      });
    }
  }

  @Test
  void wrongNameFailsWithTheReportBeforeAuth() throws Exception {
    HeldCertificate other = HeldCertificate.leaf(pki.ca, "mail.example.org");
    try (ScriptedPeer peer = ScriptedPeer.plain(TestPki.serverContext(other), "S: 220 mx ESMTP", "C: EHLO client.test",
        "S: 250-mx\r\n250-STARTTLS\r\n250 AUTH PLAIN", "C: STARTTLS", "S: 220 go ahead", "TLS")) {
      TlsPolicy trustingCa = TlsPolicy.builder().trust(Trust.anchors(pki.ca.certificate())).build();
      assertThatThrownBy(() -> {
        try (Transport t = session(trustingCa, "smtp").getTransport("smtp")) {
          t.connect("localhost", peer.port(), "alice", "secret");
        }
      }).isInstanceOf(MessagingException.class).satisfies(e -> {
        ValidationReport r = ValidationReport.of(e).orElseThrow(() -> new AssertionError("no report in " + e, e));
        assertThat(r.expectedName()).isEqualTo("localhost");
        assertThat(r.problems()).anyMatch(p -> p instanceof CertificateProblem.NameMismatch);
      });
      peer.finish();
      assertThat(peer.plaintextFromClient()).isEqualTo("EHLO client.test\r\nSTARTTLS\r\n");
    }
  }

  @Test
  void smtpWithStrippedStarttlsNeverSendsAuth() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 mx ESMTP", "C: EHLO client.test",
        "S: 250-mx\r\n250 AUTH PLAIN LOGIN")) {
      assertThatThrownBy(() -> {
        try (Transport t = session(TlsPolicy.MODERN, "smtp").getTransport("smtp")) {
          t.connect("localhost", peer.port(), "alice", "secret");
        }
      }).isInstanceOf(MessagingException.class).hasMessageContaining("STARTTLS");
      peer.finish();
      assertThat(peer.plaintextFromClient()).startsWith("EHLO client.test\r\n").doesNotContain("AUTH");
    }
  }

  @Test
  void withStarttlsEnableAloneAngusSendsAuthInPlaintextWhenStripped() throws Exception {
    // the failure the properties prevent: the same stripped server, Angus's own STARTTLS switch only
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 mx ESMTP", "C: EHLO client.test",
        "S: 250-mx\r\n250 AUTH PLAIN LOGIN")) {
      Properties props = new Properties();
      props.put("mail.smtp.starttls.enable", "true");
      props.put("mail.smtp.auth", "true");
      props.put("mail.smtp.localhost", "client.test");
      props.put("mail.smtp.timeout", "2000");
      assertThatThrownBy(() -> {
        try (Transport t = Session.getInstance(props).getTransport("smtp")) {
          t.connect("localhost", peer.port(), "alice", "secret");
        }
      }).isInstanceOf(MessagingException.class);
      peer.finish();
      assertThat(peer.plaintextFromClient()).contains("AUTH");
    }
  }

  @Test
  void imapAndPop3WithStrippedStarttlsNeverSendCredentials() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi")) {
      assertThatThrownBy(() -> {
        try (Store st = session(TlsPolicy.MODERN, "imap").getStore("imap")) {
          st.connect("localhost", peer.port(), "alice", "secret");
        }
      }).isInstanceOf(MessagingException.class);
      peer.finish();
      assertThat(peer.plaintextFromClient()).doesNotContain("LOGIN").doesNotContain("AUTHENTICATE")
          .doesNotContain("secret");
    }
    try (ScriptedPeer peer = ScriptedPeer.plain("S: +OK hi", "C: CAPA", "S: +OK\r\nUSER\r\nSASL PLAIN\r\n.")) {
      assertThatThrownBy(() -> {
        try (Store st = session(TlsPolicy.MODERN, "pop3").getStore("pop3")) {
          st.connect("localhost", peer.port(), "alice", "secret");
        }
      }).isInstanceOf(MessagingException.class);
      peer.finish();
      assertThat(peer.plaintextFromClient()).startsWith("CAPA\r\n").doesNotContain("USER").doesNotContain("AUTH")
          .doesNotContain("PASS");
    }
  }

  @Test
  void unknownProtocolsAndBadTimeoutsAreRefusedByName() {
    assertThatThrownBy(() -> JakartaMailTls.properties(TlsPolicy.MODERN, "nntp"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'nntp'");
    assertThatThrownBy(() -> JakartaMailTls.properties(TlsPolicy.MODERN, "smtp", Duration.ZERO, SHORT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeout");
  }

  @Test
  void configureRefusesPropertiesThatWouldWeakenThePolicyAndKeepsTimeouts() {
    Properties trustAll = new Properties();
    trustAll.put("mail.smtps.ssl.trust", "*");
    assertThatThrownBy(() -> JakartaMailTls.configure(trustAll, TlsPolicy.MODERN, "smtps"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mail.smtps.ssl.trust");
    Properties optional = new Properties();
    optional.put("mail.imap.starttls.required", "false");
    assertThatThrownBy(() -> JakartaMailTls.configure(optional, TlsPolicy.MODERN, "imap"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mail.imap.starttls.required");
    Properties own = new Properties();
    own.put("mail.pop3.timeout", "1234");
    own.put("mail.pop3.host", "localhost");
    JakartaMailTls.configure(own, TlsPolicy.MODERN, "pop3");
    assertThat(own).containsEntry("mail.pop3.timeout", "1234").containsEntry("mail.pop3.host", "localhost")
        .containsEntry("mail.pop3.starttls.required", "true").containsEntry("mail.pop3.socketFactory.fallback", "false")
        .containsEntry("mail.pop3.connectiontimeout", "10000");
  }
}
