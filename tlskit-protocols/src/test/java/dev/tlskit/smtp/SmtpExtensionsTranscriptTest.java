package dev.tlskit.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.testpeer.MailTests;
import dev.tlskit.testpeer.ScriptedPeer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** BDAT, DSN, SIZE, address syntax and 8BITMIME: scripted server lines in, the client's exact bytes compared. */
class SmtpExtensionsTranscriptTest {
  private final TlsClient client = MailTests.plainClient();

  private SmtpClient connect(ScriptedPeer peer) throws Exception {
    return SmtpClient.connect(client, "127.0.0.1", peer.port(), TlsMode.NONE);
  }

  @Test
  void chunkingSendsCountedBdatChunksCutAtLineEndsWithoutDotStuffing() throws Exception {
    byte[] msg = "Subject: b\n\n.dot\n0123456789\nend".getBytes(StandardCharsets.US_ASCII); // 37 bytes as sent
    try (ScriptedPeer peer = ScriptedPeer.plain(
        "S: 220 mx", "C: EHLO localhost", "S: 250-mx\r\n250-CHUNKING\r\n250 SIZE 100",
        "C: MAIL FROM:<a@example.com> SIZE=37", "S: 250 ok",
        "C: RCPT TO:<b@example.com>", "S: 250 ok",
        "C: BDAT 12", "C: Subject: b", "S: 250 12 octets",
        "C: BDAT 8", "C: ", "C: .dot", "S: 250 8 octets",
        "C: BDAT 12", "C: 0123456789", "S: 250 12 octets",
        "C: BDAT 5 LAST", "C: end", "S: 250 queued",
        "C: QUIT", "S: 221 bye")) {
      SmtpClient smtp = connect(peer);
      smtp.chunkSize = 12;
      SendResult r = smtp.send("a@example.com", List.of("b@example.com"), new ByteArrayInputStream(msg) {
        @Override
        public synchronized int read(byte[] b, int off, int len) {
          return super.read(b, off, Math.min(len, 5)); // later bytes arrive after the first chunk went out
        }
      }, 37, null);
      smtp.quit();
      assertThat(peer.finish()).isEmpty();
      assertThat(r.dataReply().text()).isEqualTo("queued");
    }
  }

  @Test
  void dsnParametersGoOnMailAndRcptWhenOffered() throws Exception {
    Dsn dsn = Dsn.builder().notifyOn(Dsn.Notify.FAILURE, Dsn.Notify.SUCCESS).ret(Dsn.Return.HEADERS)
        .envelopeId("id+1=x y").originalRecipients(true).build();
    try (ScriptedPeer peer = ScriptedPeer.plain(
        "S: 220 mx", "C: EHLO localhost", "S: 250-mx\r\n250-DSN\r\n250 PIPELINING",
        "C: MAIL FROM:<a@example.com> RET=HDRS ENVID=id+2B1+3Dx+20y",
        "C: RCPT TO:<b@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b@example.com",
        "S: 250 ok\r\n250 ok",
        "C: DATA", "S: 354 go", "C: x", "C: .", "S: 250 queued",
        "C: QUIT", "S: 221 bye")) {
      SmtpClient smtp = connect(peer);
      smtp.send("a@example.com", List.of("b@example.com"), "x".getBytes(StandardCharsets.US_ASCII), dsn);
      smtp.quit();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void dsnParametersAreLeftOutWhenTheServerDoesNotOfferDsn() throws Exception {
    Dsn dsn = Dsn.builder().notifyNever().build();
    try (ScriptedPeer peer = ScriptedPeer.plain(
        "S: 220 mx", "C: EHLO localhost", "S: 250 mx",
        "C: MAIL FROM:<a@example.com>", "S: 250 ok", "C: RCPT TO:<b@example.com>", "S: 250 ok",
        "C: DATA", "S: 354 go", "C: x", "C: .", "S: 250 queued")) {
      try (SmtpClient smtp = connect(peer)) {
        smtp.send("a@example.com", List.of("b@example.com"), "x".getBytes(StandardCharsets.US_ASCII), dsn);
      }
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void aMessageOverTheServersSizeLimitIsRefusedBeforeMailFrom() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(
        "S: 220 mx", "C: EHLO localhost", "S: 250-mx\r\n250 SIZE 10",
        "C: MAIL FROM:<a@example.com> SIZE=9", "S: 250 ok", "C: RCPT TO:<b@example.com>", "S: 250 ok",
        "C: DATA", "S: 354 go", "C: 1234567", "C: .", "S: 250 queued",
        "C: QUIT", "S: 221 bye")) {
      SmtpClient smtp = connect(peer);
      assertThat(smtp.sizeLimit()).isEqualTo(10);
      assertThatThrownBy(() -> smtp.send("a@example.com", List.of("b@example.com"), new byte[11]))
          .isInstanceOfSatisfying(MessageTooLargeException.class, e -> {
            assertThat(e.size()).isEqualTo(13); // as sent: the last line completed with CRLF
            assertThat(e.limit()).isEqualTo(10);
          });
      assertThatThrownBy(() -> smtp.send("a@example.com", List.of("b@example.com"),
          new ByteArrayInputStream(new byte[3]), 11, null)).isInstanceOf(MessageTooLargeException.class);
      // a stream of known size declares it
      smtp.send("a@example.com", List.of("b@example.com"),
          new ByteArrayInputStream("1234567\r\n".getBytes(StandardCharsets.US_ASCII)), 9, null);
      smtp.quit();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void malformedAddressesAreRefusedBeforeAnythingIsSent() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(
        "S: 220 mx", "C: EHLO localhost", "S: 250 mx", "C: QUIT", "S: 221 bye")) {
      SmtpClient smtp = connect(peer);
      byte[] m = "x".getBytes(StandardCharsets.US_ASCII);
      for (String bad : List.of("bad address", "no-at-sign", "a@b@", "@example.com", "a..b@example.com",
          "a@-example.com", "a@example..com", "a@[300.1.1.1]", "a>@example.com", "\"unterminated@example.com",
          "a\u2028b@example.com", "a\u0085@example.com", "a\u00a0b@example.com")) {
        assertThatThrownBy(() -> smtp.send("a@example.com", List.of(bad), m))
            .isInstanceOfSatisfying(InvalidAddressException.class, e -> {
              assertThat(e.address()).isEqualTo(bad);
              assertThat(e.role()).isEqualTo("recipient");
            });
      }
      assertThatThrownBy(() -> smtp.send("x y@example.com", List.of("b@example.com"), m))
          .isInstanceOf(InvalidAddressException.class).hasMessageContaining("from is not an RFC 5321 address")
          .hasMessageContaining("'x y@example.com'");
      smtp.quit();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void validAddressFormsAndTheNullSenderAreSent() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(
        "S: 220 mx", "C: EHLO localhost", "S: 250 mx",
        "C: MAIL FROM:<>", "S: 250 ok",
        "C: RCPT TO:<\"john doe\"@example.com>", "S: 250 ok",
        "C: RCPT TO:<o'brien+tag@[192.0.2.1]>", "S: 250 ok",
        "C: RCPT TO:<x@sub-domain.example.com>", "S: 250 ok",
        "C: DATA", "S: 354 go", "C: x", "C: .", "S: 250 queued")) {
      try (SmtpClient smtp = connect(peer)) {
        smtp.send("", List.of("\"john doe\"@example.com", "o'brien+tag@[192.0.2.1]", "x@sub-domain.example.com"),
            "x".getBytes(StandardCharsets.US_ASCII));
      }
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void eightBitBytesToAServerWithout8bitmimeAreRefusedBeforeMailFrom() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(
        "S: 220 mx", "C: EHLO localhost", "S: 250 mx", "C: QUIT", "S: 221 bye")) {
      SmtpClient smtp = connect(peer);
      assertThatThrownBy(() -> smtp.send("a@example.com", List.of("b@example.com"),
          "Subject: x\n\n\u00e9t\u00e9".getBytes(StandardCharsets.UTF_8)))
          .isInstanceOf(EightBitUnsupportedException.class).hasMessageContaining("nothing was sent");
      smtp.quit();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void anEightBitStreamToAServerWithout8bitmimeIsCutOffBeforeTheEndOfData() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(
        "S: 220 mx", "C: EHLO localhost", "S: 250 mx",
        "C: MAIL FROM:<a@example.com>", "S: 250 ok", "C: RCPT TO:<b@example.com>", "S: 250 ok",
        "C: DATA", "S: 354 go")) {
      SmtpClient smtp = connect(peer);
      assertThatThrownBy(() -> smtp.send("a@example.com", List.of("b@example.com"),
          new ByteArrayInputStream("Subject: x\n\n\u00e9t\u00e9\n".getBytes(StandardCharsets.UTF_8))))
          .isInstanceOf(EightBitUnsupportedException.class).hasMessageContaining("byte 12");
      assertThat(peer.finish()).isEmpty();
      assertThat(peer.plaintextFromClient()).doesNotContain("\r\n.\r\n"); // never ended: the server discards it
    }
  }
}
