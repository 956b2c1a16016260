package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.CertifiedKey;
import dev.tlskit.ServerCertificates;
import dev.tlskit.ServerMetrics.HandshakeFailure;
import dev.tlskit.TlsServer;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.Pem;
import dev.tlskit.cli.sink.EchoHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server core against {@code openssl s_client}: session resumption on and off, and old protocols refused. */
class TlsServerOpensslTest {
  static final Duration T = Duration.ofSeconds(30);
  @TempDir static Path dir;
  static ServerCertificates certs;
  static Path caFile;

  @BeforeAll
  static void pki() throws Exception {
    HeldCertificate ca = HeldCertificate.root("Resumption Test CA");
    HeldCertificate leaf = HeldCertificate.leaf(ca, "localhost", "127.0.0.1");
    caFile = dir.resolve("ca.pem");
    Pem.writeCertificates(caFile, List.of(ca.certificate()));
    certs = ServerCertificates.of(CertifiedKey.of(leaf.privateKey(), leaf.chain()));
  }

  @ParameterizedTest(name = "{0}, resumption {1}")
  @CsvSource({"-tls1_3, true, Reused", "-tls1_3, false, New", "-tls1_2, true, Reused", "-tls1_2, false, New"})
  void sessionResumptionFollowsTheSetting(String version, boolean resumption, String second) throws Exception {
    java.util.List<Boolean> resumed = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (TlsServer server = TlsServer.builder(new EchoHandler(false), certs).sessionResumption(resumption)
        .listener(new dev.tlskit.ServerListener() {
          @Override
          public void secured(dev.tlskit.ServerConnection c) {
            resumed.add(c.securityInfo().resumed());
          }
        }).start()) {
      Path session = dir.resolve("session" + version + resumption + ".pem");
      assertThat(handshake(server, version, "-sess_out", session)).contains("New, TLSv1.");
      if (!java.nio.file.Files.exists(session)) {
        // TLS 1.3 without tickets: s_client has no session to save, which is resumption off as well
        assertThat(version + " " + resumption).isEqualTo("-tls1_3 false");
        return;
      }
      assertThat(handshake(server, version, "-sess_in", session)).contains(second + ", TLSv1.");
      assertThat(resumed).as("the server's SecurityInfo.resumed()").containsExactly(false, second.equals("Reused"));
    }
  }

  /** Connects, waits for an echo (by then a TLS 1.3 ticket has arrived), and returns s_client's output. */
  private static String handshake(TlsServer server, String version, String sessionFlag, Path session)
      throws Exception {
    try (PeerProcess c = PeerProcess.start(dir, "openssl", "s_client", version, "-connect",
        "127.0.0.1:" + server.port(), "-CAfile", caFile.toString(), sessionFlag, session.toString())) {
      c.await("Verify return code: 0", T);
      try {
        c.send("probe-line\n");
      } catch (java.io.IOException e) {
        throw new AssertionError("s_client ended early:\n" + c.output(), e);
      }
      c.await("probe-line", T);
      c.closeInput();
      c.waitFor(T);
      return c.output();
    }
  }

  @Test
  void tls11AndTls10AreRefusedWithProtocolVersion() throws Exception {
    try (TlsServer server = TlsServer.builder(new EchoHandler(false), certs).start()) {
      for (String old : List.of("-tls1_1", "-tls1")) {
        PeerProcess.Result r = PeerProcess.run(T, dir, "openssl", "s_client", old, "-cipher", "DEFAULT@SECLEVEL=0",
            "-connect", "127.0.0.1:" + server.port());
        assertThat(r.code()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("alert protocol version");
      }
      TlsServerTestSupport.eventually(() -> server.metrics().failed(HandshakeFailure.PROTOCOL_VERSION) == 2);
    }
  }
}
