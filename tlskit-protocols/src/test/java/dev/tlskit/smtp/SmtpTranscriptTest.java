package dev.tlskit.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.testpeer.MailTests;
import dev.tlskit.testpeer.ScriptedPeer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scripted server lines in, the client's exact bytes compared; plaintext on loopback with TlsMode.NONE. */
class SmtpTranscriptTest {
  private final TlsClient client = MailTests.plainClient();

  private SmtpClient connect(ScriptedPeer peer) throws Exception {
    return SmtpClient.connect(client, "127.0.0.1", peer.port(), TlsMode.NONE);
  }

  @Test
  void sendsMailWithAuthPlainDotStuffingAndPerRecipientResults() throws Exception {
    byte[] msg = "Subject: x\n\n.leading dot\nlast".getBytes(StandardCharsets.US_ASCII);
    try (ScriptedPeer peer = ScriptedPeer.plain(
        "S: 220 mx.example ESMTP",
        "C: EHLO localhost",
        "S: 250-mx.example greets you\r\n250-SIZE 1000000\r\n250 AUTH PLAIN LOGIN",
        "C: AUTH PLAIN AGFsaWNlAHNlY3JldA==",
        "S: 235 2.7.0 ok",
        "C: MAIL FROM:<a@example.com> SIZE=" + (msg.length + 5), // as sent: CRLF line ends
        "S: 250 ok",
        "C: RCPT TO:<b@example.com>",
        "S: 250 ok",
        "C: RCPT TO:<c@example.com>",
        "S: 550 5.1.1 no such user",
        "C: DATA",
        "S: 354 go ahead",
        "C: Subject: x",
        "C: ",
        "C: ..leading dot",
        "C: last",
        "C: .",
        "S: 250 2.0.0 queued as 42",
        "C: QUIT",
        "S: 221 bye")) {
      SmtpClient smtp = connect(peer);
      assertThat(smtp.extensions()).containsEntry("SIZE", "1000000").containsEntry("AUTH", "PLAIN LOGIN");
      smtp.login("alice", "secret".toCharArray());
      SendResult r = smtp.send("a@example.com", List.of("b@example.com", "c@example.com"), msg);
      smtp.quit();
      assertThat(peer.finish()).isEmpty();
      assertThat(r.accepted()).containsExactly("b@example.com");
      assertThat(r.rejected()).singleElement().satisfies(rr -> {
        assertThat(rr.recipient()).isEqualTo("c@example.com");
        assertThat(rr.reply().code()).isEqualTo(550);
      });
      assertThat(r.dataReply().text()).isEqualTo("2.0.0 queued as 42");
    }
  }

  @Test
  void authLoginIsUsedWhenPlainIsNotOffered() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(
        "S: 220 mx", "C: EHLO localhost", "S: 250-mx\r\n250 AUTH LOGIN",
        "C: AUTH LOGIN", "S: 334 VXNlcm5hbWU6",
        "C: YWxpY2U=", "S: 334 UGFzc3dvcmQ6",
        "C: c2VjcmV0", "S: 235 ok",
        "C: RSET", "S: 250 ok",
        "C: NOOP", "S: 250 ok",
        "C: QUIT", "S: 221 bye")) {
      SmtpClient smtp = connect(peer);
      smtp.login("alice", "secret".toCharArray());
      smtp.reset();
      smtp.noop();
      smtp.quit();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void xoauth2ErrorChallengeIsAnsweredAndReported() throws Exception {
    String ir = "dXNlcj1hbGljZQFhdXRoPUJlYXJlciB0b2sBAQ==";
    try (ScriptedPeer peer = ScriptedPeer.plain(
        "S: 220 mx", "C: EHLO localhost", "S: 250-mx\r\n250 AUTH XOAUTH2",
        "C: AUTH XOAUTH2 " + ir, "S: 334 eyJzdGF0dXMiOiI0MDEifQ==",
        "C: ", "S: 535 5.7.8 bad token")) {
      SmtpClient smtp = connect(peer);
      assertThatThrownBy(() -> smtp.loginXoauth2("alice", "tok".toCharArray()))
          .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.replyCode()).isEqualTo("535"))
          .hasMessageContaining("{\"status\":\"401\"}");
      smtp.close();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void pipelinesMailAndRcptAndAnnouncesEightBitAndUtf8() throws Exception {
    byte[] msg = "Subject: \u00e9\r\n\r\nh\u00e9\r\n".getBytes(StandardCharsets.UTF_8);
    try (ScriptedPeer peer = ScriptedPeer.plain(
        "S: 220 mx", "C: EHLO localhost", "S: 250-mx\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SMTPUTF8",
        "C: MAIL FROM:<j\u00f6rg@example.com> BODY=8BITMIME SMTPUTF8",
        "C: RCPT TO:<x@example.com>",
        "C: RCPT TO:<y@example.com>",
        "S: 250 ok\r\n250 ok\r\n250 ok",
        "C: DATA", "S: 354 go",
        "C: Subject: \u00e9", "C: ", "C: h\u00e9", "C: .", "S: 250 ok")) {
      SmtpClient smtp = connect(peer);
      SendResult r = smtp.send("j\u00f6rg@example.com", List.of("x@example.com", "y@example.com"), msg);
      smtp.close();
      assertThat(peer.finish()).isEmpty();
      assertThat(r.accepted()).hasSize(2);
    }
  }

  @Test
  void fallsBackToHeloAndSendsAStream() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(
        "S: 220 old", "C: EHLO localhost", "S: 502 what", "C: HELO localhost", "S: 250 hi",
        "C: MAIL FROM:<a@x>", "S: 250 ok", "C: RCPT TO:<b@x>", "S: 251 forwarded",
        "C: DATA", "S: 354 go", "C: ..", "C: ..", "C: .", "S: 250 ok")) {
      SmtpClient smtp = connect(peer);
      assertThat(smtp.extensions()).isEmpty();
      smtp.send("a@x", List.of("b@x"), new ByteArrayInputStream(".\r\n.\r\n".getBytes(StandardCharsets.US_ASCII)));
      smtp.close();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void noAcceptedRecipientResetsAndFails() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(
        "S: 220 mx", "C: EHLO localhost", "S: 250 mx",
        "C: MAIL FROM:<a@x>", "S: 250 ok", "C: RCPT TO:<b@x>", "S: 550 5.1.1 unknown",
        "C: RSET", "S: 250 ok")) {
      SmtpClient smtp = connect(peer);
      assertThatThrownBy(() -> smtp.send("a@x", List.of("b@x"), new byte[] {'x'}))
          .isInstanceOfSatisfying(ProtocolException.class, e -> {
            assertThat(e.replyCode()).isEqualTo("550");
            assertThat(e.replyText()).isEqualTo("5.1.1 unknown");
          });
      smtp.close();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void argumentsWithLineBreaksAreRejectedBeforeSending() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 mx", "C: EHLO localhost", "S: 250 mx")) {
      SmtpClient smtp = connect(peer);
      assertThatThrownBy(() -> smtp.send("a@x>\r\nRCPT TO:<evil@x", List.of("b@x"), new byte[0]))
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("from must not contain CR, LF");
      assertThatThrownBy(() -> smtp.send("a@x", List.of("b@x\u0000"), new byte[0]))
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("recipient must not contain");
      assertThatThrownBy(() -> smtp.login("al\nice", "pw".toCharArray()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("user must not contain");
      smtp.close();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void malformedRepliesAreProtocolErrors() throws Exception {
    for (String bad : List.of("2x0 what", "250_no separator", "600 unknown class", "250-a\r\n251 b", "x".repeat(5000))) {
      try (ScriptedPeer peer = ScriptedPeer.plain("S: " + bad)) {
        assertThatThrownBy(() -> connect(peer)).as(bad).isInstanceOf(ProtocolException.class)
            .hasMessageContaining(bad.length() > 100 ? "longer than" : "SMTP reply");
        assertThat(peer.finish()).isEmpty();
        assertThat(peer.plaintextFromClient()).isEmpty();
      }
    }
  }

  @Test
  void greetingRefusalIsTyped() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 554 no service for you")) {
      assertThatThrownBy(() -> connect(peer)).isInstanceOfSatisfying(ProtocolException.class, e -> {
        assertThat(e.replyCode()).isEqualTo("554");
        assertThat(e.replyText()).isEqualTo("no service for you");
      });
      peer.finish();
    }
  }

  @Test
  void opportunisticIsRefusedUnlessAllowedThroughDangerousBeforeDialling() {
    assertThatThrownBy(() -> SmtpClient.connect(client, "127.0.0.1", 9, TlsMode.OPPORTUNISTIC))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dangerous().allowOpportunisticTls()");
  }

  @Test
  void opportunisticWithoutStarttlsKeepsCredentialsOffTheWire() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 mx", "C: EHLO localhost", "S: 250-mx\r\n250 AUTH PLAIN")) {
      SmtpClient smtp = SmtpClient.connect(MailTests.allowingOpportunistic(client), "127.0.0.1", peer.port(),
          TlsMode.OPPORTUNISTIC);
      assertThatThrownBy(() -> smtp.login("alice", "secret".toCharArray()))
          .isInstanceOfSatisfying(TlsSecurityException.class, e -> assertThat(e.reason())
              .isEqualTo(TlsSecurityException.Reason.PLAINTEXT_CREDENTIALS_REFUSED));
      smtp.close();
      assertThat(peer.finish()).isEmpty();
      assertThat(peer.plaintextFromClient()).isEqualTo("EHLO localhost\r\n");
    }
  }

  @Test
  void simpleMailRendersHeadersAndRefusesHeaderInjection() {
    SimpleMail m = SimpleMail.builder().from("a@example.com").to("b@example.com").subject("Gr\u00fc\u00dfe")
        .body("line1\nline2").date(ZonedDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC)).build();
    String text = new String(m.toBytes(), StandardCharsets.UTF_8);
    assertThat(text).startsWith("Date: Fri, 2 Jan 2026 03:04:05 GMT\r\nFrom: a@example.com\r\nTo: b@example.com\r\n"
        + "Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\nMessage-ID: <")
        .contains("\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n")
        .endsWith("\r\n\r\nline1\r\nline2\r\n");
    assertThatThrownBy(() -> SimpleMail.builder().from("a@x").to("b@x").subject("hi\r\nBcc: evil@x").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("subject must not contain");
  }
}
