package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.TlsPolicy;
import dev.tlskit.Trust;
import dev.tlskit.certs.KeyType;
import dev.tlskit.internal.probe.ProbeReport;
import dev.tlskit.internal.probe.Prober;
import dev.tlskit.internal.probe.Target;
import dev.tlskit.internal.probe.TlsVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
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
 * testssl.sh is slow (about half a minute per target), so only the overlapping protocol check runs, on two targets.
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

    for (int port : new int[] {legacy, modern}) {
      Map<TlsVersion, Boolean> testssl = testssl(port);
      ProbeReport probe = new Prober(new Target("127.0.0.1", port, "localhost", null, Duration.ofSeconds(5)),
          TlsPolicy.builder().trust(Trust.anchors(peers.root.certificate())).build(), 400, Duration.ofMinutes(2),
          Prober.DEFAULT_ALPN, null).run();
      Map<TlsVersion, Boolean> ours = new EnumMap<>(TlsVersion.class);
      for (TlsVersion v : TlsVersion.values()) ours.put(v, probe.acceptedVersions().contains(v));
      assertThat(ours).as("protocols of port %d: tlskit vs testssl.sh", port).isEqualTo(testssl);
    }
  }

  /** Runs testssl.sh --protocols and returns, per version, whether it reported it offered. */
  private static Map<TlsVersion, Boolean> testssl(int port) throws Exception {
    Path json = dir.resolve("testssl-" + port + ".json");
    Process p = new ProcessBuilder(ProbeCommandPeers.TESTSSL, "--protocols", "--quiet", "--warnings", "batch",
        "--ip", "one", "--jsonfile", json.toString(), "127.0.0.1:" + port)
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
