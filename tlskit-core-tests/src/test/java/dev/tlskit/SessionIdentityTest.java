package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.Pem;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A session belongs to the peer name it was verified for: the client never offers it to another name at the same
 * address, and the server never resumes it under another SNI name (RFC 6066 section 3).
 */
class SessionIdentityTest {
  @TempDir static Path dir;
  static HeldCertificate root;
  static HeldCertificate a;
  static HeldCertificate b;

  TlsServer server;
  final List<String> seen = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void pki() {
    root = HeldCertificate.root("Session Identity Root");
    a = HeldCertificate.leaf(root, "a.test"); // the server's default certificate
    b = HeldCertificate.leaf(root, "b.test");
  }

  @AfterEach
  void stop() {
    if (server != null) server.shutdown(Duration.ofSeconds(1));
  }

  /** Starts a server choosing a.test's or b.test's certificate by SNI; each connection reports what it saw. */
  void start(String protocol, TlsMode mode) throws IOException {
    ServerCertificates certs = ServerCertificates.builder().add(CertifiedKey.of(a.privateKey(), a.chain()))
        .add(CertifiedKey.of(b.privateKey(), b.chain())).build();
    server = TlsServer.builder(c -> {
      if (mode == TlsMode.STARTTLS) {
        c.writeLine("220 ready");
        c.readLine(100);
        c.upgradeToTls("220 go ahead");
      }
      String line = "sni=" + c.requestedServerName().orElse("-") + " resumed=" + c.securityInfo().resumed();
      seen.add(line);
      c.writeLine(line);
    }, certs).mode(mode).policy(TlsPolicy.MODERN.toBuilder().protocols(protocol).build()).start();
  }

  TlsConnection connect(TlsClient client, String how, String name) throws IOException {
    return switch (how) {
      case "implicit" -> client.connectTls("127.0.0.1", server.port(), name);
      case "secure" -> client.secure(new Socket("127.0.0.1", server.port()), name);
      case "upgrade" -> {
        TlsConnection c = client.connectPlain("127.0.0.1", server.port(), name);
        assertThat(c.readLine(100)).isEqualTo("220 ready");
        c.output().write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
        c.output().flush();
        assertThat(c.readLine(100)).isEqualTo("220 go ahead");
        c.upgradeToTls();
        yield c;
      }
      default -> throw new IllegalArgumentException(how);
    };
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"TLSv1.3, implicit", "TLSv1.2, implicit", "TLSv1.3, upgrade", "TLSv1.2, upgrade", "TLSv1.3, secure",
      "TLSv1.2, secure"})
  void clientNeverOffersOneNamesSessionToAnotherNameAtTheSameAddress(String protocol, String how) throws Exception {
    start(protocol, how.equals("upgrade") ? TlsMode.STARTTLS : TlsMode.IMPLICIT);
    TlsClient client = TlsClient.builder().timeout(Duration.ofSeconds(10)).policy(TlsPolicy.MODERN.toBuilder()
        .trust(Trust.anchors(List.of(root.certificate()))).protocols(protocol).build()).build();
    for (String name : List.of("a.test", "a.test", "b.test")) {
      boolean again = seen.size() == 1;
      try (TlsConnection c = connect(client, how, name)) {
        SecurityInfo info = c.securityInfo();
        assertThat(c.readLine(100)).as(name).isEqualTo("sni=" + name + " resumed=" + again);
        assertThat(info.resumed()).as("%s resumed", name).isEqualTo(again);
        assertThat(info.sniSent()).isTrue();
        assertThat(info.peerChain().get(0)).isEqualTo(name.equals("a.test") ? a.certificate() : b.certificate());
        assertThat(info.validation().expectedName()).isEqualTo(name);
        assertThat(info.validation().trusted()).isTrue();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"-tls1_3", "-tls1_2"})
  void serverRefusesToResumeASessionUnderAnotherServerName(String version) throws Exception {
    Path openssl = Path.of("/usr/bin/openssl");
    if (Boolean.getBoolean("tlskit.requirePeers")) assertThat(openssl).isExecutable();
    assumeTrue(Files.isExecutable(openssl), "openssl is not installed (scripts/install-peers)");
    start(version.equals("-tls1_3") ? "TLSv1.3" : "TLSv1.2", TlsMode.IMPLICIT);
    Path ca = dir.resolve("ca.pem");
    Pem.writeCertificates(ca, List.of(root.certificate()));
    Path session = dir.resolve("session" + version + ".pem");
    assertThat(sClient(version, ca, "a.test", "-sess_out", session)).contains("New, TLSv1.", "sni=a.test");
    assertThat(sClient(version, ca, "a.test", "-sess_in", session)).contains("Reused, TLSv1.", "sni=a.test");
    // The same ticket or session ID offered with another name: a full handshake, b.test's certificate.
    String other = sClient(version, ca, "b.test", "-sess_in", session);
    assertThat(other).contains("New, TLSv1.", "sni=b.test resumed=false", "subject=CN = b.test").doesNotContain("Reused");
    assertThat(seen).containsExactly("sni=a.test resumed=false", "sni=a.test resumed=true",
        "sni=b.test resumed=false");
  }

  /** Runs {@code openssl s_client} until the server closes; returns its output. */
  String sClient(String version, Path ca, String name, String sessionFlag, Path session) throws Exception {
    Process p = new ProcessBuilder("/usr/bin/openssl", "s_client", version, "-connect", "127.0.0.1:" + server.port(),
        "-servername", name, "-CAfile", ca.toString(), "-ign_eof", sessionFlag, session.toString())
        .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
    try {
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("s_client finished").isTrue();
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      p.destroyForcibly();
    }
  }
}
