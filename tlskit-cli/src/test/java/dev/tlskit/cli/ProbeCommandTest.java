package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.TlsPolicy;
import dev.tlskit.Trust;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.KeyType;
import dev.tlskit.probe.CipherSuite;
import dev.tlskit.probe.Finding;
import dev.tlskit.probe.NamedGroup;
import dev.tlskit.probe.ProbeJson;
import dev.tlskit.probe.ProbeReport;
import dev.tlskit.probe.ProbeText;
import dev.tlskit.probe.Prober;
import dev.tlskit.probe.Starttls;
import dev.tlskit.probe.Target;
import dev.tlskit.probe.TlsVersion;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tlskit probe} against openssl s_server and TlsServer configured in different ways, on loopback. */
class ProbeCommandTest {
  @TempDir static Path dir;
  static ProbeCommandPeers peers;

  @BeforeAll
  static void pki() {
    peers = new ProbeCommandPeers(dir);
  }

  @AfterAll
  static void stop() {
    peers.close();
  }

  private static ProbeReport probe(int port, Trust trust, Starttls starttls) throws IOException {
    return probe(port, trust, starttls, Prober.DEFAULT_MAX_HANDSHAKES);
  }

  private static ProbeReport probe(int port, Trust trust, Starttls starttls, int maxHandshakes) throws IOException {
    Target t = new Target("127.0.0.1", port, "localhost", starttls, Duration.ofSeconds(5));
    return new Prober(t, TlsPolicy.builder().trust(trust).build(), maxHandshakes, Duration.ofMinutes(2),
        Prober.DEFAULT_ALPN, null).run();
  }

  private Trust trust() {
    return Trust.anchors(peers.root.certificate());
  }

  private static List<Integer> codes(ProbeReport r, TlsVersion v) {
    return r.version(v).suites().stream().map(CipherSuite::code).toList();
  }

  private static Map<String, Finding.Severity> findings(ProbeReport r) {
    return r.findings().stream().collect(Collectors.toMap(Finding::id, Finding::severity, (a, b) -> a));
  }

  @Test
  void tls12OnlyServerShowsOnlyTls12ItsSuitesAndTheClientsOrder() throws Exception {
    int port = peers.openssl(peers.goodLeaf(), "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256:"
        + "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305");
    ProbeReport r = probe(port, trust(), null);

    assertThat(r.acceptedVersions()).containsExactly(TlsVersion.TLS_1_2);
    assertThat(r.version(TlsVersion.TLS_1_3).refusal()).contains("protocol_version");
    assertThat(codes(r, TlsVersion.TLS_1_2)).containsExactlyInAnyOrder(0xC02B, 0xC02C, 0xCCA9);
    assertThat(r.version(TlsVersion.TLS_1_2).serverOrder()).isFalse();
    assertThat(r.groupsTls12()).extracting(NamedGroup::name).contains("x25519", "secp256r1");
    assertThat(r.resumption()).containsEntry(TlsVersion.TLS_1_2, true);
    assertThat(r.secureRenegotiation()).isTrue();
    assertThat(r.extendedMasterSecret()).isTrue();
    assertThat(r.chain()).hasSize(2);
    assertThat(r.validation().trusted()).isTrue();
    assertThat(r.alpn().accepted()).isEmpty();
    assertThat(findings(r)).containsEntry("no-tls13", Finding.Severity.LOW).doesNotContainKey("cbc-suites");
    assertThat(r.verdict()).isEqualTo(ProbeReport.Verdict.GOOD);
    assertThat(r.complete()).isTrue();
  }

  @Test
  void tls13OnlyServerShowsItsSuitesGroupsAlpnAndResumption() throws Exception {
    int port = peers.openssl(peers.goodLeaf(), "-tls1_3",
        "-ciphersuites", "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256", "-groups", "X25519:P-384",
        "-alpn", "h2");
    ProbeReport r = probe(port, trust(), null);

    assertThat(r.acceptedVersions()).containsExactly(TlsVersion.TLS_1_3);
    assertThat(codes(r, TlsVersion.TLS_1_3)).containsExactlyInAnyOrder(0x1302, 0x1303);
    assertThat(r.groupsTls13()).extracting(NamedGroup::name).containsExactly("x25519", "secp384r1");
    assertThat(r.alpn().accepted()).containsExactly("h2");
    assertThat(r.alpn().selectedFromAll()).isEqualTo("h2");
    assertThat(r.resumption()).containsEntry(TlsVersion.TLS_1_3, true);
    assertThat(r.chain()).hasSize(2);
    assertThat(r.secureRenegotiation()).isNull();
    assertThat(r.worstSeverity()).isEqualTo(Finding.Severity.INFO);
    assertThat(r.verdict()).isEqualTo(ProbeReport.Verdict.GOOD);
  }

  @Test
  void serverThatEnforcesItsOrderIsToldApartAndListedInItsOrder() throws Exception {
    int port = peers.openssl(peers.goodLeaf(), "-tls1_2", "-serverpref", "-cipher",
        "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256");
    ProbeReport r = probe(port, trust(), null);

    assertThat(r.version(TlsVersion.TLS_1_2).serverOrder()).isTrue();
    assertThat(codes(r, TlsVersion.TLS_1_2)).containsExactly(0xC02C, 0xC02B);
  }

  @Test
  void serverWithoutSessionCacheOrTicketsIsNotResumed() throws Exception {
    int port = peers.openssl(peers.goodLeaf(), "-tls1_2", "-no_cache", "-no_ticket");
    ProbeReport r = probe(port, trust(), null);

    assertThat(r.resumption()).containsEntry(TlsVersion.TLS_1_2, false);
    assertThat(findings(r)).containsEntry("no-resumption", Finding.Severity.INFO);
  }

  @Test
  void tls12ResumptionIsCheckedOnItsOwnWhenTls13IsNegotiated() throws Exception {
    int port = peers.openssl(peers.goodLeaf(), "-no_ticket"); // TLS 1.2 resumes by session ID, 1.3 by cache
    ProbeReport r = probe(port, trust(), null);

    assertThat(r.acceptedVersions()).contains(TlsVersion.TLS_1_3, TlsVersion.TLS_1_2);
    assertThat(r.resumption()).containsEntry(TlsVersion.TLS_1_3, true).containsEntry(TlsVersion.TLS_1_2, true);
    assertThat(ProbeJson.tree(r).get("resumption").toString()).isEqualTo("{TLS 1.3=true, TLS 1.2=true}");
    assertThat(ProbeText.render(r)).contains("resumption:  TLS 1.2 yes [session ID offered]");
    assertThat(r.tls12SessionId()).isTrue();
    assertThat(r.tls12Ticket()).isFalse();
    assertThat(findings(r)).doesNotContainKey("no-resumption");
  }

  @Test
  void tls12WithoutSessionCacheOrTicketsIsReportedNotResumedBesideTls13() throws Exception {
    int port = peers.openssl(peers.goodLeaf(), "-no_cache", "-no_ticket");
    ProbeReport r = probe(port, trust(), null);

    assertThat(r.resumption()).containsEntry(TlsVersion.TLS_1_2, false);
    assertThat(r.findings()).anyMatch(f -> f.id().equals("no-resumption") && f.title().startsWith("TLS 1.2"));
    assertThat(ProbeText.render(r)).contains("resumption:  TLS 1.2 no (no session ID or ticket issued)");
    assertThat(r.resumable()).containsEntry(TlsVersion.TLS_1_2, false);
  }

  @Test
  void tls12TicketIsToldApartFromASessionId() throws Exception {
    int port = peers.openssl(peers.goodLeaf(), "-tls1_2");
    ProbeReport r = probe(port, trust(), null);

    assertThat(r.resumption()).containsEntry(TlsVersion.TLS_1_2, true);
    assertThat(r.tls12Ticket()).isTrue();
    assertThat(ProbeJson.tree(r).get("tls12SessionOffer").toString()).contains("ticket=true");
  }

  @Test
  void pureFtpdIsWarnedThatFtpsDataConnectionsOverTls13CannotReuseTheSession() throws Exception {
    int port = peers.pureFtpd(peers.goodLeaf());
    ProbeReport r = probe(port, trust(), Starttls.FTP);

    assertThat(r.resumable()).containsEntry(TlsVersion.TLS_1_3, false).containsEntry(TlsVersion.TLS_1_2, true);
    assertThat(r.resumption()).containsEntry(TlsVersion.TLS_1_3, false).containsEntry(TlsVersion.TLS_1_2, true);
    assertThat(findings(r)).containsEntry("ftps-data-reuse", Finding.Severity.LOW);
    assertThat(r.findings()).filteredOn(f -> f.id().equals("ftps-data-reuse")).singleElement()
        .satisfies(f -> assertThat(f.title()).contains("TLS 1.3").doesNotContain("TLS 1.2"));
    assertThat(ProbeText.render(r)).contains("resumption:  TLS 1.3 no (no session ticket issued)");
  }

  @Test
  void vsftpdWhoseSessionsResumeOnlyInItsOwnProcessGetsNoFtpsReuseWarning() throws Exception {
    int port = peers.vsftpd(peers.goodLeaf());
    ProbeReport r = probe(port, trust(), Starttls.FTP);

    // vsftpd forks per connection and keeps TLS 1.2 sessions per process: a new connection cannot resume them,
    // the data connections of the same control connection can
    assertThat(r.resumable()).containsEntry(TlsVersion.TLS_1_2, true).containsEntry(TlsVersion.TLS_1_3, true);
    assertThat(findings(r)).doesNotContainKey("ftps-data-reuse");
  }

  @Test
  void serverWithOnlySuitesTheJdkLacksIsStillDescribedFromTheRawHellos() throws Exception {
    int port = peers.openssl(peers.goodLeaf(), "-tls1_2", "-cipher", "ECDHE-ECDSA-CAMELLIA128-SHA256");
    ProbeReport r = probe(port, trust(), null);

    assertThat(codes(r, TlsVersion.TLS_1_2)).containsExactly(0xC072);
    assertThat(r.notes()).anyMatch(n -> n.contains("JDK client could not complete"));
    assertThat(r.chain()).hasSize(2);
    assertThat(r.validation().trusted()).isTrue();
    assertThat(r.alpn()).isNull();
    assertThat(findings(r)).containsEntry("no-modern-suite", Finding.Severity.MEDIUM)
        .containsEntry("cbc-suites", Finding.Severity.LOW);
  }

  @Test
  void legacyServerWithTls10CbcAndRsaKeyExchangeIsBad() throws Exception {
    HeldCertificate rsa = peers.leaf().keyType(KeyType.RSA_2048).build();
    int port = peers.openssl(rsa, "-min_protocol", "TLSv1", "-legacy_renegotiation", "-cipher",
        "AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0");
    ProbeReport r = probe(port, trust(), null);

    assertThat(r.acceptedVersions())
        .containsExactly(TlsVersion.TLS_1_3, TlsVersion.TLS_1_2, TlsVersion.TLS_1_1, TlsVersion.TLS_1_0);
    assertThat(codes(r, TlsVersion.TLS_1_0)).containsExactlyInAnyOrder(0x002F, 0xC013);
    assertThat(codes(r, TlsVersion.TLS_1_2)).containsExactlyInAnyOrder(0x002F, 0xC013, 0xC02F);
    assertThat(findings(r))
        .containsEntry("tls10-offered", Finding.Severity.HIGH)
        .containsEntry("tls11-offered", Finding.Severity.HIGH)
        .containsEntry("non-forward-secret-suites", Finding.Severity.MEDIUM)
        .containsEntry("cbc-suites", Finding.Severity.LOW)
        .containsKey("client-order-tls-1-2");
    assertThat(r.verdict()).isEqualTo(ProbeReport.Verdict.BAD);

    MainTest.Result cli = MainTest.run("probe", "127.0.0.1:" + port, "--peer-name", "localhost",
        "--trust", peers.rootPem().toString(), "--timeout", "5");
    assertThat(cli.code()).isEqualTo(3);
    assertThat(cli.out()).contains("TLS 1.0 is accepted").contains("Verdict: BAD");
  }

  @Test
  void nullAndAnonymousSuitesAndSmallDhPrimeAreFindings() throws Exception {
    Path dh = dir.resolve("dh1024-" + System.nanoTime() + ".pem");
    Process gen = new ProcessBuilder(ProbeCommandPeers.OPENSSL, "dhparam", "-out", dh.toString(), "1024")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(gen.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    int port = peers.openssl(peers.leaf().keyType(KeyType.RSA_2048).build(), "-tls1_2", "-dhparam", dh.toString(),
        "-cipher", "ECDHE-RSA-NULL-SHA:DHE-RSA-AES128-GCM-SHA256:ADH-AES128-SHA:@SECLEVEL=0");
    ProbeReport r = probe(port, trust(), null);

    assertThat(codes(r, TlsVersion.TLS_1_2)).containsExactlyInAnyOrder(0xC010, 0x009E, 0x0034);
    assertThat(r.dhBits()).isEqualTo(1024);
    assertThat(findings(r))
        .containsEntry("broken-cipher", Finding.Severity.CRITICAL)
        .containsEntry("weak-dh", Finding.Severity.MEDIUM)
        .containsEntry("no-modern-suite", Finding.Severity.MEDIUM);
    assertThat(r.findings().get(0).severity()).isEqualTo(Finding.Severity.CRITICAL);
  }

  @Test
  void anonymousDhPrimeIsMeasuredWhenNoSignedDheSuiteIsAccepted() throws Exception {
    Path dh = peers.ffdheParams("ffdhe2048");
    int port = peers.openssl(peers.leaf().keyType(KeyType.RSA_2048).build(), "-tls1_2", "-dhparam", dh.toString(),
        "-cipher", "ECDHE-RSA-AES128-GCM-SHA256:ADH-AES128-SHA:@SECLEVEL=0");
    ProbeReport r = probe(port, trust(), null);

    assertThat(codes(r, TlsVersion.TLS_1_2)).containsExactlyInAnyOrder(0xC02F, 0x0034);
    assertThat(r.dhBits()).isEqualTo(2048);
  }

  @Test
  void expiredCertificateIsAHighFindingAndExitsThree() throws Exception {
    Instant now = Instant.now();
    int port = peers.openssl(peers.leaf().validity(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)))
        .build(), "-tls1_3");
    ProbeReport r = probe(port, trust(), null);

    assertThat(findings(r)).containsEntry("certificate-expired", Finding.Severity.HIGH);
    assertThat(r.verdict()).isEqualTo(ProbeReport.Verdict.BAD);
    MainTest.Result cli = MainTest.run("probe", "127.0.0.1:" + port, "--peer-name", "localhost",
        "--trust", peers.rootPem().toString(), "--json", "--timeout", "5");
    assertThat(cli.code()).isEqualTo(3);
    assertThat(cli.out()).startsWith("{\"schema\":\"tlskit-probe/1\"").contains("\"verdict\":\"BAD\"")
        .contains("\"id\":\"certificate-expired\"").contains("\"kind\":\"expired\"");
  }

  @Test
  void certificateExpiringWithinThirtyDaysMakesTheVerdictWeakButExitsZero() throws Exception {
    int port = peers.openssl(peers.leaf().validFor(Duration.ofDays(10)).build(), "-tls1_3");
    ProbeReport r = probe(port, trust(), null);

    assertThat(findings(r)).containsEntry("certificate-expiring", Finding.Severity.MEDIUM);
    assertThat(r.verdict()).isEqualTo(ProbeReport.Verdict.WEAK);
    MainTest.Result cli = MainTest.run("probe", "127.0.0.1:" + port, "--peer-name", "localhost",
        "--trust", peers.rootPem().toString(), "--timeout", "5");
    assertThat(cli.code()).isZero();
  }

  @Test
  void nameMismatchAndUnknownIssuerAreFindings() throws Exception {
    HeldCertificate other = HeldCertificate.builder().commonName("other.example")
        .addSubjectAlternativeName("other.example").signedBy(peers.intermediate).validFor(Duration.ofDays(90))
        .build();
    int port = peers.openssl(other, "-tls1_3");

    ProbeReport mismatch = probe(port, trust(), null);
    assertThat(findings(mismatch)).containsEntry("certificate-name-mismatch", Finding.Severity.HIGH);
    assertThat(mismatch.validation().problems().toString()).contains("other.example");

    // Against the system roots the chain ends at an intermediate whose issuer nobody there knows (the validator
    // calls it an untrusted issuer or an incomplete chain).
    ProbeReport untrusted = probe(port, Trust.system(), null);
    assertThat(untrusted.validation().trusted()).isFalse();
    assertThat(findings(untrusted).keySet())
        .containsAnyOf("certificate-untrusted-issuer", "certificate-incomplete-chain");
    assertThat(untrusted.verdict()).isEqualTo(ProbeReport.Verdict.BAD);
  }

  @Test
  void weakRsaKeyIsAHighFinding() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(1024);
    int port = peers.openssl(peers.leaf().keyPair(g.generateKeyPair()).build(), "-tls1_2",
        "-cipher", "DEFAULT:@SECLEVEL=0");
    ProbeReport r = probe(port, trust(), null);

    assertThat(findings(r)).containsEntry("certificate-weak-key", Finding.Severity.HIGH);
  }

  @Test
  void stapledOcspResponseIsSeenOverTls12AndTls13() throws Exception {
    HeldCertificate leaf = peers.goodLeaf();
    Path staple = peers.file("ocsp-" + System.nanoTime() + ".der", peers.ocspGood(leaf));
    int tls13 = peers.openssl(leaf, "-tls1_3", "-status_file", staple.toString());
    int tls12 = peers.openssl(leaf, "-tls1_2", "-status_file", staple.toString());
    int none = peers.openssl(leaf, "-tls1_3");

    assertThat(probe(tls13, trust(), null).ocspStapled()).isTrue();
    assertThat(probe(tls12, trust(), null).ocspStapled()).isTrue();
    ProbeReport r = probe(none, trust(), null);
    assertThat(r.ocspStapled()).isFalse();
    assertThat(findings(r)).containsEntry("no-ocsp-stapling", Finding.Severity.INFO);
  }

  @Test
  void starttlsSmtpShowsCapabilitiesBeforeAndAfterTheUpgrade() throws Exception {
    int port = peers.smtp(peers.goodLeaf(), true);
    ProbeReport r = probe(port, trust(), Starttls.SMTP);

    assertThat(r.starttls().offered()).isTrue();
    assertThat(r.starttls().before()).contains("STARTTLS").doesNotContain("AUTH PLAIN");
    assertThat(r.starttls().added()).containsExactly("AUTH PLAIN");
    assertThat(r.starttls().removed()).containsExactly("STARTTLS");
    assertThat(r.acceptedVersions()).containsExactly(TlsVersion.TLS_1_3, TlsVersion.TLS_1_2);
    assertThat(r.validation().trusted()).isTrue();
    assertThat(findings(r)).containsKey("starttls-capabilities-changed");
    assertThat(r.verdict()).isEqualTo(ProbeReport.Verdict.GOOD);
  }

  @Test
  void explicitFtpsOnRealVsftpdIsProbedThroughAuthTls() throws Exception {
    int port = peers.vsftpd(peers.leaf().keyType(KeyType.RSA_2048).build());
    ProbeReport r = probe(port, trust(), Starttls.FTP);

    assertThat(r.starttls().offered()).isTrue();
    assertThat(r.starttls().before()).contains("AUTH TLS");
    assertThat(r.acceptedVersions()).contains(TlsVersion.TLS_1_2).doesNotContain(TlsVersion.TLS_1_0);
    assertThat(codes(r, TlsVersion.TLS_1_2)).containsExactlyInAnyOrder(0xC02F, 0xC030);
    assertThat(r.validation().trusted()).isTrue();
    assertThat(r.verdict()).isEqualTo(ProbeReport.Verdict.GOOD);
  }

  @Test
  void imapStarttlsAndPop3StlsOnRealDovecotAreProbed() throws Exception {
    int[] ports = peers.dovecot(peers.goodLeaf());

    ProbeReport imap = probe(ports[0], trust(), Starttls.IMAP);
    assertThat(imap.starttls().before()).contains("STARTTLS");
    assertThat(imap.starttls().removed()).containsExactly("STARTTLS");
    assertThat(imap.acceptedVersions()).contains(TlsVersion.TLS_1_3, TlsVersion.TLS_1_2);
    assertThat(imap.validation().trusted()).isTrue();

    ProbeReport pop3 = probe(ports[1], trust(), Starttls.POP3);
    assertThat(pop3.starttls().before()).contains("STLS");
    assertThat(pop3.starttls().removed()).containsExactly("STLS");
    assertThat(pop3.acceptedVersions()).isEqualTo(imap.acceptedVersions());
    assertThat(pop3.acceptedSuites()).isEqualTo(imap.acceptedSuites());
  }

  @Test
  void starttlsNotOfferedIsCriticalAndExitsThree() throws Exception {
    int port = peers.smtp(peers.goodLeaf(), false);
    ProbeReport r = probe(port, trust(), Starttls.SMTP);

    assertThat(r.starttls().offered()).isFalse();
    assertThat(findings(r)).containsEntry("starttls-not-offered", Finding.Severity.CRITICAL);
    assertThat(r.handshakes()).isEqualTo(1);
    MainTest.Result cli = MainTest.run("probe", "127.0.0.1:" + port, "--starttls", "smtp", "--timeout", "5");
    assertThat(cli.code()).isEqualTo(3);
    assertThat(cli.out()).contains("does not offer the TLS upgrade");
  }

  @Test
  void unreachablePortExitsFourWithJsonSayingSo() throws Exception {
    int port = ProbeCommandPeers.freePort();
    MainTest.Result r = MainTest.run("probe", "127.0.0.1:" + port, "--json", "--timeout", "2");
    assertThat(r.code()).isEqualTo(4);
    assertThat(r.out()).contains("\"verdict\":\"UNREACHABLE\"").contains("\"port\":" + port);

    MainTest.Result v6 = MainTest.run("probe", "[::1]:" + port, "--json", "--timeout", "2");
    assertThat(v6.code()).isEqualTo(4);
    assertThat(v6.out()).contains("\"host\":\"::1\"");
  }

  @Test
  void silentServerTimesOutAndExitsFour() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      long start = System.nanoTime();
      MainTest.Result r = MainTest.run("probe", "127.0.0.1:" + s.getLocalPort(), "--timeout", "1");
      assertThat(r.code()).isEqualTo(4);
      assertThat(r.err()).contains("timed out");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void portThatDoesNotSpeakTlsExitsOne() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread t = Thread.ofVirtual().start(() -> {
        while (!s.isClosed()) {
          try (Socket c = s.accept()) {
            OutputStream out = c.getOutputStream();
            out.write("220 plain text service ready\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            c.getInputStream().read(new byte[1024]);
          } catch (IOException closed) {
            return;
          }
        }
      });
      MainTest.Result r = MainTest.run("probe", "127.0.0.1:" + s.getLocalPort(), "--timeout", "2");
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).contains("not a TLS record").contains("220 p");
      s.close();
      t.join(2000);
    }
  }

  @Test
  void serverThatGoesAwayMidProbeMakesItIncompleteWithExitFourAndKeepsWhatWasLearnt() throws Exception {
    HeldCertificate leaf = peers.goodLeaf();
    Path cert = java.nio.file.Files.writeString(dir.resolve("gone-cert.pem"), leaf.certificatePem());
    Path key = java.nio.file.Files.writeString(dir.resolve("gone-key.pem"), leaf.privateKeyPkcs8Pem());
    Path chain = java.nio.file.Files.writeString(dir.resolve("gone-chain.pem"),
        dev.tlskit.certs.Pem.encodeCertificates(leaf.chain().subList(1, leaf.chain().size())));
    OpensslPeer server = OpensslPeer.start(dir, cert, key, chain);
    Target t = new Target("127.0.0.1", server.port, "localhost", null, Duration.ofSeconds(5));
    ProbeReport r = new Prober(t, TlsPolicy.builder().trust(trust()).build(), Prober.DEFAULT_MAX_HANDSHAKES,
        Duration.ofMinutes(2), Prober.DEFAULT_ALPN, step -> {
          if (step.equals("TLS 1.3 groups")) {
            try {
              server.close();
            } catch (IOException e) {
              throw new AssertionError(e);
            }
          }
        }).run();

    assertThat(r.verdict()).isEqualTo(ProbeReport.Verdict.INCOMPLETE);
    assertThat(r.incomplete().cause()).isEqualTo(ProbeReport.Incomplete.Cause.NETWORK);
    assertThat(r.incomplete().reason()).contains("connection refused");
    assertThat(r.incomplete().checks()).startsWith(ProbeReport.Check.GROUPS);
    assertThat(r.acceptedVersions()).contains(TlsVersion.TLS_1_3, TlsVersion.TLS_1_2);
    assertThat(r.retries()).isEqualTo(5);
    assertThat(ProbeCommand.exitCode(r)).isEqualTo(4);
  }

  @Test
  void handshakeLimitStopsTheProbeAndSaysSo() throws Exception {
    int port = peers.openssl(peers.goodLeaf());
    ProbeReport r = probe(port, trust(), null, 10);

    assertThat(r.handshakes()).isEqualTo(10);
    assertThat(r.complete()).isFalse();
    assertThat(r.notes()).anyMatch(n -> n.contains("stopped after 10 handshakes"));
  }

  @Test
  void tooFewHandshakesIsAUsageError() {
    MainTest.Result r = MainTest.run("probe", "127.0.0.1:1", "--max-handshakes", "5");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--max-handshakes");
  }

  @Test
  void badStarttlsProtocolIsAUsageError() {
    MainTest.Result r = MainTest.run("probe", "127.0.0.1:1", "--starttls", "gopher");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("gopher");
  }
}
