package dev.tlskit.pop3;

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
 * Fuzzes the POP3 client's status lines and multi-line responses (RFC 1939: CAPA, LIST, UIDL, TOP, RETR with
 * dot-unstuffing, RFC 2047 headers) through a real loopback socket: the input is the server's whole side of a session.
 * Seeds (Pop3ReplyFuzzTestInputs) are Dovecot transcripts. The client may only succeed or throw an IOException.
 */
class Pop3ReplyFuzzTest {
  private static final ReplayServer SERVER = new ReplayServer();
  private static final TlsClient CLIENT = TlsClient.builder().timeout(Duration.ofSeconds(5)).build();

  @FuzzTest(maxDuration = "2m")
  void readsResponsesOrFailsTyped(byte[] transcript) throws InterruptedException {
    Thread server = SERVER.serveNext(transcript);
    // the only connection a fuzz input may cause is to our own replay server (Jazzer flags any other as SSRF)
    try (SilentCloseable allowed = BugDetectors.allowNetworkConnections((host, port) -> port == SERVER.port());
        Pop3Client pop = Pop3Client.connect(CLIENT, "127.0.0.1", SERVER.port(), TlsMode.NONE)) {
      assertThat(pop.greeting().ok()).isTrue();
      Pop3Stat stat = pop.stat();
      assertThat(stat.count()).isNotNegative();
      assertThat(stat.size()).isNotNegative();
      for (Pop3Listing l : pop.list()) assertThat(l.size()).isNotNegative();
      pop.uidl();
      pop.headers(1);
      assertThat(pop.retr(1).length).isLessThanOrEqualTo((int) Pop3Client.MAX_MESSAGE);
    } catch (IOException expected) {
      // ProtocolException, EOFException, or the peer closing: typed outcomes for a bad server
    }
    server.join(10_000);
  }
}
