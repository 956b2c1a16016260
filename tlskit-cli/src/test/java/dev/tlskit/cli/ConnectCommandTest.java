package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.certs.ExtendedKeyUsage;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.Pem;
import dev.tlskit.testpeer.ScriptedPeer;
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
import java.util.Map;
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
  void anEmptyPeerNameIsAUsageErrorBeforeAnythingIsDialled() {
    MainTest.Result r = connect("127.0.0.1:9", "--peer-name", "");
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("peer name must not be empty");
  }

  @Test
  void trustedServerExitsZeroAndPrintsTheSecurityInfo() throws Exception {
    try (OpensslPeer s = server(HeldCertificate.leaf(ca, "localhost"), "good")) {
      MainTest.Result r = connect("localhost:" + s.port, "--trust", rootPem.toString(), "--no-relay");
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).contains("Protocol:      TLSv1.3").contains("Validation: TRUSTED for localhost")
          .contains("CN=Connect Test CA")
          .contains("Key exchange:  x25519"); // OpenSSL's first group, read from its ServerHello
      MainTest.Result json = connect("localhost:" + s.port, "--trust", rootPem.toString(), "--no-relay", "--json");
      assertThat(json.code()).isZero();
      assertThat(json.out()).startsWith("{").contains("\"trusted\":true").contains("\"verdict\":\"TRUSTED\"")
          .contains("\"keyExchangeGroup\":\"x25519\"");
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
  void aCertificateNamingTheHostOnlyInItsCommonNameExitsThreeNamingTheMissingSubjectAltName() throws Exception {
    HeldCertificate cnOnly = HeldCertificate.builder().commonName("localhost").signedBy(ca).build();
    try (OpensslPeer s = server(cnOnly, "cn-only")) {
      MainTest.Result r = connect("localhost:" + s.port, "--trust", rootPem.toString(), "--no-relay");
      assertThat(r.code()).as(r.out() + r.err()).isEqualTo(3);
      assertThat(r.out() + r.err()).contains("REJECTED").contains("no subjectAltName (it needs DNS:localhost)")
          .contains("reissue it with the name as a subjectAltName");
      MainTest.Result json = connect("localhost:" + s.port, "--trust", rootPem.toString(), "--no-relay", "--json");
      assertThat(json.code()).isEqualTo(3);
      assertThat(json.out()).contains("\"kind\":\"missing-subject-alt-name\"", "\"expected\":\"localhost\"",
          "\"fallbackUsed\":false");
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
      // A SEC1 ("EC PRIVATE KEY") key, which core cannot read, and cert + key in one file, both through tlskit-certs.
      Path sec1 = java.nio.file.Files.writeString(dir.resolve("alice-sec1.key"),
          Pem.encodeTraditionalPrivateKey(client.privateKey()));
      assertThat(java.nio.file.Files.readString(sec1)).contains("BEGIN EC PRIVATE KEY");
      MainTest.Result sec1Ok = connect("localhost:" + s.port, "--trust", rootPem.toString(), "--cert",
          cf[0].toString(), "--key", sec1.toString(), "--no-relay");
      assertThat(sec1Ok.code()).as(sec1Ok.out() + sec1Ok.err()).isZero();
      Path combined = java.nio.file.Files.writeString(dir.resolve("alice-all.pem"),
          java.nio.file.Files.readString(cf[0]) + java.nio.file.Files.readString(cf[1]));
      MainTest.Result combinedOk = connect("localhost:" + s.port, "--trust", rootPem.toString(), "--cert",
          combined.toString(), "--no-relay");
      assertThat(combinedOk.code()).as(combinedOk.out() + combinedOk.err()).isZero();
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
    try (StartTlsPeer good = new StartTlsPeer(leaf, "220 test ESMTP",
        Map.of("EHLO tlskit.invalid", "250-test\r\n250 STARTTLS"), "STARTTLS", "220 go ahead")) {
      MainTest.Result r = connect("localhost:" + good.port(), "--starttls", "smtp", "--trust", rootPem.toString(),
          "--no-relay");
      assertThat(r.code()).as(r.out() + r.err()).isZero();
      assertThat(r.out()).contains("C: STARTTLS").contains("S: 220 go ahead").contains("Validation: TRUSTED");
    }
    try (StartTlsPeer stripped = new StartTlsPeer(leaf, "220 test ESMTP",
        Map.of("EHLO tlskit.invalid", "250-test\r\n250 8BITMIME"), "STARTTLS", "220 go ahead")) {
      MainTest.Result r = connect("localhost:" + stripped.port(), "--starttls", "smtp", "--trust",
          rootPem.toString(), "--no-relay", "--json");
      assertThat(r.code()).isEqualTo(3);
      assertThat(r.out()).contains("UPGRADE_NOT_OFFERED").doesNotContain("C: STARTTLS");
    }
  }

  @Test
  void starttlsImapPop3AndFtpUpgrade() throws Exception {
    HeldCertificate leaf = HeldCertificate.leaf(ca, "localhost");
    try (StartTlsPeer imap = new StartTlsPeer(leaf, "* OK ready",
        Map.of("a001 CAPABILITY", "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\na001 OK done"),
        "a002 STARTTLS", "a002 OK begin TLS");
        StartTlsPeer pop3 = new StartTlsPeer(leaf, "+OK ready", Map.of("CAPA", "+OK\r\nUSER\r\nSTLS\r\n."),
            "STLS", "+OK begin TLS");
        StartTlsPeer ftp = new StartTlsPeer(leaf, "220-welcome\r\n220 ready", Map.of(), "AUTH TLS",
            "234 AUTH TLS ok")) {
      for (var p : List.of(Map.entry("imap", imap), Map.entry("pop3", pop3), Map.entry("ftp", ftp))) {
        MainTest.Result r = connect("localhost:" + p.getValue().port(), "--starttls", p.getKey(), "--trust",
            rootPem.toString(), "--no-relay");
        assertThat(r.code()).as(p.getKey() + ": " + r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Validation: TRUSTED");
      }
    }
  }

  @Test
  void imapPreauthAndARefusedUpgradeExitThree() throws Exception {
    HeldCertificate leaf = HeldCertificate.leaf(ca, "localhost");
    try (StartTlsPeer preauth = new StartTlsPeer(leaf, "* PREAUTH welcome", Map.of(), "a002 STARTTLS", "a002 OK");
        StartTlsPeer refused = new StartTlsPeer(leaf, "220 ready", Map.of(), "AUTH TLS", "534 not now")) {
      MainTest.Result r = connect("localhost:" + preauth.port(), "--starttls", "imap", "--no-relay", "--json");
      assertThat(r.code()).isEqualTo(3);
      assertThat(r.out()).contains("PREAUTH_REFUSED");
      MainTest.Result f = connect("localhost:" + refused.port(), "--starttls", "ftp", "--no-relay");
      assertThat(f.code()).isEqualTo(3);
      assertThat(f.out()).contains("UPGRADE_REFUSED").contains("534 not now");
    }
  }

  @Test
  void starttlsAnsweredWithATlsAlertExitsThreeAtOnce() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 mx", "C: EHLO tlskit.invalid",
        "S: 250-mx\r\n250 STARTTLS", "C: STARTTLS", "HEX: 15 03 03 00 02 02 28")) {
      long start = System.nanoTime();
      MainTest.Result r = connect("127.0.0.1:" + peer.port(), "--starttls", "smtp", "--no-relay", "--json");
      // connect() sets --timeout=10; no line end follows the alert, so only recognising it ends the wait early
      assertThat(System.nanoTime() - start).isLessThan(10_000_000_000L);
      assertThat(r.code()).as(r.out() + r.err()).isEqualTo(3);
      assertThat(r.out()).contains("\"exitCode\":3,\"kind\":\"security\",\"reason\":\"UPGRADE_REFUSED\"")
          .contains("answered in TLS where a plaintext protocol line was expected: a TLS alert: fatal"
              + " handshake_failure (40)").contains("\"preamble\":[\"S: 220 mx\"");
    }
  }

  @Test
  void starttlsReplyFollowedByInjectedPlaintextExitsThree() throws Exception {
    HeldCertificate leaf = HeldCertificate.leaf(ca, "localhost");
    // The upgrade reply and a forged one in a single write, as in CVE-2011-0411.
    try (StartTlsPeer injecting = new StartTlsPeer(leaf, "220 test ESMTP",
        Map.of("EHLO tlskit.invalid", "250-test\r\n250 STARTTLS"), "STARTTLS", "220 go ahead\r\n250 injected")) {
      MainTest.Result r = connect("localhost:" + injecting.port(), "--starttls", "smtp", "--trust",
          rootPem.toString(), "--no-relay");
      assertThat(r.code()).as(r.out() + r.err()).isEqualTo(3);
      assertThat(r.out()).contains("INJECTION_DETECTED").contains("250 injected").doesNotContain("Validation:");
    }
  }

  @Test
  void ftpFeatListingWithoutAuthTlsIsNotOfferedAndAuthTlsIsNeverSent() throws Exception {
    HeldCertificate leaf = HeldCertificate.leaf(ca, "localhost");
    try (StartTlsPeer ftp = new StartTlsPeer(leaf, "220 ready",
        Map.of("FEAT", "211-Features:\r\n MDTM\r\n SIZE\r\n211 End"), "AUTH TLS", "234 go")) {
      MainTest.Result r = connect("localhost:" + ftp.port(), "--starttls", "ftp", "--no-relay", "--json");
      assertThat(r.code()).isEqualTo(3);
      assertThat(r.out()).contains("UPGRADE_NOT_OFFERED").contains("C: FEAT").doesNotContain("C: AUTH TLS");
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
    assertThat(connect("localhost:1", "--proxy", "ftp://proxy:21").code()).isEqualTo(2);
    assertThat(connect("localhost:1", "--proxy", "socks5://u:secret@proxy:1080").err())
        .contains("environment variable");
  }

  /** A plaintext server that answers scripted commands, upgrades on one command, then echoes over TLS. */
  static final class StartTlsPeer implements AutoCloseable {
    private final ServerSocket server;

    StartTlsPeer(HeldCertificate leaf, String greeting, Map<String, String> replies, String upgrade,
        String upgradeReply) throws Exception {
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
          out.write((greeting + "\r\n").getBytes(StandardCharsets.US_ASCII));
          while (true) {
            String line = readLine(in);
            if (line == null) return;
            if (sameCommand(upgrade, line)) {
              out.write((retag(upgrade, line, upgradeReply) + "\r\n").getBytes(StandardCharsets.US_ASCII));
              if (!Character.isDigit(upgradeReply.charAt(0)) || upgradeReply.startsWith("2")) break;
              continue;
            }
            String reply = replies.entrySet().stream().filter(e -> sameCommand(e.getKey(), line))
                .map(e -> retag(e.getKey(), line, e.getValue())).findFirst().orElse("500 unknown");
            out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
          }
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

    /** True when {@code line} is the scripted command, a scripted IMAP tag ("a001 ") standing for any tag. */
    private static boolean sameCommand(String scripted, String line) {
      if (scripted.equals(line)) return true;
      int sp = line.indexOf(' ');
      return scripted.matches("a\\d{3} .*") && sp > 0 && line.substring(sp + 1).equals(scripted.substring(5));
    }

    /** Returns the scripted reply with the scripted IMAP tag replaced by the one the client sent. */
    private static String retag(String scripted, String line, String reply) {
      return scripted.matches("a\\d{3} .*") ? reply.replace(scripted.substring(0, 4), line.substring(0,
          line.indexOf(' '))) : reply;
    }

    private static String readLine(InputStream in) throws java.io.IOException {
      StringBuilder sb = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0 && c != '\n') if (c != '\r') sb.append((char) c);
      return c < 0 && sb.isEmpty() ? null : sb.toString();
    }

    @Override
    public void close() throws java.io.IOException {
      server.close();
    }
  }
}
