package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.TlsPolicy;
import dev.tlskit.Trust;
import dev.tlskit.certs.KeyType;
import dev.tlskit.internal.probe.ProbeReport;
import dev.tlskit.internal.probe.Prober;
import dev.tlskit.internal.probe.Starttls;
import dev.tlskit.internal.probe.Target;
import dev.tlskit.internal.probe.TlsVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe's protocol versions agree with testssl.sh's ({@code --protocols}) on the same openssl s_server targets.
 * testssl.sh is slow (about half a minute per target), so only the overlapping protocol check runs, on two targets
 * by default and on five more with {@code -Dtlskit.probe.testsslAll=true}.
 */
class ProbeCommandTestsslTest {
  private static final Map<TlsVersion, String> TESTSSL_IDS =
      Map.of(TlsVersion.TLS_1_0, "TLS1", TlsVersion.TLS_1_1, "TLS1_1", TlsVersion.TLS_1_2, "TLS1_2",
          TlsVersion.TLS_1_3, "TLS1_3");

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

  @Test
  @Timeout(value = 400, unit = TimeUnit.SECONDS)
  void protocolsAgreeWithTestsslOnALegacyAndAModernServer() throws Exception {
    ProbeCommandPeers.require(ProbeCommandPeers.TESTSSL);
    int legacy = peers.openssl(peers.leaf().keyType(KeyType.RSA_2048).build(), "-min_protocol", "TLSv1",
        "-legacy_renegotiation", "-cipher", "AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0");
    int modern = peers.openssl(peers.goodLeaf(), "-tls1_3");

    agree(legacy, null);
    agree(modern, null);
  }

  /**
   * The same on five more servers, among them real STARTTLS ones (vsftpd, dovecot IMAP and POP3, an SMTP server on
   * TlsServer). Takes several minutes, so it runs only with {@code -Dtlskit.probe.testsslAll=true}.
   */
  @Test
  @Timeout(value = 900, unit = TimeUnit.SECONDS)
  void protocolsAgreeWithTestsslOnFiveMoreServersIncludingStarttls() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("tlskit.probe.testsslAll"),
        "set -Dtlskit.probe.testsslAll=true to run the long testssl.sh comparison");
    ProbeCommandPeers.require(ProbeCommandPeers.TESTSSL);
    agree(peers.openssl(peers.goodLeaf(), "-tls1_2"), null);
    agree(peers.openssl(peers.leaf().keyType(KeyType.RSA_2048).build(), "-min_protocol", "TLSv1.1", "-cipher",
        "DEFAULT:@SECLEVEL=0"), null);
    agree(peers.vsftpd(peers.leaf().keyType(KeyType.RSA_2048).build()), Starttls.FTP);
    int[] dovecot = peers.dovecot(peers.goodLeaf());
    agree(dovecot[0], Starttls.IMAP);
    agree(dovecot[1], Starttls.POP3);
    agree(peers.smtp(peers.goodLeaf(), true), Starttls.SMTP);
  }

  private static void agree(int port, Starttls starttls) throws Exception {
    Map<TlsVersion, Boolean> testssl = testssl(port, starttls);
    ProbeReport probe = new Prober(new Target("127.0.0.1", port, "localhost", starttls, Duration.ofSeconds(5)),
        TlsPolicy.builder().trust(Trust.anchors(peers.root.certificate())).build(), 400, Duration.ofMinutes(2),
        Prober.DEFAULT_ALPN, null).run();
    Map<TlsVersion, Boolean> ours = new EnumMap<>(TlsVersion.class);
    for (TlsVersion v : TlsVersion.values()) ours.put(v, probe.acceptedVersions().contains(v));
    assertThat(ours).as("protocols of port %d (%s): tlskit vs testssl.sh", port, starttls).isEqualTo(testssl);
  }

  /** Runs testssl.sh --protocols and returns, per version, whether it reported it offered. */
  private static Map<TlsVersion, Boolean> testssl(int port, Starttls starttls) throws Exception {
    Path json = dir.resolve("testssl-" + port + ".json");
    List<String> cmd = new ArrayList<>(List.of(ProbeCommandPeers.TESTSSL, "--protocols", "--quiet", "--warnings",
        "batch", "--ip", "one", "--jsonfile", json.toString()));
    if (starttls != null) cmd.addAll(List.of("--starttls", starttls.name().toLowerCase(java.util.Locale.ROOT)));
    cmd.add("127.0.0.1:" + port);
    Process p = new ProcessBuilder(cmd)
        .redirectErrorStream(true).redirectOutput(dir.resolve("testssl-" + port + ".log").toFile()).start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("testssl.sh did not finish within 180 s");
    }
    String text = Files.readString(json);
    Map<TlsVersion, Boolean> out = new EnumMap<>(TlsVersion.class);
    for (var e : TESTSSL_IDS.entrySet()) {
      Matcher m = Pattern.compile("\"id\"\\s*:\\s*\"" + e.getValue() + "\"[^}]*?\"finding\"\\s*:\\s*\"([^\"]*)\"")
          .matcher(text);
      assertThat(m.find()).as("testssl.sh reported %s in %s", e.getValue(), text).isTrue();
      out.put(e.getKey(), m.group(1).startsWith("offered"));
    }
    return out;
  }
}
