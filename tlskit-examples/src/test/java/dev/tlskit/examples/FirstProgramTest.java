package dev.tlskit.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.PeerIdentity;
import dev.tlskit.SecurityInfo;
import dev.tlskit.ServerConnection;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.TlsServer;
import dev.tlskit.ValidationReport;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.smtp.SmtpClient;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the guide's first program (StartTlsClientCertificate) against a plaintext SMTP server that offers STARTTLS
 * and requires a client certificate, as section 1 of the guide sets one up with {@code tlskit serve}; once called
 * from Java and once the way the guide runs it: the source file with the JDK's source launcher and the jars on the
 * class path.
 */
class FirstProgramTest {
  @TempDir static Path dir;
  static Pki pki;
  static TlsServer server;
  static final List<String> clients = new CopyOnWriteArrayList<>();
  static Path aliceCert;
  static Path aliceKey;

  @BeforeAll
  static void start() throws IOException {
    pki = new Pki(dir);
    aliceCert = Files.writeString(dir.resolve("alice.pem"), pki.alice.certificatePem());
    aliceKey = Files.writeString(dir.resolve("alice-key.pem"), pki.alice.privateKeyPkcs8Pem());
    server = TlsServer.builder(FirstProgramTest::smtp, Pki.certificates(pki.server))
        .listen("127.0.0.1", 0)
        .mode(TlsMode.STARTTLS)
        .clientAuth(TlsServer.ClientAuth.NEED)
        .trustedClientIssuers(List.of(pki.ca.certificate()))
        .start();
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  /** A minimal SMTP server: EHLO (STARTTLS offered in plaintext, AUTH after TLS), STARTTLS, QUIT. */
  private static void smtp(ServerConnection c) throws IOException {
    c.writeLine("220 localhost ESMTP first-program test");
    while (true) {
      String line;
      try {
        line = c.readLine(1000);
      } catch (EOFException e) {
        return;
      }
      switch (line.split(" ", 2)[0].toUpperCase(Locale.ROOT)) {
        case "EHLO" -> {
          c.writeLine("250-localhost");
          c.writeLine(c.isTls() ? "250 AUTH PLAIN" : "250 STARTTLS");
        }
        case "STARTTLS" -> {
          c.upgradeToTls("220 2.0.0 Ready to start TLS");
          clients.add(c.peerIdentity().map(PeerIdentity::subject).orElse("(none)"));
        }
        case "QUIT" -> {
          c.writeLine("221 bye");
          return;
        }
        default -> c.writeLine("502 5.5.1 not here");
      }
    }
  }

  @Test
  void firstProgramUpgradesPresentsTheClientCertificateAndReportsIt() throws Exception {
    SecurityInfo info = StartTlsClientCertificate.connect("127.0.0.1", server.port(), pki.caPem, aliceCert, aliceKey);
    assertThat(info.protocol()).isEqualTo("TLSv1.3");
    assertThat(info.validation().verdict()).isEqualTo(ValidationReport.Verdict.TRUSTED);
    assertThat(info.localChain().getFirst().getSubjectX500Principal().getName()).isEqualTo("CN=alice");
    assertThat(clients).contains("CN=alice");
  }

  @Test
  void firstProgramRunsFromItsSourceFileWithTheJarsOnTheClassPath() throws Exception {
    Path source = Path.of("src/main/java/dev/tlskit/examples/StartTlsClientCertificate.java").toAbsolutePath();
    String classPath = String.join(java.io.File.pathSeparator, location(TlsClient.class), location(SmtpClient.class));
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process p = new ProcessBuilder(java, "-cp", classPath, source.toString(), "127.0.0.1",
        String.valueOf(server.port()), pki.caPem.toString(), aliceCert.toString(), aliceKey.toString())
        .redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the program finishes").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("TLSv1.3 TLS_AES_").contains("server TRUSTED as 127.0.0.1, we presented CN=alice")
        .contains("Validation: TRUSTED for 127.0.0.1");
  }

  @Test
  void aClientCertificateTheServerDoesNotTrustFailsTheConnection() throws Exception {
    HeldCertificate stranger = HeldCertificate.leaf(HeldCertificate.root("Stranger CA"), "alice@example.test");
    Path cert = Files.writeString(dir.resolve("stranger.pem"), stranger.certificatePem());
    Path key = Files.writeString(dir.resolve("stranger-key.pem"), stranger.privateKeyPkcs8Pem());
    // TLS 1.3: the server judges our certificate after our side of the handshake is done; the EHLO that follows the
    // upgrade is what meets its refusal, so connect() fails instead of returning a session nobody will serve.
    assertThatThrownBy(() -> StartTlsClientCertificate.connect("127.0.0.1", server.port(), pki.caPem, cert, key))
        .isInstanceOf(IOException.class);
    Path wrongCa = Files.writeString(dir.resolve("other-ca.pem"), HeldCertificate.root("Other CA").certificatePem());
    assertThatThrownBy(() -> StartTlsClientCertificate.connect("127.0.0.1", server.port(), wrongCa, aliceCert,
        aliceKey)).isInstanceOf(TlsSecurityException.class)
        .satisfies(e -> assertThat(((TlsSecurityException) e).reason())
            .isEqualTo(TlsSecurityException.Reason.CERTIFICATE_REJECTED));
  }

  private static String location(Class<?> type) throws Exception {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}
