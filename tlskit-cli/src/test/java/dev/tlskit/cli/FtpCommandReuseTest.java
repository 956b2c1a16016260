package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.ftp.testing.FtpPeer;
import dev.tlskit.ftp.testing.PureFtpd;
import dev.tlskit.ftp.testing.Vsftpd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tlskit ftp} against servers that do not resume TLS 1.3 data sessions: pure-ftpd, which does not require it
 * (transfers work, reported as not resumed), and a vsftpd that requires it but issues no tickets (a typed refusal
 * naming reuse, exit 1, and uploads that say what they left; {@code --atomic} leaves the remote file intact).
 */
class FtpCommandReuseTest {
  @TempDir static Path tmp;
  private static PureFtpd pure;
  private static Vsftpd noTickets;
  private static byte[] old;

  @BeforeAll
  static void start() throws Exception {
    pure = PureFtpd.start(Files.createDirectory(tmp.resolve("pure")), null);
    noTickets = Vsftpd.startWithoutTickets(Files.createDirectory(tmp.resolve("vsftpd")));
    old = new byte[300_000];
    new Random(9).nextBytes(old);
  }

  @AfterAll
  static void stop() throws Exception {
    for (FtpPeer p : new FtpPeer[] {pure, noTickets}) {
      if (p != null) p.close();
    }
  }

  private static MainTest.Result ftp(FtpPeer server, String sub, String... args) {
    return server == pure // the passwords are set by the surefire configuration
        ? FtpCommandTest.run(server, PureFtpd.USER, "TLSKIT_TEST_PURE_FTP_PASSWORD", sub, args)
        : FtpCommandTest.run(server, Vsftpd.USER, "TLSKIT_TEST_FTP_PASSWORD", sub, args);
  }

  @Test
  void pureFtpdTransfersOverTls13WithoutResumptionAndSaysSo() throws Exception {
    byte[] data = new byte[200_000];
    new Random(3).nextBytes(data);
    Path local = Files.write(tmp.resolve("pure-up.bin"), data);
    pure.put("old.bin", old);

    MainTest.Result put = ftp(pure, "put", local.toString(), "old.bin");
    assertThat(put.code()).as(put.err()).isZero();
    assertThat(put.out()).contains("STOR old.bin: 200000 bytes").contains("TLSv1.3")
        .contains("the server did not resume");
    assertThat(Files.readAllBytes(pure.root.resolve("old.bin"))).isEqualTo(data);

    MainTest.Result ls = ftp(pure, "ls", "--json");
    assertThat(ls.code()).as(ls.err()).isZero();
    assertThat(ls.out()).contains("\"dataProtocol\":\"TLSv1.3\"").contains("\"sessionResumed\":false")
        .contains("old.bin");

    Path back = tmp.resolve("pure-back.bin");
    MainTest.Result get = ftp(pure, "get", "old.bin", back.toString(), "--json");
    assertThat(get.code()).as(get.err()).isZero();
    assertThat(get.out()).contains("\"bytes\":200000").contains("\"sessionResumed\":false");
    assertThat(Files.readAllBytes(back)).isEqualTo(data);

    Path dir = Files.createDirectory(tmp.resolve("into"));
    MainTest.Result into = ftp(pure, "get", "old.bin", dir.toString());
    assertThat(into.code()).as(into.err()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("old.bin"))).isEqualTo(data);

    pure.put("old.bin", old);
    MainTest.Result atomic = ftp(pure, "put", local.toString(), "old.bin", "--atomic", "--json");
    assertThat(atomic.code()).as(atomic.err()).isZero();
    assertThat(atomic.out()).contains("\"path\":\"old.bin\"").contains("\"atomic\":true");
    assertThat(Files.readAllBytes(pure.root.resolve("old.bin"))).isEqualTo(data);
    assertThat(leftovers(pure.root)).isEmpty();
  }

  @Test
  void refusalForMissingReuseIsATypedServerRefusalWithAHintAboutReuse() {
    MainTest.Result ls = ftp(noTickets, "ls");
    assertThat(ls.code()).as(ls.err()).isEqualTo(1);
    assertThat(ls.err()).contains("522 SSL connection failed: session reuse required")
        .contains("did not resume the control connection's TLS session");
    String hint = ls.err().substring(ls.err().indexOf("Try:"));
    assertThat(hint).contains("resume").doesNotContain("probe").doesNotContain("--cert")
        .doesNotContain("client certificate");

    MainTest.Result json = ftp(noTickets, "ls", "--json");
    assertThat(json.code()).isEqualTo(1);
    assertThat(json.out()).startsWith("{").contains("\"exitCode\":1").contains("\"replyCode\":\"522\"")
        .contains("\"sessionResumed\":false");
  }

  @Test
  void failedPutSaysWhatItLeftAndAtomicPutLeavesTheRemoteFileIntact() throws Exception {
    Path local = Files.writeString(tmp.resolve("small.txt"), "new content");
    noTickets.put("kept.bin", old);

    MainTest.Result atomic = ftp(noTickets, "put", local.toString(), "kept.bin", "--atomic", "--json");
    assertThat(atomic.code()).as(atomic.err()).isEqualTo(1);
    assertThat(atomic.err()).contains("the remote file kept.bin is untouched");
    assertThat(atomic.out()).contains("\"state\":\"UNTOUCHED\"");
    assertThat(Files.readAllBytes(noTickets.root.resolve("kept.bin"))).isEqualTo(old);

    MainTest.Result plain = ftp(noTickets, "put", local.toString(), "kept.bin", "--json");
    assertThat(plain.code()).as(plain.err()).isEqualTo(1);
    assertThat(plain.err()).contains("the remote file kept.bin may be truncated or partially written")
        .contains("300000 before the upload").contains("--atomic");
    assertThat(plain.out()).contains("\"state\":\"PARTIALLY_WRITTEN\"").contains("\"sizeBefore\":300000");
    assertThat(Files.size(noTickets.root.resolve("kept.bin"))).as("what the message warned of").isZero();
  }

  @Test
  void failedGetLeavesAnExistingLocalFileIntact() throws Exception {
    noTickets.put("remote.txt", "remote".getBytes());
    Path existing = Files.writeString(tmp.resolve("mine.txt"), "keep me");
    MainTest.Result get = ftp(noTickets, "get", "remote.txt", existing.toString(), "--json");
    assertThat(get.code()).as(get.err()).isEqualTo(1);
    assertThat(get.err()).contains(existing + " is untouched; nothing was received");
    assertThat(get.out()).contains("\"localFile\":{\"path\":\"" + existing + "\",\"state\":\"UNTOUCHED\","
        + "\"partFile\":null,\"bytesKept\":0,\"complete\":false}");
    assertThat(existing).hasContent("keep me");
    assertThat(tmp.resolve("mine.txt.part")).doesNotExist();
  }

  @Test
  void atomicAndResumeTogetherAreAUsageError() throws Exception {
    Path local = Files.writeString(tmp.resolve("u.txt"), "u");
    MainTest.Result r = ftp(pure, "put", local.toString(), "--atomic", "--resume");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--atomic").contains("--resume");
  }

  private static java.util.List<String> leftovers(Path root) throws Exception {
    try (Stream<Path> files = Files.list(root)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.contains(".tlskit-")).toList();
    }
  }
}
