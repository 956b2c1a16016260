package dev.tlskit.nativetls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.TlsClient;
import dev.tlskit.ftp.DataProtection;
import dev.tlskit.ftp.FtpClient;
import dev.tlskit.ftp.FtpSession;
import dev.tlskit.ftp.TransferListener;
import dev.tlskit.ftp.TransferResult;
import dev.tlskit.ftp.testing.Proftpd;
import dev.tlskit.ftp.testing.Vsftpd;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FTPS on the native engine against vsftpd with {@code require_ssl_reuse=YES}: every data connection must resume
 * the control connection's session, on TLS 1.3 (tickets) and on TLS 1.2 (where the JDK's provider needs
 * BouncyCastle; BoringSSL resumes by itself, so the session stays native).
 */
class NativeFtpsTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void dataConnectionsResumeTheControlSessionOnTheNativeEngine(String version) throws Exception {
    try (Vsftpd v = Vsftpd.start(Files.createDirectory(tmp.resolve("v")), false,
        version.equals("TLSv1.2") ? "TLSv1.2" : null)) {
      byte[] file = new byte[3 * 1024 * 1024 + 17];
      new Random(7).nextBytes(file);
      v.put("big.bin", file);
      TlsClient tls = TlsClient.builder().policy(v.policy().toBuilder().provider(NativeTls.provider()).build())
          .build();
      try (FtpSession s = FtpClient.builder().client(tls).build().connect("127.0.0.1", v.port, "localhost")) {
        s.login(Vsftpd.USER, Vsftpd.PASSWORD.toCharArray());
        assertThat(s.securityInfo().protocol()).isEqualTo(version);
        for (int i = 0; i < 3; i++) {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          TransferResult r = s.retrieve("big.bin", out, 0, TransferListener.NONE);
          assertThat(out.toByteArray()).isEqualTo(file);
          DataProtection p = r.protection();
          assertThat(p.protocol()).isEqualTo(version);
          assertThat(p.sessionResumed()).as("download %d resumed", i).isTrue();
          assertThat(p.mechanism()).startsWith("TlsKitNative");
        }
        s.store("up.bin", new ByteArrayInputStream(file), TransferListener.NONE);
        assertThat(s.lastTransfer().protection().sessionResumed()).isTrue();
        assertThat(s.names("")).contains("big.bin", "up.bin");
      }
    }
  }

  /**
   * TLS 1.3 tickets are single-use, and BoringSSL ignores tickets that arrive after its own close_notify: an upload's
   * data connection, which reads nothing, must take the server's new ticket before closing, or a later data connection
   * finds none left (vsftpd refused the third upload in a row with 522). Small uploads (closed within a round trip
   * of the handshake) and larger ones, then a listing.
   */
  @Test
  void uploadsInARowEachLeaveATicketForTheNextDataConnection() throws Exception {
    try (Vsftpd v = Vsftpd.start(Files.createDirectory(tmp.resolve("v")), false, null)) {
      byte[] file = new byte[300_000];
      new Random(11).nextBytes(file);
      TlsClient tls = TlsClient.builder().policy(v.policy().toBuilder().provider(NativeTls.provider()).build())
          .build();
      try (FtpSession s = FtpClient.builder().client(tls).build().connect("127.0.0.1", v.port, "localhost")) {
        s.login(Vsftpd.USER, Vsftpd.PASSWORD.toCharArray());
        assertThat(s.securityInfo().protocol()).isEqualTo("TLSv1.3");
        for (int i = 0; i < 6; i++) {
          byte[] content = i % 2 == 0 ? ("small " + i).getBytes(StandardCharsets.US_ASCII) : file;
          s.store("u" + i + ".bin", new ByteArrayInputStream(content), TransferListener.NONE);
          assertThat(s.lastTransfer().protection().sessionResumed()).as("upload %d resumed", i).isTrue();
          assertThat(s.lastTransfer().bytes()).isEqualTo(content.length);
        }
        assertThat(s.names("")).contains("u0.bin", "u5.bin");
        assertThat(s.lastTransfer().protection().sessionResumed()).isTrue();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        s.retrieve("u5.bin", out, 0, TransferListener.NONE);
        assertThat(out.toByteArray()).isEqualTo(file);
        s.quit();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void clearCommandChannelEndsNativeTlsCleanlyAndDataStaysProtected(String version) throws Exception {
    try (Proftpd p = Proftpd.start(Files.createDirectory(tmp.resolve("p")), version, "auth+data")) {
      p.put("c.txt", "cleared".getBytes(StandardCharsets.US_ASCII));
      TlsClient tls = TlsClient.builder().policy(p.policy().toBuilder().provider(NativeTls.provider()).build())
          .build();
      FtpClient.Builder b = FtpClient.builder().client(tls);
      b.dangerous().allowClearCommandChannel();
      try (FtpSession s = b.build().connect("127.0.0.1", p.port, "localhost")) {
        s.login(Proftpd.USER, Proftpd.PASSWORD.toCharArray());
        s.clearCommandChannel(); // close_notify both ways, then plaintext on the same TCP connection
        assertThat(s.commandChannelCleared()).isTrue();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TransferResult r = s.retrieve("c.txt", out, 0, TransferListener.NONE);
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("cleared");
        assertThat(r.protection().tls()).isTrue();
        assertThat(r.protection().sessionResumed()).isTrue();
        assertThat(s.pwd()).isEqualTo("/");
        s.quit();
      }
      assertThat(p.tlsLog()).contains("clearing control channel protection");
    }
  }
}
