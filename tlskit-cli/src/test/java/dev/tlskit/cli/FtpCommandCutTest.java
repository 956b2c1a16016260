package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.ftp.testing.ImplicitFtpsPeer;
import dev.tlskit.ftp.testing.ImplicitFtpsPeer.End;
import dev.tlskit.testpeer.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tlskit ftp get} whose data connection is cut part way (a scripted implicit-FTPS peer that ends it under the
 * TLS layer, then reports success): a cut without close_notify is a security failure (exit 3), a reset a network
 * failure (exit 4); either way the local file is as it was, and the message, the hint and {@code --json} say what
 * LOCAL.part keeps and how to continue.
 */
class FtpCommandCutTest {
  private static final String PASSWORD_ENV = "TLSKIT_TEST_FTP_PASSWORD"; // set by the surefire configuration
  private static final int SENT = 100_000;
  private static final TestPki PKI = TestPki.get();

  @TempDir Path tmp;

  private MainTest.Result get(ImplicitFtpsPeer peer, Path local) {
    return MainTest.run("ftp", "get", "f.bin", local.toString(), "--server", "127.0.0.1:" + peer.port(),
        "--tls", "implicit", "--peer-name", "localhost", "--trust", PKI.caPem.toString(), "--user", "u",
        "--password-env", PASSWORD_ENV, "--json");
  }

  private static byte[] file() {
    byte[] b = new byte[2 * SENT];
    for (int i = 0; i < b.length; i++) b[i] = (byte) (i * 13 + 5);
    return b;
  }

  @Test
  void aDownloadCutWithoutCloseNotifyIsASecurityFailureThatKeepsWhatCame() throws Exception {
    Path local = Files.writeString(tmp.resolve("f.bin"), "the old local file");
    Path part = tmp.resolve("f.bin.part");
    MainTest.Result r;
    try (ImplicitFtpsPeer peer = ImplicitFtpsPeer.cutting(PKI, End.FIN, file(), SENT)) {
      r = get(peer, local);
    }
    assertThat(r.code()).as(r.err()).isEqualTo(3);
    long kept = Files.size(part);
    assertThat(kept).isPositive();
    assertThat(Files.readAllBytes(part)).isEqualTo(Arrays.copyOf(file(), (int) kept));
    assertThat(local).hasContent("the old local file");
    assertThat(r.err()).contains("without TLS close_notify").contains("may be truncated")
        .contains(local + " is untouched; " + part + " keeps the first " + kept + " bytes received")
        .contains("Try: 'tlskit ftp get --resume' continues " + part + " from byte " + kept);
    assertThat(r.out()).contains("\"reason\":\"TRUNCATED\"").contains("\"localFile\":{\"path\":\"" + local
        + "\",\"state\":\"UNTOUCHED\",\"partFile\":\"" + part + "\",\"bytesKept\":" + kept + ",\"complete\":false}");
  }

  @Test
  void aResetDownloadIsANetworkFailureThatSaysWhatWasKept() throws Exception {
    Path local = tmp.resolve("g.bin");
    MainTest.Result r;
    try (ImplicitFtpsPeer peer = ImplicitFtpsPeer.cutting(PKI, End.RESET, file(), SENT)) {
      r = get(peer, local);
    }
    assertThat(r.code()).as(r.err()).isEqualTo(4);
    assertThat(local).doesNotExist();
    assertThat(r.err()).contains(local + " is untouched")
        .contains("Try: the data connection was cut during the transfer; ")
        .doesNotContain("during the handshake");
    assertThat(r.out()).contains("\"localFile\":{\"path\":\"" + local + "\",\"state\":\"UNTOUCHED\"");
  }
}
