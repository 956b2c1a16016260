package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.TlsServer;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.Pem;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tlskit connect} with a client certificate the server refuses (TLS 1.3: the refusal comes after the client's
 * handshake) exits 3 and says so, in every run; it used to print TRUSTED and exit 0 in most runs.
 */
class ConnectClientCertRefusalTest {
  static final int RUNS = 5;

  @TempDir static Path dir;
  static TlsServer smtp;
  static Path caPem;
  static Path[] alice;
  static Path[] mallory;

  @BeforeAll
  static void start() throws Exception {
    caPem = dir.resolve("ca.pem");
    Pem.writeCertificates(caPem, List.of(LoopbackServers.CA.certificate()));
    alice = files(LoopbackServers.CLIENT, "alice");
    HeldCertificate otherCa = HeldCertificate.root("Other CA");
    mallory = files(HeldCertificate.builder().commonName("mallory").signedBy(otherCa).build(), "mallory");
    smtp = LoopbackServers.smtpSink(dir.resolve("spool")).clientAuth(TlsServer.ClientAuth.NEED)
        .trustedClientIssuers(List.of(LoopbackServers.CA.certificate())).start();
  }

  @AfterAll
  static void stop() {
    if (smtp != null) smtp.shutdown(Duration.ofSeconds(1));
  }

  static Path[] files(HeldCertificate leaf, String name) throws Exception {
    Path cert = dir.resolve(name + ".pem");
    Path key = dir.resolve(name + ".key");
    Pem.writeCertificates(cert, leaf.chain());
    Pem.writePrivateKey(key, leaf.privateKey(), null);
    return new Path[] {cert, key};
  }

  /** Runs connect with {@code stdin} relayed (null: --no-relay). */
  static MainTest.Result connect(String stdin, Path[] cert, String target, String... extra) {
    List<String> args = new ArrayList<>(List.of("connect", target, "--trust", caPem.toString(), "--timeout=10"));
    if (cert != null) args.addAll(List.of("--cert", cert[0].toString(), "--key", cert[1].toString()));
    if (stdin == null) args.add("--no-relay");
    args.addAll(List.of(extra));
    InputStream saved = ConnectCommand.stdin;
    if (stdin != null) ConnectCommand.stdin = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.US_ASCII));
    try {
      return MainTest.run(args.toArray(String[]::new));
    } finally {
      ConnectCommand.stdin = saved;
    }
  }

  static void assertRefused(MainTest.Result r, String presented) {
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.SECURITY);
    assertThat(r.out()).contains("CLIENT_CERTIFICATE_REFUSED").contains("refused our client certificate")
        .contains(presented).doesNotContain("Validation: TRUSTED");
  }

  @Test
  void starttlsWithACertificateFromAnotherCaExits3EveryTime() {
    String target = "localhost:" + smtp.port();
    for (int i = 0; i < RUNS; i++) {
      assertRefused(connect("EHLO me\r\nQUIT\r\n", mallory, target, "--starttls", "smtp"), "CN=mallory");
      MainTest.Result json = connect(null, mallory, target, "--starttls", "smtp", "--json");
      assertThat(json.code()).as(json.out()).isEqualTo(ExitCodes.SECURITY);
      assertThat(json.out()).contains("\"connected\":false").contains("\"reason\":\"CLIENT_CERTIFICATE_REFUSED\"")
          .doesNotContain("\"connected\":true");
    }
  }

  @Test
  void starttlsWithoutACertificateExits3EveryTime() {
    String target = "localhost:" + smtp.port();
    for (int i = 0; i < RUNS; i++) {
      MainTest.Result r = connect("EHLO me\r\nQUIT\r\n", null, target, "--starttls", "smtp");
      assertRefused(r, "we presented no client certificate");
      assertThat(r.out()).contains("certificate_required").contains("--cert");
    }
  }

  @Test
  void starttlsWithTheRightCertificateStillConnects() {
    MainTest.Result r = connect("EHLO me\r\nQUIT\r\n", alice, "localhost:" + smtp.port(), "--starttls", "smtp");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("Validation: TRUSTED").contains("250");
  }

  @Test
  void opensslRefusingACertificateFromAnotherCaExits3() throws Exception {
    HeldCertificate server = HeldCertificate.leaf(LoopbackServers.CA, "localhost");
    Path[] f = files(server, "openssl-server");
    try (OpensslPeer s = OpensslPeer.start(dir, f[0], f[1], null, "-tls1_3", "-Verify", "1",
        "-verify_return_error", "-CAfile", caPem.toString())) {
      for (int i = 0; i < RUNS; i++) {
        assertRefused(connect(null, mallory, "localhost:" + s.port), "CN=mallory");
        assertRefused(connect("hello\n", mallory, "localhost:" + s.port), "CN=mallory");
      }
    }
  }

  @Test
  void aResetByAPeerThatAskedForNoCertificateIsANetworkError() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread resetter = Thread.ofVirtual().start(() -> {
        try (Socket s = server.accept()) {
          s.getInputStream().read(new byte[512]); // the ClientHello: no certificate is ever asked for
          s.setSoLinger(true, 0); // close with a TCP reset
        } catch (Exception ignored) {
          // the test fails on the client side
        }
      });
      MainTest.Result r = connect("hello\n", mallory, "127.0.0.1:" + server.getLocalPort());
      resetter.join(Duration.ofSeconds(5));
      assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.NETWORK);
      assertThat(r.out() + r.err()).doesNotContain("CLIENT_CERTIFICATE_REFUSED");
    }
  }
}
