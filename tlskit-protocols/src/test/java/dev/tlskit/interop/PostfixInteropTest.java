package dev.tlskit.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.imap.ImapMessage;
import dev.tlskit.sasl.MechanismNotOfferedException;
import dev.tlskit.smtp.Dsn;
import dev.tlskit.smtp.MessageTooLargeException;
import dev.tlskit.smtp.MimeMail;
import dev.tlskit.smtp.SendResult;
import dev.tlskit.smtp.SimpleMail;
import dev.tlskit.smtp.SmtpClient;
import dev.tlskit.testpeer.MailTests;
import dev.tlskit.testpeer.RealMailServers;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
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

  private static ImapMessage awaitDelivery(String user, String subject) throws Exception {
    return servers.awaitDelivery(user, subject);
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

  /**
   * A multipart mail with two attachments goes through Postfix with DSN parameters and in BDAT chunks (Postfix offers
   * DSN and CHUNKING); read back from Dovecot and parsed with Jakarta Mail, each attachment decodes byte for byte.
   */
  @Test
  void multipartMailWithTwoAttachmentsGoesThroughPostfixInBdatChunksWithDsn() throws Exception {
    byte[] big = new byte[1_200_000]; // base64: more than one 1 MiB BDAT chunk
    new java.util.Random(16).nextBytes(big);
    byte[] notes = "first line\n.second line starts with a dot\r\n\u00e9t\u00e9\n".getBytes(StandardCharsets.UTF_8);
    String subject = "MIME via Postfix \u00fc";
    MimeMail mail = MimeMail.builder().from("alice@example.test").to("alice@example.test").subject(subject)
        .text("see the attachments\n").html("<p>see the <b>attachments</b></p>")
        .attach("donn\u00e9es.bin", "application/octet-stream", big).attach("notes.txt", "text/plain", notes).build();
    try (SmtpClient smtp = smtp(servers.submission, TlsMode.STARTTLS)) {
      assertThat(smtp.extensions()).containsKeys("DSN", "CHUNKING");
      smtp.login("alice", RealMailServers.PASSWORD.toCharArray());
      SendResult r = smtp.send(mail, Dsn.builder().notifyOn(Dsn.Notify.FAILURE).ret(Dsn.Return.HEADERS)
          .envelopeId("tlskit-mime-1").originalRecipients(true).build());
      assertThat(r.accepted()).containsExactly("alice@example.test");
      smtp.quit();
    }
    byte[] raw = awaitDelivery("alice", subject).body();
    MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
    MimeMultipart mixed = (MimeMultipart) m.getContent();
    assertThat(mixed.getCount()).isEqualTo(3);
    assertThat(mixed.getBodyPart(0).getContentType()).startsWith("multipart/alternative");
    MimeBodyPart first = (MimeBodyPart) mixed.getBodyPart(1);
    MimeBodyPart second = (MimeBodyPart) mixed.getBodyPart(2);
    assertThat(first.getFileName()).isEqualTo("donn\u00e9es.bin");
    assertThat(first.getInputStream().readAllBytes()).isEqualTo(big);
    assertThat(second.getFileName()).isEqualTo("notes.txt");
    assertThat(second.getInputStream().readAllBytes()).isEqualTo(notes);
  }

  @Test
  void anOversizedStreamIsRefusedBeforeMailFromAgainstPostfix() throws Exception {
    try (SmtpClient smtp = smtp(servers.submission, TlsMode.STARTTLS)) {
      smtp.login("alice", RealMailServers.PASSWORD.toCharArray());
      long limit = smtp.sizeLimit();
      assertThat(limit).isPositive(); // Postfix announces message_size_limit
      assertThatThrownBy(() -> smtp.send("alice@example.test", List.of("alice@example.test"),
          new ByteArrayInputStream(new byte[0]), limit + 1, null)).isInstanceOf(MessageTooLargeException.class);
      assertThat(smtp.noop().code()).isEqualTo(250); // nothing was sent: the session is still in step
      smtp.quit();
    }
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
