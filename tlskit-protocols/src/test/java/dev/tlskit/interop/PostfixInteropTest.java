package dev.tlskit.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.imap.ImapClient;
import dev.tlskit.imap.ImapLimits;
import dev.tlskit.imap.ImapMessage;
import dev.tlskit.sasl.MechanismNotOfferedException;
import dev.tlskit.smtp.SendResult;
import dev.tlskit.smtp.SimpleMail;
import dev.tlskit.smtp.SmtpClient;
import dev.tlskit.testpeer.MailTests;
import dev.tlskit.testpeer.RealMailServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SMTP client against a real Postfix: submission with STARTTLS and submissions with implicit TLS, SASL through
 * Dovecot; delivered mail is read back over IMAP.
 */
class PostfixInteropTest {
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

  private static SmtpClient smtp(int port, TlsMode mode) throws Exception {
    return SmtpClient.connect(client, "127.0.0.1", port, "localhost", mode, "client.example.test");
  }

  /** Polls alice's INBOX over IMAP until a message with this subject arrives (Postfix delivers asynchronously). */
  private static ImapMessage awaitDelivery(String user, String subject) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (ImapClient imap = ImapClient.connect(client, "127.0.0.1", servers.imaps, "localhost", TlsMode.IMPLICIT,
          ImapLimits.DEFAULTS)) {
        imap.login(user, RealMailServers.PASSWORD.toCharArray());
        if (imap.examine("INBOX").exists() > 0) {
          for (ImapMessage m : imap.fetchEnvelopes("1:*")) {
            if (subject.equals(m.envelope().subject())) return imap.fetchMessage(m.uid()).orElseThrow();
          }
        }
        imap.logout();
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no message \"" + subject + "\" delivered to " + user + "; Postfix log:\n"
        + servers.postfixLog());
  }

  @Test
  void submissionWithStarttlsAndSaslDeliversToAcceptedRecipients() throws Exception {
    try (SmtpClient smtp = smtp(servers.submission, TlsMode.STARTTLS)) {
      assertThat(smtp.securityInfo()).isPresent();
      assertThat(smtp.supports("STARTTLS")).isFalse(); // the EHLO after the upgrade no longer offers it
      assertThat(smtp.extensions()).containsKeys("AUTH", "PIPELINING", "SIZE", "8BITMIME");
      smtp.login("alice", RealMailServers.PASSWORD.toCharArray());
      SimpleMail mail = SimpleMail.builder().from("alice@example.test").to("alice@example.test")
          .to("nobody@example.test").subject("Gr\u00fc\u00dfe via submission").body("Hello\n.leading dot\n").build();
      SendResult r = smtp.send(mail);
      assertThat(r.accepted()).containsExactly("alice@example.test");
      assertThat(r.rejected()).singleElement().satisfies(rr -> assertThat(rr.reply().code()).isEqualTo(550));
      smtp.quit();
    }
    String body = new String(awaitDelivery("alice", "Gr\u00fc\u00dfe via submission").body(), StandardCharsets.UTF_8);
    assertThat(body).contains("ESMTPSA").endsWith("\r\n\r\nHello\r\n.leading dot\r\n");
  }

  /** A body whose bare CR/LF and dots look like an end of data reaches Postfix's mailbox whole, as one message. */
  @Test
  void aBodyWithBareLineEndsAndDotsCannotEndTheDataEarly() throws Exception {
    byte[] eml = ("From: alice@example.test\r\nTo: alice@example.test\r\nSubject: smuggling probe\r\n\r\n"
        + "a\n.\nMAIL FROM:<x@example.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n.\r\nb\r.\rc\r\n.\nd")
        .getBytes(StandardCharsets.US_ASCII);
    try (SmtpClient smtp = smtp(servers.submission, TlsMode.STARTTLS)) {
      smtp.login("alice", RealMailServers.PASSWORD.toCharArray());
      assertThat(smtp.send("alice@example.test", List.of("alice@example.test"), eml).accepted()).hasSize(1);
      smtp.quit();
    }
    assertThat(new String(awaitDelivery("alice", "smuggling probe").body(), StandardCharsets.UTF_8))
        .endsWith("\r\n\r\na\r\n.\r\nMAIL FROM:<x@example.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n.\r\n"
            + "b\r\n.\r\nc\r\n.\r\nd\r\n");
  }

  @Test
  void submissionsWithImplicitTlsSendsAStreamedMessage() throws Exception {
    byte[] eml = "From: bob@example.test\nTo: bob@example.test\nSubject: implicit\n\n\u00e9t\u00e9\n"
        .getBytes(StandardCharsets.UTF_8);
    try (SmtpClient smtp = smtp(servers.submissions, TlsMode.IMPLICIT)) {
      smtp.login("bob", RealMailServers.PASSWORD.toCharArray());
      smtp.send("bob@example.test", List.of("bob@example.test"), new java.io.ByteArrayInputStream(eml));
      smtp.quit();
    }
    assertThat(new String(awaitDelivery("bob", "implicit").body(), StandardCharsets.UTF_8))
        .endsWith("\r\n\r\n\u00e9t\u00e9\r\n");
  }

  @Test
  void postfixOffersNoAuthBeforeTlsAndRefusesUnauthenticatedRelay() throws Exception {
    // TlsMode.NONE on loopback would let credentials through, but Postfix (smtpd_tls_auth_only) offers no AUTH
    try (SmtpClient smtp = smtp(servers.submission, TlsMode.NONE)) {
      assertThat(smtp.supports("STARTTLS")).isTrue();
      assertThat(smtp.supports("AUTH")).isFalse();
      assertThatThrownBy(() -> smtp.login("alice", RealMailServers.PASSWORD.toCharArray()))
          .isInstanceOf(MechanismNotOfferedException.class).hasMessageContaining("does not offer a password mechanism");
      assertThatThrownBy(() -> smtp.send("a@example.test", List.of("alice@example.test"), new byte[] {'x'}))
          .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.replyCode()).startsWith("5"));
    }
  }
}
