package dev.tlskit.ftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.tlskit.SecurityInfo;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsPolicy;
import dev.tlskit.Trust;
import dev.tlskit.ftp.testing.ImplicitFtpsPeer;
import dev.tlskit.testpeer.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Every setting of the TLS client an FTP client is built with applies to its control and data connections. */
class FtpClientSettingsTest {
  private final TestPki pki = TestPki.get();

  private TlsClient.Builder tls() {
    return TlsClient.builder().policy(TlsPolicy.builder().trust(Trust.anchors(pki.ca.certificate())).build());
  }

  private static FtpSession login(FtpClient.Builder ftp, ImplicitFtpsPeer peer) throws Exception {
    FtpSession s = ftp.tlsMode(TlsMode.IMPLICIT).build().connect("127.0.0.1", peer.port(), "localhost");
    s.login("u", "p".toCharArray());
    return s;
  }

  @Test
  void dataConnectionHandshakeIsBoundedByTheHandshakeTimeoutNotTheReadTimeout() throws Exception {
    TlsClient client = tls().handshakeTimeout(Duration.ofMillis(700)).readTimeout(Duration.ofSeconds(50)).build();
    try (ImplicitFtpsPeer peer = new ImplicitFtpsPeer(pki, null, ImplicitFtpsPeer.STALL, "426 aborted");
        FtpSession s = login(FtpClient.builder().client(client), peer)) {
      assertTimeoutPreemptively(Duration.ofSeconds(40), () -> assertThatThrownBy(
          () -> s.retrieve("f", new ByteArrayOutputStream(), 0, TransferListener.NONE))
          .isInstanceOf(SocketTimeoutException.class)
          .hasMessage("TLS handshake on the data connection for RETR timed out after 700 ms"));
    }
  }

  @Test
  void dataConnectionWritesAreBoundedByTheWriteTimeout() throws Exception {
    TlsClient client = tls().writeTimeout(Duration.ofMillis(700)).build();
    FtpClient.Builder ftp = FtpClient.builder().client(client).dangerous().clearDataConnections();
    try (ImplicitFtpsPeer peer = new ImplicitFtpsPeer(pki, null, ImplicitFtpsPeer.STALL, "426 aborted");
        FtpSession s = login(ftp, peer)) {
      // a server that stops reading: without a write timeout the upload blocks for good once the buffers are full
      InputStream endless = new InputStream() {
        @Override
        public int read() {
          return 'x';
        }

        @Override
        public int read(byte[] b, int off, int len) {
          java.util.Arrays.fill(b, off, off + len, (byte) 'x');
          return len;
        }
      };
      assertTimeoutPreemptively(Duration.ofSeconds(40), () -> assertThatThrownBy(
          () -> s.store("f", endless, TransferListener.NONE))
          .isInstanceOf(UploadFailedException.class)
          .satisfies(e -> assertThat(e.getCause()).isInstanceOf(SocketTimeoutException.class)
              .hasMessageContaining("write timed out after 700 ms")));
    }
  }

  @Test
  void clearDataConnectionsAreReachedThroughDangerousLoggedAndReported() throws Exception {
    List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    Logger dangerous = Logger.getLogger("dev.tlskit.dangerous");
    Handler h = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getLevel() == Level.WARNING) warnings.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    dangerous.addHandler(h);
    try (ImplicitFtpsPeer peer = new ImplicitFtpsPeer(pki, null, ImplicitFtpsPeer.SEND_FILE, "226 done");
        FtpSession s = login(FtpClient.builder().client(tls().build()).dangerous().clearDataConnections(), peer)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      TransferResult r = s.retrieve("f", out, 0, TransferListener.NONE);
      assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("file body");
      assertThat(r.protection()).isEqualTo(DataProtection.CLEAR);
      assertThat(warnings).singleElement().satisfies(w -> {
        String msg = java.text.MessageFormat.format(w.getMessage(), w.getParameters());
        assertThat(msg).contains("DANGEROUS").contains("not encrypted (PROT C").contains("127.0.0.1");
      });
    } finally {
      dangerous.removeHandler(h);
    }
  }

  @Test
  void theHandshakeListenerOfTheTlsClientHearsTheControlConnection() throws Exception {
    List<SecurityInfo> heard = new CopyOnWriteArrayList<>();
    try (ImplicitFtpsPeer peer = new ImplicitFtpsPeer(pki, null, ImplicitFtpsPeer.CLOSE, "226 done");
        FtpSession s = login(FtpClient.builder().client(tls().onHandshake(heard::add).build()), peer)) {
      assertThat(heard).singleElement().satisfies(i -> {
        assertThat(i.peerName()).isEqualTo("localhost");
        assertThat(i.protocol()).isEqualTo(s.securityInfo().protocol());
      });
    }
  }
}
