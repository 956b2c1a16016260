package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.certs.ExtendedKeyUsage;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.Pem;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tlskit connect} against real {@code openssl s_server}s and small in-test STARTTLS peers. */
class ConnectCommandTest {
  @TempDir static Path dir;
  static HeldCertificate root;
  static HeldCertificate ca;
  static Path rootPem;

  @BeforeAll
  static void pki() throws Exception {
    root = HeldCertificate.root("Connect Test Root");
    ca = HeldCertificate.intermediate("Connect Test CA", root);
    rootPem = dir.resolve("root.pem");
    Pem.writeCertificates(rootPem, List.of(root.certificate()));
  }

  /** Writes leaf.pem, leaf.key, chain.pem for {@code leaf} under a fresh name; returns {cert, key, chain}. */
  static Path[] files(HeldCertificate leaf, String name) throws Exception {
    Path cert = dir.resolve(name + ".pem");
    Path key = dir.resolve(name + ".key");
    Path chain = dir.resolve(name + "-chain.pem");
    Pem.writeCertificates(cert, List.of(leaf.certificate()));
    Pem.writePrivateKey(key, leaf.privateKey(), null);
    List<X509Certificate> issuers = leaf.chain().subList(1, leaf.chain().size());
    if (!issuers.isEmpty()) Pem.writeCertificates(chain, issuers);
    return new Path[] {cert, key, issuers.isEmpty() ? null : chain};
  }

  static OpensslPeer server(HeldCertificate leaf, String name, String... extra) throws Exception {
    Path[] f = files(leaf, name);
    return OpensslPeer.start(dir, f[0], f[1], f[2], extra);
  }

  static MainTest.Result connect(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "connect";
    System.arraycopy(args, 0, all, 1, args.length);
    all[all.length - 1] = "--timeout=10";
    return MainTest.run(all);
  }

  @Test
  void trustedServerExitsZeroAndPrintsTheSecurityInfo() throws Exception {
    try (OpensslPeer s = server(HeldCertificate.leaf(ca, "localhost"), "good")) {
      MainTest.Result r = connect("localhost:" + s.port, "--trust", rootPem.toString(), "--no-relay");
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).contains("Protocol:      TLSv1.3").contains("Validation: TRUSTED for localhost")
          .contains("CN=Connect Test CA");
      MainTest.Result json = connect("localhost:" + s.port, "--trust", rootPem.toString(), "--no-relay", "--json");
      assertThat(json.code()).isZero();
      assertThat(json.out()).startsWith("{").contains("\"trusted\":true").contains("\"verdict\":\"TRUSTED\"");
      MainTest.Result tls12 = connect("localhost:" + s.port, "--trust", rootPem.toString(), "--no-relay",
          "--tls-min", "1.3", "--pin", dev.tlskit.certs.Fingerprints.spkiPin(ca.certificate()));
      assertThat(tls12.code()).as(tls12.out()).isZero();
    }
  }

  @Test
  void untrustedServerExitsThreeNamingTheProblem() throws Exception {
    try (OpensslPeer s = server(HeldCertificate.leaf(ca, "localhost"), "untrusted")) {
      Path otherRoot = dir.resolve("other-root.pem");
      Pem.writeCertificates(otherRoot, List.of(HeldCertificate.root("Other Root").certificate()));
      MainTest.Result r = connect("localhost:" + s.port, "--trust", otherRoot.toString(), "--no-relay");
      assertThat(r.code()).isEqualTo(3);
      assertThat(r.out()).contains("REJECTED").contains("issuer not trusted: CN=Connect Test Root");
      MainTest.Result json = connect("localhost:" + s.port, "--no-relay", "--json");
      assertThat(json.code()).isEqualTo(3);
      assertThat(json.out()).contains("\"kind\":\"untrusted-issuer\"").contains("\"reason\":\"CERTIFICATE_REJECTED\"");
    }
  }

  @Test
  void wrongNameExitsThreeWithExpectedAndPresentedNames() throws Exception {
    try (OpensslPeer s = server(HeldCertificate.leaf(ca, "www.example.test"), "wrongname")) {
      MainTest.Result r = connect("127.0.0.1:" + s.port, "--trust", rootPem.toString(), "--peer-name",
          "mail.example.test", "--no-relay", "--json");
      assertThat(r.code()).isEqualTo(3);
      assertThat(r.out()).contains("\"kind\":\"name-mismatch\"").contains("\"expected\":\"mail.example.test\"")
          .contains("DNS:www.example.test");
    }
  }

  @Test
  void expiredServerExitsThree() throws Exception {
    HeldCertificate expired = HeldCertificate.builder().commonName("localhost").addDnsName("localhost")
        .signedBy(ca).expired().build();
    try (OpensslPeer s = server(expired, "expired")) {
      MainTest.Result r = connect("localhost:" + s.port, "--trust", rootPem.toString(), "--no-relay");
      assertThat(r.code()).isEqualTo(3);
      assertThat(r.out()).contains("certificate expired at");
    }
  }

  @Test
  void mutualTlsPresentsTheClientCertificateAndIsRefusedWithoutOne() throws Exception {
    HeldCertificate clientRoot = HeldCertificate.root("Client Root");
    HeldCertificate client = HeldCertificate.builder().commonName("alice").signedBy(clientRoot)
        .extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH).build();
    Path clientRootPem = dir.resolve("client-root.pem");
    Pem.writeCertificates(clientRootPem, List.of(clientRoot.certificate()));
    Path[] cf = files(client, "alice");
    try (OpensslPeer s = server(HeldCertificate.leaf(ca, "localhost"), "mtls",
        "-Verify", "1", "-CAfile", clientRootPem.toString())) {
      MainTest.Result ok = connect("localhost:" + s.port, "--trust", rootPem.toString(), "--cert",
          cf[0].toString(), "--key", cf[1].toString(), "--no-relay", "--json");
      assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
      assertThat(ok.out()).contains("\"localChain\":[{\"subject\":\"CN=alice\"");
      MainTest.Result refused = connect("localhost:" + s.port, "--trust", rootPem.toString(), "--no-relay");
      assertThat(refused.code()).isEqualTo(3);
      assertThat(refused.out()).contains("certificate_required").contains("--cert");
    }
  }

  @Test
  void stapledOcspResponseDecidesRevocation() throws Exception {
    HeldCertificate leaf = HeldCertificate.leaf(root, "localhost");
    Path rootKey = dir.resolve("root.key");
    if (!java.nio.file.Files.exists(rootKey)) Pem.writePrivateKey(rootKey, root.privateKey(), null);
    Path leafPem = files(leaf, "ocsp")[0];
    java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'")
        .withZone(java.time.ZoneOffset.UTC);
    String serial = leaf.certificate().getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
    if (serial.length() % 2 == 1) serial = "0" + serial;
    String expiry = f.format(java.time.Instant.now().plus(java.time.Duration.ofDays(1)));
    String revokedAt = f.format(java.time.Instant.now().minus(java.time.Duration.ofHours(1)));
    Path good = ocspResponse("good", "V\t" + expiry + "\t\t" + serial + "\tunknown\t/CN=localhost\n", leafPem,
        rootKey);
    Path revoked = ocspResponse("revoked", "R\t" + expiry + "\t" + revokedAt + "\t" + serial
        + "\tunknown\t/CN=localhost\n", leafPem, rootKey);
    try (OpensslPeer s = server(leaf, "ocsp", "-status_file", good.toString())) {
      MainTest.Result r = connect("localhost:" + s.port, "--trust", rootPem.toString(), "--revocation", "hard",
          "--no-relay");
      assertThat(r.code()).as(r.out() + r.err()).isZero(); // no responder URL: only the stapled answer can pass
    }
    try (OpensslPeer s = server(leaf, "ocsp", "-status_file", revoked.toString())) {
      MainTest.Result r = connect("localhost:" + s.port, "--trust", rootPem.toString(), "--revocation", "soft",
          "--no-relay", "--json");
      assertThat(r.code()).isEqualTo(3);
      assertThat(r.out()).contains("\"kind\":\"revoked\"");
    }
  }

  private static Path ocspResponse(String name, String index, Path cert, Path caKey) throws Exception {
    Path idx = java.nio.file.Files.writeString(dir.resolve(name + "-index.txt"), index);
    Path out = dir.resolve(name + ".ocsp");
    Process p = new ProcessBuilder("openssl", "ocsp", "-index", idx.toString(), "-rsigner", rootPem.toString(),
        "-rkey", caKey.toString(), "-CA", rootPem.toString(), "-issuer", rootPem.toString(), "-cert",
        cert.toString(), "-respout", out.toString(), "-ndays", "1").redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(log).isZero();
    return out;
  }

  @Test
  void relaysStdinToTheServerAndTheServerToStdout() throws Exception {
    try (OpensslPeer s = server(HeldCertificate.leaf(ca, "localhost"), "relay", "-rev")) {
      InputStream saved = ConnectCommand.stdin;
      ConnectCommand.stdin = new ByteArrayInputStream("hello relay\n".getBytes(StandardCharsets.UTF_8));
      try {
        MainTest.Result r = connect("localhost:" + s.port, "--trust", rootPem.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("yaler olleh"); // s_server -rev answers each line reversed
      } finally {
        ConnectCommand.stdin = saved;
      }
    }
  }

  @Test
  void starttlsSmtpUpgradesAndAStrippedOfferExitsThree() throws Exception {
    HeldCertificate leaf = HeldCertificate.leaf(ca, "localhost");
    try (SmtpPeer good = new SmtpPeer(leaf, true)) {
      MainTest.Result r = connect("localhost:" + good.port(), "--starttls", "smtp", "--trust", rootPem.toString(),
          "--no-relay");
      assertThat(r.code()).as(r.out() + r.err()).isZero();
      assertThat(r.out()).contains("C: STARTTLS").contains("S: 220 go ahead").contains("Validation: TRUSTED");
    }
    try (SmtpPeer stripped = new SmtpPeer(leaf, false)) {
      MainTest.Result r = connect("localhost:" + stripped.port(), "--starttls", "smtp", "--trust",
          rootPem.toString(), "--no-relay", "--json");
      assertThat(r.code()).isEqualTo(3);
      assertThat(r.out()).contains("UPGRADE_NOT_OFFERED").doesNotContain("C: STARTTLS");
    }
  }

  @Test
  void networkFailureExitsFourAndBadArgumentsTwo() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    MainTest.Result r = connect("127.0.0.1:" + port, "--no-relay");
    assertThat(r.code()).isEqualTo(4);
    assertThat(r.err()).contains("cannot connect");
    assertThat(connect("no-port-here").code()).isEqualTo(2);
    assertThat(connect("localhost:1", "--starttls", "gopher").code()).isEqualTo(2);
    assertThat(connect("localhost:1", "--pin", "md5/x").code()).isEqualTo(2);
  }

  /** A minimal SMTP server: greeting, EHLO (advertising STARTTLS or not), STARTTLS, then TLS echo. */
  static final class SmtpPeer implements AutoCloseable {
    private final ServerSocket server;

    SmtpPeer(HeldCertificate leaf, boolean offerStarttls) throws Exception {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("k", leaf.privateKey(), "pw".toCharArray(), leaf.chain().toArray(X509Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
      kmf.init(ks, "pw".toCharArray());
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
      Thread.ofVirtual().start(() -> {
        try (Socket s = server.accept()) {
          s.setSoTimeout(10_000);
          OutputStream out = s.getOutputStream();
          InputStream in = s.getInputStream();
          out.write("220 test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
          readLine(in);
          out.write((offerStarttls ? "250-test\r\n250 STARTTLS\r\n" : "250-test\r\n250 8BITMIME\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          if (!readLine(in).equals("STARTTLS")) return;
          out.write("220 go ahead\r\n".getBytes(StandardCharsets.US_ASCII));
          SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(s, null, s.getPort(), true);
          tls.setUseClientMode(false);
          tls.startHandshake();
          tls.getInputStream().transferTo(tls.getOutputStream());
        } catch (Exception ignored) {
          // the client decides the test
        }
      });
    }

    int port() {
      return server.getLocalPort();
    }

    private static String readLine(InputStream in) throws java.io.IOException {
      StringBuilder sb = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0 && c != '\n') if (c != '\r') sb.append((char) c);
      return sb.toString();
    }

    @Override
    public void close() throws java.io.IOException {
      server.close();
    }
  }
}
