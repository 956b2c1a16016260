package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsPolicy;
import dev.tlskit.Trust;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tlskit serve} against real clients on loopback: openssl s_client, swaks, curl. */
class ServeCommandTest {
  static final Duration T = Duration.ofSeconds(30);
  @TempDir static Path dir;

  @BeforeAll
  static void files() throws Exception {
    ServeTestFiles.create(dir);
  }

  String f(String name) {
    return dir.resolve(name).toString();
  }

  @Test
  void echoesOverImplicitTlsToOpensslAndLogsTheConnection() throws Exception {
    try (ServeRunner serve = new ServeRunner("--cert", f("server.pem"), "--key", f("server.key"))) {
      try (PeerProcess c = PeerProcess.start(dir, "openssl", "s_client", "-connect", "127.0.0.1:" + serve.port,
          "-servername", "localhost", "-CAfile", f("ca.pem"), "-verify_return_error", "-verify_hostname",
          "localhost")) {
        c.await("Verify return code: 0 \\(ok\\)", T);
        c.send("hello tls\n");
        c.await("hello tls", T);
        c.closeInput();
        c.waitFor(T);
      }
      serve.await("127\\.0\\.0\\.1:\\d+ closed TLSv1\\.3 TLS_AES_\\S+ sni=localhost");
    }
  }

  @Test
  void echoReturnsExactlyTheBytesItReceivedOverImplicitTlsAndAfterStarttls() throws Exception {
    byte[] payload = binaryPayload();
    TlsClient client = TlsClient.builder().policy(TlsPolicy.builder()
        .trust(Trust.fromFile(dir.resolve("ca.pem"), null)).build()).timeout(T).build();
    try (ServeRunner serve = new ServeRunner("--cert", f("server.pem"), "--key", f("server.key"));
        TlsConnection c = client.connectTls("127.0.0.1", serve.port, "localhost")) {
      assertThat(echo(c, payload)).isEqualTo(payload);
    }
    try (ServeRunner serve = new ServeRunner("--cert", f("server.pem"), "--key", f("server.key"), "--starttls");
        TlsConnection c = client.connectPlain("127.0.0.1", serve.port, "localhost")) {
      assertThat(c.readLine(256)).startsWith("OK ");
      byte[] plain = "bare\nlf, bare\rcr, nul\0 and \u00e9\r\n".getBytes(StandardCharsets.ISO_8859_1);
      assertThat(echo(c, plain)).as("plaintext before STARTTLS").isEqualTo(plain);
      c.output().write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
      c.output().flush();
      assertThat(c.readLine(256)).isEqualTo("OK begin TLS");
      c.upgradeToTls();
      assertThat(echo(c, payload)).as("over TLS after STARTTLS").isEqualTo(payload);
    }
  }

  @Test
  void aClientTurnedAwayByAFullServerIsToldItIsBusyNotAboutClientCertificates() throws Exception {
    TlsClient client = TlsClient.builder().policy(TlsPolicy.builder()
        .trust(Trust.fromFile(dir.resolve("ca.pem"), null)).build()).timeout(T).build();
    try (ServeRunner serve = new ServeRunner("--cert", f("server.pem"), "--key", f("server.key"),
        "--max-connections", "1");
        TlsConnection holder = client.connectTls("127.0.0.1", serve.port, "localhost")) {
      assertThat(echo(holder, "secured\n".getBytes(StandardCharsets.US_ASCII))).asString(StandardCharsets.US_ASCII)
          .isEqualTo("secured\n"); // the only slot, secured: a newcomer is refused, not served by shedding it
      MainTest.Result r = MainTest.run("connect", "127.0.0.1:" + serve.port, "--trust", f("ca.pem"), "--no-relay",
          "--timeout", "10");
      assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.NETWORK);
      assertThat(r.out() + r.err()).contains("Try: the server closed the connection during the handshake")
          .doesNotContain("client certificate").doesNotContain("--cert");
    }
    MainTest.Result contradictory = MainTest.run("serve", "--port", "0", "--self-signed", "--max-connections", "10",
        "--max-handshakes", "11");
    assertThat(contradictory.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(contradictory.err()).contains("--max-handshakes 11 exceeds --max-connections 10");
  }

  /** Every byte value, lone LF, lone CR, CRLF, LFCR, NUL runs and a line longer than any buffer. */
  private static byte[] binaryPayload() {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < 256; i++) b.write(i);
    b.writeBytes("a\nb\rc\r\nd\n\re\0\0\0".getBytes(StandardCharsets.ISO_8859_1));
    b.writeBytes(new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0x80, '\n', (byte) 0xc3, '\r'});
    byte[] big = new byte[100_000];
    new java.util.Random(9).nextBytes(big);
    b.writeBytes(big);
    b.write('\n');
    return b.toByteArray();
  }

  /** Writes {@code data} in slices of 8 KiB (so neither side's buffers fill) and reads back as many bytes each time. */
  private static byte[] echo(TlsConnection c, byte[] data) throws Exception {
    java.io.ByteArrayOutputStream back = new java.io.ByteArrayOutputStream();
    for (int off = 0; off < data.length; off += 8192) {
      int n = Math.min(8192, data.length - off);
      c.output().write(data, off, n);
      c.output().flush();
      back.writeBytes(c.input().readNBytes(n));
    }
    return back.toByteArray();
  }

  @Test
  void mutualTlsAdmitsOpensslWithAClientCertificateAndRefusesItWithout() throws Exception {
    try (ServeRunner serve = new ServeRunner("--cert", f("server.pem"), "--key", f("server.key"),
        "--client-auth", "need", "--trust", f("ca.pem"))) {
      try (PeerProcess c = PeerProcess.start(dir, "openssl", "s_client", "-connect", "127.0.0.1:" + serve.port,
          "-CAfile", f("ca.pem"), "-cert", f("alice.pem"), "-key", f("alice.key"))) {
        c.send("hi from alice\n");
        c.await("hi from alice", T);
        c.closeInput();
        c.waitFor(T);
      }
      serve.await("closed TLSv1\\.3 \\S+ client=CN=alice clientSha256=");
      // TLS 1.3: the client finishes first and hears the server's alert on its next read.
      try (PeerProcess c = PeerProcess.start(dir, "openssl", "s_client", "-connect", "127.0.0.1:" + serve.port,
          "-CAfile", f("ca.pem"))) {
        c.send("anyone?\n");
        c.await("alert certificate required", T);
      }
      serve.await("refused reason=CLIENT_CERTIFICATE_MISSING");
      try (PeerProcess c = PeerProcess.start(dir, "openssl", "s_client", "-connect", "127.0.0.1:" + serve.port,
          "-CAfile", f("ca.pem"), "-cert", f("mallory.pem"), "-key", f("mallory.key"))) {
        c.send("mallory here\n");
        c.await("alert (unknown ca|bad certificate|certificate unknown)", T);
      }
      serve.await("refused reason=CERTIFICATE_REJECTED");
    }
  }

  @Test
  void smtpSinkOffersStarttlsToOpensslAndAuthOnlyAfterIt() throws Exception {
    try (ServeRunner serve = new ServeRunner("--cert", f("server.pem"), "--key", f("server.key"),
        "--protocol", "smtp", "--starttls", "--spool", f("spool-openssl"))) {
      try (PeerProcess c = PeerProcess.start(dir, "openssl", "s_client", "-connect", "127.0.0.1:" + serve.port,
          "-starttls", "smtp", "-CAfile", f("ca.pem"), "-verify_return_error", "-crlf", "-quiet")) {
        c.send("EHLO client.test\n");
        c.await("250[- ]AUTH PLAIN LOGIN", T);
        c.send("QUIT\n");
        c.await("221 2\\.0\\.0", T);
        c.closeInput();
        c.waitFor(T);
      }
      serve.await("closed TLSv1\\.3");
      try (Socket s = new Socket("127.0.0.1", serve.port)) {
        s.setSoTimeout(10_000);
        BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        assertThat(r.readLine()).startsWith("220 ");
        s.getOutputStream().write("EHLO x\r\n".getBytes(StandardCharsets.US_ASCII));
        String line;
        StringBuilder ehlo = new StringBuilder();
        do {
          line = r.readLine();
          ehlo.append(line).append('\n');
        } while (line.startsWith("250-"));
        assertThat(ehlo).contains("STARTTLS").doesNotContain("AUTH");
        s.getOutputStream().write("AUTH PLAIN AHUAcA==\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(r.readLine()).startsWith("538 ");
      }
    }
  }

  @Test
  void sinkAnswersNothingPipelinedAfterStarttls() throws Exception {
    try (ServeRunner serve = new ServeRunner("--cert", f("server.pem"), "--key", f("server.key"),
        "--protocol", "smtp", "--starttls", "--spool", f("spool-inject"))) {
      try (Socket s = new Socket("127.0.0.1", serve.port)) {
        s.setSoTimeout(10_000);
        BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        assertThat(r.readLine()).startsWith("220 ");
        s.getOutputStream().write("EHLO x\r\n".getBytes(StandardCharsets.US_ASCII));
        while (r.readLine().startsWith("250-")) {
          // skip the capability lines
        }
        s.getOutputStream().write("STARTTLS\r\nEHLO x\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(r.readLine()).as("neither 220 nor an answer to the injected EHLO").isNull();
      }
      serve.await("refused reason=INJECTION_DETECTED");
    }
  }

  @Test
  void swaksDeliversThroughStarttlsAndAuthIntoTheSpool() throws Exception {
    Path spool = dir.resolve("spool-swaks");
    try (ServeRunner serve = new ServeRunner("--cert", f("server.pem"), "--key", f("server.key"),
        "--protocol", "smtp", "--starttls", "--spool", spool.toString())) {
      PeerProcess.Result r = PeerProcess.run(T, dir, "swaks", "--server", "127.0.0.1", "--port",
          String.valueOf(serve.port), "--from", "sender@example.test", "--to", "rcpt@example.test",
          "--tls", "--tls-verify", "--tls-ca-path", f("ca.pem"), "--auth", "PLAIN", "--auth-user", "u1",
          "--auth-password", "secret", "--header", "Subject: via swaks",
          "--body", "first line\n.leading dot\n..two dots\nlast line");
      assertThat(r.code()).as(r.output()).isZero();
      assertThat(r.output()).contains("235 2.7.0").contains("250 2.0.0 OK queued as");
      String eml = Files.readString(ServeRunner.onlyMessage(spool));
      assertThat(eml).contains("Return-Path: <sender@example.test>").contains("X-Tlskit-Rcpt: <rcpt@example.test>")
          .contains("with ESMTPSA (TLSv1.3").contains("user u1").contains("Subject: via swaks")
          .contains("\r\n.leading dot\r\n").contains("\r\n..two dots\r\n").doesNotContain("...two");
      serve.await("spooled .*\\.eml from <sender@example\\.test> to \\[rcpt@example\\.test] as u1");
    }
  }

  @Test
  void curlSendsMailOverStarttlsAndOverImplicitTls() throws Exception {
    Path msg = dir.resolve("curl-message.txt");
    Files.writeString(msg, "Subject: via curl\r\n\r\nhello from curl\r\n");
    Path spool = dir.resolve("spool-curl");
    try (ServeRunner serve = new ServeRunner("--cert", f("server.pem"), "--key", f("server.key"),
        "--protocol", "smtp", "--starttls", "--spool", spool.toString())) {
      PeerProcess.Result r = PeerProcess.run(T, dir, "curl", "-sS", "--ssl-reqd", "--cacert", f("ca.pem"),
          "smtp://127.0.0.1:" + serve.port, "--mail-from", "a@example.test", "--mail-rcpt", "b@example.test",
          "-u", "user:pw", "--upload-file", msg.toString());
      assertThat(r.code()).as(r.output()).isZero();
      assertThat(Files.readString(ServeRunner.onlyMessage(spool))).contains("hello from curl")
          .contains("ESMTPSA (TLSv1.3");
    }
    Path spool2 = dir.resolve("spool-curl-implicit");
    try (ServeRunner serve = new ServeRunner("--cert", f("server.pem"), "--key", f("server.key"),
        "--protocol", "smtp", "--spool", spool2.toString())) {
      PeerProcess.Result r = PeerProcess.run(T, dir, "curl", "-sS", "--cacert", f("ca.pem"),
          "smtps://127.0.0.1:" + serve.port, "--mail-from", "a@example.test", "--mail-rcpt", "b@example.test",
          "--upload-file", msg.toString());
      assertThat(r.code()).as(r.output()).isZero();
      assertThat(Files.readString(ServeRunner.onlyMessage(spool2))).contains("hello from curl")
          .contains("ESMTPS (TLSv1.3");
    }
  }

  @Test
  void selfSignedServesAThrowawayCertificateThatOpensslVerifiesWithThePrintedCa() throws Exception {
    try (ServeRunner serve = new ServeRunner("--self-signed")) {
      String ca = serve.await("trust its CA with --trust (\\S+)");
      try (PeerProcess c = PeerProcess.start(dir, "openssl", "s_client", "-connect", "127.0.0.1:" + serve.port,
          "-CAfile", ca, "-verify_return_error", "-verify_ip", "127.0.0.1")) {
        c.await("Verify return code: 0 \\(ok\\)", T);
        c.send("self-signed echo\n");
        c.await("self-signed echo", T);
      }
    }
  }

  @Test
  void alpnAndUnknownSniAreEnforcedForClientsUnderTest() throws Exception {
    try (ServeRunner serve = new ServeRunner("--cert", f("server.pem"), "--key", f("server.key"),
        "--alpn", "h2,http/1.1", "--reject-unknown-sni")) {
      try (PeerProcess c = PeerProcess.start(dir, "openssl", "s_client", "-connect", "127.0.0.1:" + serve.port,
          "-servername", "localhost", "-CAfile", f("ca.pem"), "-alpn", "http/1.1,h2")) {
        c.await("ALPN protocol: h2", T);
      }
      PeerProcess.Result wrongAlpn = PeerProcess.run(T, dir, "openssl", "s_client", "-connect",
          "127.0.0.1:" + serve.port, "-servername", "localhost", "-alpn", "imap");
      assertThat(wrongAlpn.output()).contains("no application protocol");
      PeerProcess.Result wrongName = PeerProcess.run(T, dir, "openssl", "s_client", "-connect",
          "127.0.0.1:" + serve.port, "-servername", "other.example");
      assertThat(wrongName.output()).contains("unrecognized name");
      serve.await("refused reason=ALPN_MISMATCH");
      serve.await("refused reason=UNRECOGNIZED_NAME");
    }
  }

  @Test
  void jsonLogWritesOneObjectPerConnection() throws Exception {
    try (ServeRunner serve = new ServeRunner("--cert", f("server.pem"), "--key", f("server.key"), "--json-log")) {
      try (PeerProcess c = PeerProcess.start(dir, "openssl", "s_client", "-connect", "127.0.0.1:" + serve.port,
          "-servername", "localhost", "-CAfile", f("ca.pem"))) {
        c.send("json please\n");
        c.await("json please", T);
      }
      String line = serve.await("(\\{\"time\":[^\n]*\"event\":\"closed\"[^\n]*})");
      assertThat(line).contains("\"tls\":true").contains("\"protocol\":\"TLSv1.3\"")
          .contains("\"sni\":\"localhost\"").contains("\"client\":null");
      PeerProcess.Result plain = PeerProcess.run(T, dir, "openssl", "s_client", "-tls1_1", "-cipher",
          "DEFAULT@SECLEVEL=0", "-connect", "127.0.0.1:" + serve.port);
      assertThat(plain.code()).isNotZero();
      serve.await("\\{\"time\":[^\n]*\"event\":\"refused\"[^\n]*\"reason\":\"PROTOCOL_VERSION\"");
    }
  }

  @Test
  void serveRefusesContradictoryOrMissingOptions() {
    MainTest.Result r = MainTest.run("serve", "--port", "0");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--cert").contains("--self-signed");
    r = MainTest.run("serve", "--port", "0", "--cert", f("server.pem"), "--key", f("server.key"),
        "--client-auth", "need");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--trust");
  }
}
