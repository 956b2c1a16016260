package dev.tlskit.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.testpeer.ReplayServer;
import java.io.IOException;
import java.time.Duration;

/**
 * Fuzzes the SMTP client's reply reader (RFC 5321 4.2, multi-line replies) through a real loopback socket: the input
 * is the server's whole side of a session (greeting, EHLO reply, NOOP replies). Seeds (SmtpReplyFuzzTestInputs) are
 * Postfix transcripts. The client may only succeed or throw an IOException (typed {@code ProtocolException} or end
 * of stream); what it accepts has a three-digit code and at most {@code MAX_REPLY_LINES} lines.
 */
class SmtpReplyFuzzTest {
  private static final ReplayServer SERVER = new ReplayServer();
  private static final TlsClient CLIENT = TlsClient.builder().timeout(Duration.ofSeconds(5)).build();

  @FuzzTest(maxDuration = "2m")
  void readsRepliesOrFailsTyped(byte[] transcript) throws InterruptedException {
    Thread server = SERVER.serveNext(transcript);
    // the only connection a fuzz input may cause is to our own replay server (Jazzer flags any other as SSRF)
    try (SilentCloseable allowed = BugDetectors.allowNetworkConnections((host, port) -> port == SERVER.port());
        SmtpClient smtp = SmtpClient.connect(CLIENT, "127.0.0.1", SERVER.port(), TlsMode.NONE)) {
      assertThat(smtp.greeting().code()).isEqualTo(220);
      assertThat(smtp.greeting().lines()).hasSizeLessThanOrEqualTo(SmtpClient.MAX_REPLY_LINES);
      for (int i = 0; i < 4; i++) {
        SmtpReply r = smtp.noop();
        assertThat(r.code()).isBetween(200, 599);
        assertThat(r.lines()).hasSizeLessThanOrEqualTo(SmtpClient.MAX_REPLY_LINES);
      }
    } catch (IOException expected) {
      // ProtocolException, EOFException, or the peer closing: typed outcomes for a bad server
    }
    server.join(10_000);
  }
}
