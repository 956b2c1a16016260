package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.ftp.testing.Proftpd;
import dev.tlskit.ftp.testing.Vsftpd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tlskit ftp ... --insecure-ccc}: a ProFTPD that allows CCC, and a vsftpd that does not know it. */
class FtpCommandCccTest {
  private static final String PROFTPD_ENV = "TLSKIT_TEST_PROFTPD_PASSWORD"; // set by the surefire configuration
  private static final String VSFTPD_ENV = "TLSKIT_TEST_FTP_PASSWORD";

  @TempDir static Path tmp;
  private static Proftpd proftpd;
  private static Vsftpd vsftpd;

  @BeforeAll
  static void start() throws Exception {
    proftpd = Proftpd.start(Files.createDirectory(tmp.resolve("p")), "TLSv1.3", "auth+data");
    vsftpd = Vsftpd.start(Files.createDirectory(tmp.resolve("v")), false, null);
  }

  @AfterAll
  static void stop() throws Exception {
    if (proftpd != null) proftpd.close();
    if (vsftpd != null) vsftpd.close();
  }

  @Test
  void cccClearsTheControlConnectionAndSaysSo() throws Exception {
    proftpd.put("ccc.txt", "after ccc".getBytes(StandardCharsets.US_ASCII));
    Path back = tmp.resolve("ccc-back.txt");
    MainTest.Result get = FtpCommandTest.run(proftpd, Proftpd.USER, PROFTPD_ENV, "get", "ccc.txt", back.toString(),
        "--insecure-ccc", "--json");
    assertThat(get.code()).as(get.err()).isZero();
    assertThat(back).hasContent("after ccc");
    assertThat(get.out()).contains("\"clearedAfterLogin\":true", "\"dataTls\":true",
        "\"dangerous\":[\"--insecure-ccc: the control connection is plaintext after login (CCC)\"]");
    assertThat(proftpd.tlsLog()).contains("clearing control channel protection");
  }

  @Test
  void aServerWithoutCccRefusesIt() {
    MainTest.Result ls = FtpCommandTest.run(vsftpd, Vsftpd.USER, VSFTPD_ENV, "ls", "--insecure-ccc", "--json");
    assertThat(ls.code()).isEqualTo(1);
    assertThat(ls.out()).contains("\"kind\":\"protocol\"", "CCC", "--insecure-ccc");
  }
}
