package dev.tlskit.nativetls;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.Trust;
import dev.tlskit.ftp.DataTlsProvider;
import dev.tlskit.ftp.DownloadFailedException;
import dev.tlskit.ftp.FtpClient;
import dev.tlskit.ftp.FtpSession;
import dev.tlskit.ftp.TransferListener;
import dev.tlskit.ftp.testing.ImplicitFtpsPeer;
import dev.tlskit.ftp.testing.ImplicitFtpsPeer.End;
import dev.tlskit.testpeer.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A protected FTPS data connection that ends early, on the JDK's engine and on the native one alike: a TCP FIN with no
 * close_notify after part of the file (a crash, or a man in the middle cutting it while the server reports success)
 * is a {@link TlsSecurityException} with reason {@code TRUNCATED} that says the data may be truncated and, for a
 * download to a file, a {@code DownloadFailedException} with it as the cause, saying what the local files hold; a
 * reset and a stall are network errors in bounded time. Never a success. The server is a scripted implicit-FTPS peer (the JDK's TLS 1.3 on both connections) whose data connection
 * is layered over a raw socket it can cut under the TLS layer. The data path is the same on both providers
 * ({@code EngineSocket} over the provider's {@code SSLEngine}); the engines differ in what they do at the cut.
 */
class NativeFtpsTruncationTest {
  private static final int SENT = 100_000; // several records, then the cut
  private static final Duration READ_TIMEOUT = Duration.ofMillis(700);
  private static final TestPki PKI = TestPki.get();

  @TempDir Path tmp;

  private static FtpClient client(String provider) {
    TlsPolicy trust = TlsPolicy.builder().trust(Trust.anchors(PKI.ca.certificate())).build();
    TlsClient tls = TlsClient.builder()
        .policy(provider.equals("native") ? trust.toBuilder().provider(NativeTls.provider()).build() : trust)
        .timeout(Duration.ofSeconds(10)).readTimeout(READ_TIMEOUT).build();
    FtpClient.Builder ftp = FtpClient.builder().client(tls).tlsMode(TlsMode.IMPLICIT);
    if (provider.equals("bc")) ftp.dataTlsProvider(DataTlsProvider.BOUNCY_CASTLE); // BouncyCastle's own socket
    return ftp.build();
  }

  private static byte[] file() {
    byte[] b = new byte[2 * SENT];
    for (int i = 0; i < b.length; i++) b[i] = (byte) (i * 31 + 7);
    return b;
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "native", "bc"})
  void aCleanlyClosedDataConnectionIsACompleteTransfer(String provider) throws Exception {
    byte[] all = Arrays.copyOf(file(), SENT);
    try (ImplicitFtpsPeer peer = peer(End.CLEAN, all);
        FtpSession s = client(provider).connect("127.0.0.1", peer.port(), "localhost")) {
      s.login("u", "p".toCharArray());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      s.retrieve("f.bin", out, 0, TransferListener.NONE);
      assertThat(out.toByteArray()).isEqualTo(all);
      assertThat(s.lastTransfer().protection().protocol()).isEqualTo("TLSv1.3");
    }
  }

  /** The server (or someone on the path) sends FIN without close_notify after part of the file, then says 226. */
  @ParameterizedTest
  @ValueSource(strings = {"jdk", "native", "bc"})
  void aDownloadCutWithoutCloseNotifyIsTruncationNeverSuccess(String provider) throws Exception {
    for (int sent : new int[] {SENT, 1}) {
      try (ImplicitFtpsPeer peer = peer(End.FIN, Arrays.copyOf(file(), sent + 1));
          FtpSession s = client(provider).connect("127.0.0.1", peer.port(), "localhost")) {
        s.login("u", "p".toCharArray());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThatThrownBy(() -> s.retrieve("f.bin", out, 0, TransferListener.NONE))
            .as("%s, %d bytes sent", provider, sent)
            .isInstanceOfSatisfying(TlsSecurityException.class, e -> {
              assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.TRUNCATED);
              assertThat(e.getMessage()).contains("RETR f.bin").contains("without TLS close_notify")
                  .contains("may be truncated");
            });
        assertThat(out.size()).isLessThanOrEqualTo(sent);
        s.noop(); // the control connection stays in step: the server's 226 was read
      }
    }
  }

  /** Downloading to a file: the final name is never created, and the message says what the .part file holds. */
  @ParameterizedTest
  @ValueSource(strings = {"jdk", "native", "bc"})
  void aTruncatedDownloadToAFileSaysWhatTheLocalFileHolds(String provider) throws Exception {
    Path local = tmp.resolve("f.bin");
    Path part = tmp.resolve("f.bin.part");
    try (ImplicitFtpsPeer peer = peer(End.FIN, file());
        FtpSession s = client(provider).connect("127.0.0.1", peer.port(), "localhost")) {
      s.login("u", "p".toCharArray());
      assertThatThrownBy(() -> s.download("f.bin", local, false, TransferListener.NONE))
          .isInstanceOfSatisfying(DownloadFailedException.class, e -> {
            assertThat(e.getCause()).isInstanceOfSatisfying(TlsSecurityException.class,
                t -> assertThat(t.reason()).isEqualTo(TlsSecurityException.Reason.TRUNCATED));
            assertThat(e.getMessage()).contains("may be truncated")
                .contains(local + " is untouched")
                .contains(part + " keeps the first " + sizeOf(part) + " bytes received");
            assertThat(e.partFile()).contains(part);
            assertThat(e.bytesKept()).isEqualTo(sizeOf(part)).isPositive();
            assertThat(e.isComplete()).isFalse();
          });
    }
    assertThat(local).doesNotExist();
    assertThat(Files.readAllBytes(part)).isEqualTo(Arrays.copyOf(file(), (int) sizeOf(part)));
  }

  /** A reset is a network error, and a download to a file says what it kept, never touching the local file. */
  @ParameterizedTest
  @ValueSource(strings = {"jdk", "native"})
  void aResetDownloadToAFileKeepsWhatCameAndLeavesTheLocalFileAsItWas(String provider) throws Exception {
    Path local = Files.writeString(tmp.resolve("g.bin"), "the old local file");
    Path part = tmp.resolve("g.bin.part");
    try (ImplicitFtpsPeer peer = peer(End.RESET, file());
        FtpSession s = client(provider).connect("127.0.0.1", peer.port(), "localhost")) {
      s.login("u", "p".toCharArray());
      assertThatThrownBy(() -> s.download("f.bin", local, false, TransferListener.NONE))
          .isInstanceOfSatisfying(DownloadFailedException.class, e -> {
            assertThat(e.getCause()).isInstanceOf(SocketException.class).hasMessageContaining("reset");
            assertThat(e.getMessage()).contains(local + " is untouched");
            assertThat(e.localFile()).isEqualTo(local);
            if (e.bytesKept() > 0) {
              assertThat(e.partFile()).contains(part);
              assertThat(e.getMessage()).contains(part + " keeps the first " + e.bytesKept() + " bytes");
            } else {
              assertThat(e.partFile()).isEmpty();
              assertThat(part).doesNotExist();
            }
          });
    }
    assertThat(local).hasContent("the old local file");
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "native", "bc"})
  void aListingCutWithoutCloseNotifyIsTruncation(String provider) throws Exception {
    byte[] listing = "a.txt\r\nb.txt\r\nc.txt\r\n".repeat(5_000).getBytes(US_ASCII);
    try (ImplicitFtpsPeer peer = peer(End.FIN, listing);
        FtpSession s = client(provider).connect("127.0.0.1", peer.port(), "localhost")) {
      s.login("u", "p".toCharArray());
      assertThatThrownBy(() -> s.names(null)).isInstanceOfSatisfying(TlsSecurityException.class, e -> {
        assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.TRUNCATED);
        assertThat(e.getMessage()).contains("NLST").contains("may be truncated");
      });
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "native", "bc"})
  void aResetDataConnectionIsANetworkError(String provider) throws Exception {
    try (ImplicitFtpsPeer peer = peer(End.RESET, file());
        FtpSession s = client(provider).connect("127.0.0.1", peer.port(), "localhost")) {
      s.login("u", "p".toCharArray());
      assertThatThrownBy(() -> s.retrieve("f.bin", OutputStream.nullOutputStream(), 0, TransferListener.NONE))
          .isInstanceOf(SocketException.class).hasMessageContaining("reset");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "native", "bc"})
  void aStalledDataConnectionTimesOutWithinTheReadTimeout(String provider) throws Exception {
    try (ImplicitFtpsPeer peer = peer(End.STALL, file());
        FtpSession s = client(provider).connect("127.0.0.1", peer.port(), "localhost")) {
      s.login("u", "p".toCharArray());
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> s.retrieve("f.bin", OutputStream.nullOutputStream(), 0, TransferListener.NONE))
          .isInstanceOf(SocketTimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static ImplicitFtpsPeer peer(End end, byte[] body) throws Exception {
    return ImplicitFtpsPeer.cutting(PKI, end, body, SENT);
  }
}
