package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.TlsPolicy;
import dev.tlskit.Trust;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.KeyType;
import dev.tlskit.certs.Pem;
import dev.tlskit.probe.ProbeJson;
import dev.tlskit.probe.ProbeReport;
import dev.tlskit.probe.Prober;
import dev.tlskit.probe.Starttls;
import dev.tlskit.probe.Target;
import dev.tlskit.probe.TlsVersion;
import dev.tlskit.testpeer.Exim;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tlskit probe} against a real Exim: a server that turns connections away when busy ({@code smtp_accept_max})
 * and aborts a handshake offering ALPN names it does not know.
 */
class ProbeCommandEximTest {
  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();
  private ProbeCommandPeers peers;

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open.reversed()) c.close();
  }

  /** Exim with TLS 1.2/1.3 only (so that a finished probe is not BAD) and the given extra settings. */
  private Exim exim(String... extra) throws Exception {
    peers = new ProbeCommandPeers(dir);
    open.add(peers);
    // RSA: GnuTLS 3.7 cannot read the JDK's PKCS#8 encoding of an EC key (issue 13, item 3)
    HeldCertificate leaf = peers.leaf().keyType(KeyType.RSA_2048).build();
    List<String> conf = new ArrayList<>(List.of("tls_require_ciphers = NORMAL:-VERS-TLS1.0:-VERS-TLS1.1"));
    conf.addAll(List.of(extra));
    Exim e = Exim.start(dir, Pem.encodeCertificates(leaf.chain()), leaf.privateKeyPkcs8Pem(),
        conf.toArray(String[]::new));
    open.add(e);
    return e;
  }

  private ProbeReport probe(int port, Starttls starttls, Consumer<String> progress) throws IOException {
    Target t = new Target("127.0.0.1", port, "localhost", starttls, Duration.ofSeconds(10));
    return new Prober(t, TlsPolicy.builder().trust(Trust.anchors(peers.root.certificate())).build(),
        Prober.DEFAULT_MAX_HANDSHAKES, Duration.ofMinutes(3), Prober.DEFAULT_ALPN, progress).run();
  }

  @Test
  void busyEximIsProbedPatientlyAndNeverReportedAsASecurityFailure() throws Exception {
    Exim exim = exim("smtp_accept_max = 1");

    MainTest.Result r = MainTest.run("probe", "127.0.0.1:" + exim.smtp, "--starttls", "smtp", "--peer-name",
        "localhost", "--trust", peers.rootPem().toString(), "--json");

    assertThat(exim.logOnceItShows("refused: too many connections", Duration.ofSeconds(10)))
        .as("Exim turned the probe away at least once").contains("refused: too many connections");
    assertThat(r.out()).doesNotContain("STARTTLS_FAILED").contains("\"complete\":true")
        .contains("\"incomplete\":null").doesNotContain("\"retries\":0,");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
  }

  @Test
  void busyEximOverImplicitTlsAnswersInPlaintextAndIsProbedPatientlyToo() throws Exception {
    Exim exim = exim("smtp_accept_max = 1", "tls_resumption_hosts = *");
    ProbeReport r = probe(exim.smtps, null, null);

    assertThat(r.retries()).as("Exim turned the probe away at least once").isPositive();
    assertThat(r.verdict()).isIn(ProbeReport.Verdict.GOOD, ProbeReport.Verdict.WEAK);
    assertThat(r.complete()).isTrue();
    assertThat(r.notes()).noneMatch(n -> n.contains("could not complete") || n.contains("unknown"));
    assertThat(r.resumption()).containsEntry(TlsVersion.TLS_1_3, true).containsEntry(TlsVersion.TLS_1_2, true);
  }

  @Test
  void eximThatKeepsRefusingMidProbeMakesItIncompleteAndSaysWhichChecksAreMissing() throws Exception {
    Exim exim = exim("smtp_accept_max = 1");
    List<Socket> hogs = new ArrayList<>();
    ProbeReport r = probe(exim.smtp, Starttls.SMTP, step -> {
      if (step.equals("TLS 1.3 groups") && hogs.isEmpty()) {
        hogs.add(hog(exim.smtp));
      }
    });

    assertThat(hogs).hasSize(1);
    assertThat(r.verdict()).isEqualTo(ProbeReport.Verdict.INCOMPLETE);
    assertThat(r.incomplete().cause()).isEqualTo(ProbeReport.Incomplete.Cause.REFUSED);
    assertThat(r.incomplete().reason()).contains("421");
    assertThat(r.incomplete().checks()).containsExactly(ProbeReport.Check.GROUPS, ProbeReport.Check.HANDSHAKE,
        ProbeReport.Check.RESUMPTION, ProbeReport.Check.ALPN);
    assertThat(r.acceptedVersions()).containsExactly(TlsVersion.TLS_1_3, TlsVersion.TLS_1_2);
    assertThat(r.version(TlsVersion.TLS_1_2).suites()).hasSizeGreaterThan(1);
    assertThat(r.findings()).noneMatch(f -> f.id().startsWith("certificate") || f.id().equals("no-certificate-seen"));
    assertThat(ProbeJson.tree(r).get("incomplete").toString()).contains("groups", "handshake", "REFUSED");
    assertThat(ProbeCommand.exitCode(r)).isEqualTo(1);
  }

  /** Takes Exim's only connection slot (smtp_accept_max = 1) and keeps it, once the probe's last one is gone. */
  private Socket hog(int port) {
    try {
      for (int i = 0; i < 20; i++) {
        Thread.sleep(500);
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        open.add(s);
        byte[] greeting = new byte[3];
        if (s.getInputStream().readNBytes(greeting, 0, 3) == 3 && new String(greeting).equals("220")) return s;
        s.close();
      }
      throw new AssertionError("Exim never gave the hog a slot");
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void eximGetsNoAlpnInTheMainHandshakeSoCapabilitiesAfterTlsAndResumptionAreKnown() throws Exception {
    Exim exim = exim("tls_resumption_hosts = *");
    ProbeReport r = probe(exim.smtp, Starttls.SMTP, null);

    assertThat(r.starttls().after()).contains("PIPELINING").doesNotContain("STARTTLS");
    assertThat(r.resumption()).containsEntry(TlsVersion.TLS_1_3, true).containsEntry(TlsVersion.TLS_1_2, true);
    assertThat(r.alpn().accepted()).isEmpty(); // h2 and http/1.1 offered alone: Exim refuses both
    assertThat(r.ocspStapled()).isFalse();
    assertThat(r.validation().trusted()).isTrue();
    assertThat(r.notes()).noneMatch(n -> n.contains("could not complete"));
    assertThat(exim.logOnceItShows("No common application protocol", Duration.ofSeconds(10)))
        .contains("No common application protocol"); // the ALPN handshakes were refused
  }

  @Test
  void eximWithoutResumptionIsReportedForBothVersions() throws Exception {
    Exim exim = exim();
    ProbeReport r = probe(exim.smtps, null, null);

    assertThat(r.resumption()).containsEntry(TlsVersion.TLS_1_3, false).containsEntry(TlsVersion.TLS_1_2, false);
    assertThat(r.findings()).anyMatch(f -> f.id().equals("no-resumption") && f.title().contains("TLS 1.2"));
  }
}
