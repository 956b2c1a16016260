package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.ftp.testing.FtpPeer;
import dev.tlskit.ftp.testing.Vsftpd;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tlskit ftp} end to end against a real vsftpd that requires TLS and session reuse. */
class FtpCommandTest {
  private static final String PASSWORD_ENV = "TLSKIT_TEST_FTP_PASSWORD"; // set by the surefire configuration

  @TempDir static Path tmp;
  private static Vsftpd server;

  @BeforeAll
  static void start() throws Exception {
    server = Vsftpd.start(Files.createDirectory(tmp.resolve("srv")), false, null);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) server.close();
  }

  private static MainTest.Result ftp(String sub, String... args) {
    return run(server, Vsftpd.USER, PASSWORD_ENV, sub, args);
  }

  /** Runs {@code tlskit ftp SUB} against {@code server}, trusting its certificate, then {@code args}. */
  static MainTest.Result run(FtpPeer server, String user, String passwordEnv, String sub, String... args) {
    String[] common = {"ftp", sub, "--server", "127.0.0.1:" + server.port, "--peer-name", "localhost",
        "--trust", server.cert.toString(), "--user", user, "--password-env", passwordEnv};
    String[] all = new String[common.length + args.length];
    System.arraycopy(common, 0, all, 0, common.length);
    System.arraycopy(args, 0, all, common.length, args.length);
    return MainTest.run(all);
  }

  @Test
  void putLsGetRmRoundTripWithResumedDataSessions() throws Exception {
    byte[] data = new byte[300_000];
    new Random(7).nextBytes(data);
    Path local = Files.write(tmp.resolve("up.bin"), data);

    MainTest.Result put = ftp("put", local.toString(), "cli.bin");
    assertThat(put.code()).as(put.err()).isZero();
    assertThat(put.out()).contains("STOR cli.bin: 300000 bytes").contains("control session resumed");

    MainTest.Result mkdir = ftp("mkdir", "made");
    assertThat(mkdir.code()).as(mkdir.err()).isZero();

    MainTest.Result ls = ftp("ls", "--json");
    assertThat(ls.code()).as(ls.err()).isZero();
    assertThat(ls.out()).contains("\"sessionResumed\":true").contains(" cli.bin\"").contains(" made\"");

    Path back = tmp.resolve("down.bin");
    MainTest.Result get = ftp("get", "cli.bin", back.toString(), "--json");
    assertThat(get.code()).as(get.err()).isZero();
    assertThat(get.out()).startsWith("{").contains("\"bytes\":300000").contains("\"dataProtocol\":\"TLSv1.3\"")
        .contains("\"sessionResumed\":true");
    assertThat(Files.readAllBytes(back)).isEqualTo(data);

    MainTest.Result rm = ftp("rm", "cli.bin");
    assertThat(rm.code()).as(rm.err()).isZero();
    assertThat(server.root.resolve("cli.bin")).doesNotExist();
  }

  @Test
  void groupsOnTheNativeEngineResumeDataConnectionsOnTls13() throws Exception {
    Files.writeString(server.root.resolve("pq.txt"), "pq");
    // vsftpd links OpenSSL 3.0, which has no hybrid group (and vsftpd sets P-256 as its one ECDH curve): offering
    // the hybrid lands on a classical group, and on BoringSSL every data connection resumes the control session on
    // TLS 1.3, as vsftpd requires
    MainTest.Result offer = ftp("ls", "--provider", "native", "--groups", "X25519MLKEM768,x25519,secp256r1",
        "--json");
    assertThat(offer.code()).as(offer.out() + offer.err()).isZero();
    assertThat(offer.out()).contains("\"dataProtocol\":\"TLSv1.3\"").contains("\"sessionResumed\":true")
        .containsPattern("\"dataKeyExchangeGroup\":\"(x25519|secp256r1)\"").contains("TlsKitNative");
    // the hybrid group alone: refused at AUTH TLS in the native engine's words, never a classical connection
    MainTest.Result require = ftp("ls", "--provider", "native", "--groups", "X25519MLKEM768");
    assertThat(require.code()).as(require.out() + require.err()).isEqualTo(3);
    assertThat(require.out() + require.err()).contains("post-quantum key exchange required").contains("native engine");
    // the JDK's engine with a hybrid group: BouncyCastle's JSSE, whose client does not resume TLS 1.3: vsftpd refuses
    MainTest.Result bc = ftp("ls", "--groups", "X25519MLKEM768,x25519,secp256r1");
    assertThat(bc.code()).as(bc.out() + bc.err()).isEqualTo(1);
    assertThat(bc.out() + bc.err()).contains("session reuse required").contains("add --provider native");
  }

  @Test
  void lsJsonGivesParsedListEntriesFromVsftpd() throws Exception {
    Path dir = Files.createDirectories(server.root.resolve("parsed"));
    Path file = Files.writeString(dir.resolve("a file.txt"), "hello");
    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.parse(
        "2020-02-03T04:05:06Z")));
    Files.createSymbolicLink(dir.resolve("ln"), Path.of("a file.txt"));

    MainTest.Result ls = ftp("ls", "parsed", "--json");
    assertThat(ls.code()).as(ls.err()).isZero();
    assertThat(ls.out()).contains("\"source\":\"LIST\"")
        .contains("{\"name\":\"a file.txt\",\"type\":\"file\",\"size\":5,\"modified\":\"2020-02-03T00:00:00Z\","
            + "\"linkTarget\":null,\"mode\":\"0640\"")
        .contains("{\"name\":\"ln\",\"type\":\"os.unix=symlink\",")
        .contains("\"linkTarget\":\"a file.txt\"")
        .contains("\"lines\":[\"");
  }

  @Test
  void asciiPutAndGetConvertLineEndings() throws Exception {
    Path text = Files.writeString(tmp.resolve("unix.txt"), "one\ntwo\n");
    MainTest.Result put = ftp("put", text.toString(), "ascii.txt", "--ascii");
    assertThat(put.code()).as(put.err()).isZero();
    // this vsftpd converts nothing itself: its disk holds the wire's CRLF
    assertThat(Files.readString(server.root.resolve("ascii.txt"))).isEqualTo("one\r\ntwo\r\n");
    Path back = tmp.resolve("ascii-back.txt");
    MainTest.Result get = ftp("get", "ascii.txt", back.toString(), "--ascii");
    assertThat(get.code()).as(get.err()).isZero();
    assertThat(Files.readString(back)).isEqualTo("one\ntwo\n");

    MainTest.Result kept = ftp("get", "ascii.txt", back.toString(), "--keep-alive", "1");
    assertThat(kept.code()).as(kept.err()).isZero();
    MainTest.Result zero = ftp("get", "ascii.txt", back.toString(), "--keep-alive", "0");
    assertThat(zero.code()).isEqualTo(2);
    assertThat(zero.err()).contains("--keep-alive");

    MainTest.Result both = ftp("get", "ascii.txt", back.toString(), "--ascii", "--resume");
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).contains("--ascii and --resume");
  }

  @Test
  void missingRemoteFileIsAServerRefusal() {
    MainTest.Result r = ftp("get", "no-such-file", tmp.resolve("x").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("550");
    assertThat(tmp.resolve("x")).doesNotExist();
  }

  @Test
  void untrustedServerIsASecurityFailure() {
    MainTest.Result r = MainTest.run("ftp", "ls", "--server", "127.0.0.1:" + server.port, "--user", Vsftpd.USER,
        "--password-env", PASSWORD_ENV);
    assertThat(r.code()).isEqualTo(3);
  }

  @Test
  void jsonCarriesTheSharedTlsAndErrorFieldsOnSuccessAndFailure() {
    MainTest.Result ok = ftp("mkdir", "json-dir", "--json");
    assertThat(ok.code()).as(ok.err()).isZero();
    // --tls auto (the default) on vsftpd's free port: decided by its greeting
    assertThat(ok.out())
        .contains("\"control\":{\"tlsMode\":\"STARTTLS\",\"tlsModeDecidedBy\":\"looking\",\"protocol\":\"TLSv1.3\"")
        .contains("\"security\":{\"protocol\":\"TLSv1.3\"").doesNotContain("\"dangerous\"");

    MainTest.Result untrusted = MainTest.run("ftp", "ls", "--server", "127.0.0.1:" + server.port, "--user",
        Vsftpd.USER, "--password-env", PASSWORD_ENV, "--json");
    assertThat(untrusted.code()).isEqualTo(3);
    assertThat(untrusted.out()).startsWith("{\"error\":").contains("\"exitCode\":3", "\"kind\":\"security\"",
        "\"reason\":\"CERTIFICATE_REJECTED\"", "\"validation\":{", "\"hint\":", "\"security\":null");
  }

  @Test
  void insecureClearDataIsReportedInTheJson() {
    // vsftpd here forces protected data, so it refuses the clear listing; the document still names the dangerous
    // flag, and what the control connection negotiated before the refusal
    MainTest.Result r = ftp("ls", "--insecure-clear-data", "--json");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("\"kind\":\"protocol\"", "Data connections must be encrypted",
        "\"dangerous\":[\"--insecure-clear-data: data connections are not encrypted\"]",
        "\"security\":{\"protocol\":\"TLSv1.3\"");
  }

  @Test
  void badTlsModeIsAUsageError() {
    MainTest.Result r = ftp("ls", "--tls", "sometimes");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--tls");
  }

  @Test
  void refusedAuthTlsIsASecurityFailure() throws Exception {
    try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        try (Socket s = fake.accept()) {
          s.getOutputStream().write("220 hi\r\n".getBytes(StandardCharsets.US_ASCII));
          s.getInputStream().read(new byte[64]);
          s.getOutputStream().write("534 no TLS\r\n".getBytes(StandardCharsets.US_ASCII));
          s.getInputStream().read();
        } catch (Exception ignored) {
          // asserted on the client side
        }
      });
      MainTest.Result r = MainTest.run("ftp", "ls", "--server", "127.0.0.1:" + fake.getLocalPort(), "--user", "u",
          "--password-env", PASSWORD_ENV);
      assertThat(r.code()).isEqualTo(3);
      assertThat(r.err()).contains("AUTH TLS");
    }
  }
}
