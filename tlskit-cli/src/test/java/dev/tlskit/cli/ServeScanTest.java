package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scans {@code tlskit serve} (echo, implicit TLS, a certificate from a test CA) with sslscan and testssl.sh.
 *
 * <p>testssl.sh runs only these checks, to stay near a minute and a half: {@code -p} protocols (SSLv2 to TLS 1.3),
 * {@code -s} cipher categories (NULL, aNULL, export, LOW, 3DES/IDEA, AVERAGE, STRONG), {@code -f} forward secrecy,
 * {@code -P} server cipher preference, {@code -S} server defaults (certificate, session resumption, tickets) and
 * {@code -U} vulnerabilities (Heartbleed, CCS, Ticketbleed, ROBOT, renegotiation, CRIME, BREACH-less, POODLE,
 * SWEET32, FREAK, DROWN, LOGJAM, BEAST, LUCKY13, RC4), with the system openssl, batch mode and JSON output. Left
 * out: HTTP header checks ({@code -h}; echo is not HTTP) and per-cipher enumeration ({@code -e}; sslscan lists
 * them).
 */
class ServeScanTest {
  /**
   * Findings at MEDIUM or worse that are about the test CA, not the server: a private CA is untrusted, and its
   * certificates name no CRL or OCSP responder.
   */
  static final Set<String> TEST_CA_FINDINGS = Set.of("cert_chain_of_trust", "cert_trust", "cert_revocation");

  @TempDir static Path dir;
  static PeerProcess serve;
  static int port;

  /**
   * Starts {@code tlskit serve} in a JVM of its own, as it is deployed: the JDK reads some TLS settings once per
   * process (renegotiation refusal among them), so a server sharing this test JVM with earlier handshakes would not
   * show what the command does.
   */
  @BeforeAll
  static void start() throws Exception {
    ServeTestFiles.create(dir);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    serve = PeerProcess.start(dir, java, "-cp", System.getProperty("java.class.path"), "dev.tlskit.cli.Main",
        "serve", "--port", "0", "--cert", dir.resolve("server.pem").toString(), "--key",
        dir.resolve("server.key").toString());
    port = Integer.parseInt(serve.await("listening on 127\\.0\\.0\\.1:(\\d+)", Duration.ofSeconds(60)));
  }

  @AfterAll
  static void stop() {
    if (serve != null) serve.close();
  }

  @Test
  void sslscanSeesNothingBelowTls12AndOnlyForwardSecretAeadSuites() throws Exception {
    PeerProcess.Result r = PeerProcess.run(Duration.ofSeconds(90), dir, "sslscan", "--no-colour",
        "127.0.0.1:" + port);
    assertThat(r.code()).as(r.output()).isZero();
    String out = r.output();
    assertThat(out).containsPattern("SSLv2\\s+disabled").containsPattern("SSLv3\\s+disabled")
        .containsPattern("TLSv1\\.0\\s+disabled").containsPattern("TLSv1\\.1\\s+disabled")
        .containsPattern("TLSv1\\.2\\s+enabled").containsPattern("TLSv1\\.3\\s+enabled")
        .contains("Session renegotiation not supported");
    List<String> accepted = out.lines().filter(l -> l.matches("(Preferred|Accepted)\\s+.*")).toList();
    assertThat(accepted).isNotEmpty().allSatisfy(l -> assertThat(l)
        .matches("(Preferred|Accepted)\\s+TLSv1\\.[23]\\s+.*(GCM|CHACHA20).*")
        .satisfiesAnyOf(x -> assertThat(x).contains("TLSv1.3"), x -> assertThat(x).contains("ECDHE")));
  }

  @Test
  @Timeout(300)
  void testsslFindsNothingMediumOrWorseButTheTestCa() throws Exception {
    Path json = dir.resolve("testssl.json");
    PeerProcess.Result r = PeerProcess.run(Duration.ofSeconds(280), dir, "testssl", "--quiet", "--warnings",
        "batch", "--color", "0", "--openssl", "/usr/bin/openssl", "-p", "-s", "-f", "-P", "-S", "-U",
        "--jsonfile", json.toString(), "127.0.0.1:" + port);
    assertThat(json).as("testssl output:\n" + r.output()).exists();
    String text = Files.readString(json);
    List<String> bad = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    Matcher m = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"[^}]*?\"severity\"\\s*:\\s*\"([A-Z]+)\"[^}]*?"
        + "\"finding\"\\s*:\\s*\"([^\"]*)\"", Pattern.DOTALL).matcher(text);
    while (m.find()) {
      seen.add(m.group(1));
      boolean severe = Set.of("MEDIUM", "HIGH", "CRITICAL").contains(m.group(2));
      if (severe && !TEST_CA_FINDINGS.contains(m.group(1))) bad.add(m.group(2) + " " + m.group(1) + ": " + m.group(3));
    }
    assertThat(seen).as("testssl ran the checks").contains("SSLv3", "TLS1", "TLS1_1", "TLS1_3", "cipher_order",
        "heartbleed", "ROBOT", "secure_client_renego", "PFS");
    assertThat(bad).as("findings of MEDIUM or worse").isEmpty();
  }
}
