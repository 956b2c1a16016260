package dev.tlskit.examples;

import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsPolicy;
import dev.tlskit.Trust;
import dev.tlskit.imap.ImapClient;
import dev.tlskit.imap.MailboxInfo;
import dev.tlskit.pop3.Pop3Client;
import dev.tlskit.pop3.Pop3Stat;
import dev.tlskit.smtp.Dsn;
import dev.tlskit.smtp.MimeMail;
import dev.tlskit.smtp.SendResult;
import dev.tlskit.smtp.SmtpClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** SMTP, IMAP and POP3 with the protocol clients, which do STARTTLS / STLS or implicit TLS themselves. */
public final class MailExamples {
  private MailExamples() {}

  /** Sends one message over SMTP with required STARTTLS and returns the accepted recipients. */
  public static List<String> smtp(String host, int port, Path caPem, String user, char[] password)
      throws IOException {
    // guide:smtp
    TlsClient tls = TlsClient.builder().policy(TlsPolicy.builder().trust(Trust.fromFile(caPem, null)).build()).build();
    try (SmtpClient smtp = SmtpClient.connect(tls, host, port, TlsMode.STARTTLS)) {   // no STARTTLS: exception
      smtp.login(user, password);                                                      // only ever over TLS
      byte[] message = "Subject: Hi\r\n\r\nHello\r\n".getBytes(StandardCharsets.UTF_8);
      SendResult result = smtp.send("alice@example.test", List.of("bob@example.test"), message);
      smtp.quit();
      return result.accepted();                                                        // refused ones: rejected()
    }
    // guide:end
  }

  /**
   * Sends a MIME mail (text with an HTML alternative and one attachment) over SMTP with required STARTTLS, asking
   * for a notification on failure only, and returns the server's answer to the message.
   */
  public static String smtpMime(String host, int port, Path caPem, String user, char[] password, Path attachment)
      throws IOException {
    // guide:smtp-mime
    TlsClient tls = TlsClient.builder().policy(TlsPolicy.builder().trust(Trust.fromFile(caPem, null)).build()).build();
    MimeMail mail = MimeMail.builder().from("alice@example.test", "Alice").to("alice@example.test")
        .subject("Quarterly r\u00e9sum\u00e9")                                      // RFC 2047 when not ASCII
        .text("The report is attached.").html("<p>The report is <b>attached</b>.</p>") // multipart/alternative
        .attach(attachment)                                                            // base64, type from the name
        .build();                                                                      // bad address: exception
    try (SmtpClient smtp = SmtpClient.connect(tls, host, port, TlsMode.STARTTLS)) {
      smtp.login(user, password);
      Dsn dsn = Dsn.builder().notifyOn(Dsn.Notify.FAILURE).ret(Dsn.Return.HEADERS).build(); // sent if DSN offered
      SendResult result = smtp.send(mail, dsn);                        // BDAT when CHUNKING is offered, else DATA
      smtp.quit();
      return result.dataReply().text();
    }
    // guide:end
  }

  /** Logs in over IMAP with STARTTLS and returns the envelope subjects of INBOX. */
  public static List<String> imap(String host, int port, Path caPem, String user, char[] password)
      throws IOException {
    // guide:imap
    TlsClient tls = TlsClient.builder().policy(TlsPolicy.builder().trust(Trust.fromFile(caPem, null)).build()).build();
    try (ImapClient imap = ImapClient.connect(tls, host, port, TlsMode.STARTTLS)) {   // 993 with AUTO: implicit
      imap.login(user, password);
      MailboxInfo inbox = imap.examine("INBOX");                                       // read-only
      List<String> subjects = inbox.exists() == 0 ? List.of()
          : imap.fetchEnvelopes("1:*").stream().map(m -> m.envelope().subject()).toList();
      imap.logout();
      return subjects;
    }
    // guide:end
  }

  /** Logs in over POP3 with implicit TLS (POP3S) and returns the mailbox statistics. */
  public static Pop3Stat pop3(String host, int port, Path caPem, String user, char[] password) throws IOException {
    // guide:pop3
    TlsClient tls = TlsClient.builder().policy(TlsPolicy.builder().trust(Trust.fromFile(caPem, null)).build()).build();
    try (Pop3Client pop3 = Pop3Client.connect(tls, host, port, TlsMode.IMPLICIT)) {  // STARTTLS: STLS
      pop3.login(user, password);
      Pop3Stat stat = pop3.stat();                                                     // count and octets
      pop3.quit();
      return stat;
    }
    // guide:end
  }

}
