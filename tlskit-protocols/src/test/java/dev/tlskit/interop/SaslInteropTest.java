package dev.tlskit.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.imap.ImapClient;
import dev.tlskit.imap.ImapLimits;
import dev.tlskit.pop3.Pop3Client;
import dev.tlskit.sasl.MechanismNotOfferedException;
import dev.tlskit.sasl.SaslMechanism;
import dev.tlskit.smtp.SimpleMail;
import dev.tlskit.smtp.SmtpClient;
import dev.tlskit.testpeer.MailTests;
import dev.tlskit.testpeer.RealMailServers;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SASL mechanisms against real servers: Dovecot offers PLAIN, LOGIN, SCRAM-SHA-256 and CRAM-MD5 for IMAP and POP3,
 * and Postfix offers the same for SMTP through Dovecot's auth socket. Which mechanism ran is read from the servers'
 * own logs (Dovecot's login lines, Postfix's {@code sasl_method=}), not from the client.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SaslInteropTest {
  @TempDir static Path tmp;
  static RealMailServers servers;
  static TlsClient client;

  @BeforeAll
  static void start() throws Exception {
    servers = RealMailServers.start(tmp, true);
    client = MailTests.client(servers.pki.clientContext());
  }

  @AfterAll
  static void stop() throws Exception {
    if (servers != null) servers.close();
  }

  private static final char[] PASSWORD = RealMailServers.PASSWORD.toCharArray();

  @Test
  void imapLoginChoosesScramSha256AndCanBeToldCramMd5() throws Exception {
    try (ImapClient imap = ImapClient.connect(client, "127.0.0.1", servers.imap, "localhost", TlsMode.STARTTLS,
        ImapLimits.DEFAULTS)) {
      assertThat(imap.capabilities()).contains("AUTH=SCRAM-SHA-256", "AUTH=PLAIN");
      imap.login("alice", PASSWORD);
      assertThat(imap.examine("INBOX").readOnly()).isTrue();
      imap.logout();
    }
    servers.awaitDovecotLog("imap-login: Info: Login: user=<alice>, method=SCRAM-SHA-256");
    try (ImapClient imap = ImapClient.connect(client, "127.0.0.1", servers.imaps, "localhost", TlsMode.IMPLICIT,
        ImapLimits.DEFAULTS)) {
      imap.login(SaslMechanism.CRAM_MD5, "bob", PASSWORD);
      imap.logout();
    }
    servers.awaitDovecotLog("imap-login: Info: Login: user=<bob>, method=CRAM-MD5");
  }

  @Test
  void pop3LoginChoosesScramSha256AndCanBeToldCramMd5() throws Exception {
    try (Pop3Client pop = Pop3Client.connect(client, "127.0.0.1", servers.pop3, "localhost", TlsMode.STARTTLS)) {
      pop.login("carol", PASSWORD);
      pop.stat();
      pop.quit();
    }
    servers.awaitDovecotLog("pop3-login: Info: Login: user=<carol>, method=SCRAM-SHA-256");
    try (Pop3Client pop = Pop3Client.connect(client, "127.0.0.1", servers.pop3s, "localhost", TlsMode.IMPLICIT)) {
      pop.login(SaslMechanism.CRAM_MD5, "alice", PASSWORD);
      pop.stat();
      pop.quit();
    }
    servers.awaitDovecotLog("pop3-login: Info: Login: user=<alice>, method=CRAM-MD5");
  }

  @Test
  @Order(Integer.MAX_VALUE) // Dovecot's auth penalty delays every later login from 127.0.0.1 after a failure
  void aWrongPasswordUnderScramIsTheServersRefusal() throws Exception {
    try (ImapClient imap = ImapClient.connect(client, "127.0.0.1", servers.imaps, "localhost", TlsMode.IMPLICIT,
        ImapLimits.DEFAULTS)) {
      assertThatThrownBy(() -> imap.login(SaslMechanism.SCRAM_SHA_256, "alice", "wrong".toCharArray()))
          .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.replyCode()).isEqualTo("NO"));
    }
  }

  @Test
  void aMechanismTheServerDoesNotOfferIsRefusedBeforeAnySecret() throws Exception {
    try (ImapClient imap = ImapClient.connect(client, "127.0.0.1", servers.imaps, "localhost", TlsMode.IMPLICIT,
        ImapLimits.DEFAULTS)) {
      assertThatThrownBy(() -> imap.login(SaslMechanism.OAUTHBEARER, "alice", "token".toCharArray()))
          .isInstanceOfSatisfying(MechanismNotOfferedException.class, e -> {
            assertThat(e.requested()).isEqualTo("OAUTHBEARER");
            assertThat(e.offered()).contains("SCRAM-SHA-256");
          });
      imap.login("alice", PASSWORD); // the session is untouched: nothing was sent
      imap.logout();
    }
  }

  @Test
  void smtpSubmissionThroughPostfixChoosesScramSha256() throws Exception {
    try (SmtpClient smtp = SmtpClient.connect(client, "127.0.0.1", servers.submission, "localhost",
        TlsMode.STARTTLS, "client.example.test")) {
      assertThat(smtp.extensions().get("AUTH")).contains("SCRAM-SHA-256");
      smtp.login("bob", PASSWORD);
      smtp.send(SimpleMail.builder().from("bob@example.test").to("alice@example.test").subject("scram")
          .body("sent after SCRAM-SHA-256").build());
      smtp.quit();
    }
    servers.awaitPostfixLog("sasl_method=SCRAM-SHA-256, sasl_username=bob");
    try (SmtpClient smtp = SmtpClient.connect(client, "127.0.0.1", servers.submissions, "localhost",
        TlsMode.IMPLICIT, "client.example.test")) {
      smtp.login(SaslMechanism.CRAM_MD5, "carol", PASSWORD);
      smtp.send(SimpleMail.builder().from("carol@example.test").to("alice@example.test").subject("cram")
          .body("sent after CRAM-MD5").build());
      smtp.quit();
    }
    servers.awaitPostfixLog("sasl_method=CRAM-MD5, sasl_username=carol");
  }
}
