package dev.tlskit.internal.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.internal.bc.BcJsse;
import dev.tlskit.sasl.ChannelBinding;
import dev.tlskit.sasl.ChannelBindingException;
import dev.tlskit.testpeer.MailTests;
import dev.tlskit.testpeer.Peers;
import dev.tlskit.testpeer.TestPki;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Channel-binding data checked against OpenSSL, an implementation of its own: tls-server-end-point against {@code
 * openssl x509 | openssl dgst} of certificates OpenSSL signed (RFC 5929 section 4.1's choice of hash), and
 * tls-exporter against {@code openssl s_server -keymatexport} on the other end of the same TLS 1.3 session (RFC 9266).
 */
class ChannelBindingsTest {
  private static final String OPENSSL = "/usr/bin/openssl";
  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource({
      "rsa:2048, -sha256, sha256", // RSA with SHA-256: SHA-256
      "rsa:2048, -sha1, sha256", // SHA-1 (and MD5) give way to SHA-256
      "ec -pkeyopt ec_paramgen_curve:P-384, -sha384, sha384", // the signature's own hash otherwise
      "rsa:2048, -sha512, sha512"})
  void serverEndPointHashesTheCertificateAsRfc5929Says(String key, String sign, String expectedHash) throws Exception {
    Peers.require("openssl", OPENSSL);
    Path cert = selfSigned(key, sign);
    byte[] expected = run(OPENSSL, "dgst", "-" + expectedHash, "-binary", der(cert).toString());
    assertThat(ChannelBindings.serverEndPoint(read(cert))).isEqualTo(expected);
  }

  @Test
  void anEd25519CertificateHasNoServerEndPointBinding() throws Exception {
    Peers.require("openssl", OPENSSL);
    X509Certificate cert = read(selfSigned("ed25519", null));
    assertThatThrownBy(() -> ChannelBindings.serverEndPoint(cert))
        .isInstanceOfSatisfying(ChannelBindingException.class,
            e -> assertThat(e.reason()).isEqualTo(ChannelBindingException.Reason.UNAVAILABLE))
        .hasMessageContaining("RFC 5929 defines no tls-server-end-point hash");
  }

  @Test
  void tlsExporterIsOpenSslsExporterOfTheSameSessionWithTheJdk() throws Exception {
    assertThat(exporterAgainstOpenSsl(TestPki.get().clientContext())).isTrue();
  }

  @Test
  void bouncyCastleOffersNoExporterAfterTheHandshakeSoItsDefaultIsTheEndPoint() throws Exception {
    // BouncyCastle's JSSE 1.84 (which FTPS uses): the session's exportKeyingMaterialData is unimplemented and the
    // connection's getChannelBinding("tls-exporter") throws after the handshake; the end point works
    Peers.require("openssl", OPENSSL);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("ca", TestPki.get().ca.certificate());
    tmf.init(ts);
    SSLContext bc = SSLContext.getInstance("TLS", BcJsse.provider());
    bc.init(null, tmf.getTrustManagers(), null);
    try (ServerSocketHolder server = new ServerSocketHolder()) {
      try (TlsConnection conn = MailTests.client(bc).connectTls("127.0.0.1", server.port(), "localhost")) {
        assertThat(conn.sslSession().getProtocol()).isEqualTo("TLSv1.3");
        assertThat(ChannelBindings.defaultType(conn)).isEqualTo(ChannelBinding.TLS_SERVER_END_POINT);
        assertThatThrownBy(() -> ChannelBindings.data(ChannelBinding.TLS_EXPORTER, conn))
            .isInstanceOf(ChannelBindingException.class).hasMessageContaining("BouncyCastle");
        assertThat(ChannelBindings.data(ChannelBinding.TLS_SERVER_END_POINT, conn))
            .isEqualTo(ChannelBindings.serverEndPoint(TestPki.get().leaf.certificate()));
      }
    }
  }

  /** A JDK TLS 1.3 server with the test leaf that completes handshakes and holds the connections until closed. */
  private static final class ServerSocketHolder implements AutoCloseable {
    private final SSLServerSocket server;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    ServerSocketHolder() throws IOException {
      server = (SSLServerSocket) TestPki.get().serverContext().getServerSocketFactory()
          .createServerSocket(0, 5, InetAddress.getLoopbackAddress());
      Thread.ofVirtual().start(() -> {
        try {
          while (true) {
            SSLSocket s = (SSLSocket) server.accept();
            accepted.add(s);
            s.startHandshake();
          }
        } catch (IOException e) {
          // closed
        }
      });
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : accepted) s.close();
    }
  }

  /** Connects with {@code ctx} to s_server over TLS 1.3 and compares both exporters; true when they match. */
  private boolean exporterAgainstOpenSsl(SSLContext ctx) throws Exception {
    Peers.require("openssl", OPENSSL);
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    TestPki pki = TestPki.get();
    Process server = new ProcessBuilder(OPENSSL, "s_server", "-accept", "127.0.0.1:" + port, "-naccept", "1",
        "-tls1_3", "-cert", pki.certPem.toString(), "-key", pki.keyPem.toString(),
        "-keymatexport", ChannelBindings.EXPORTER_LABEL, "-keymatexportlen", "32")
        .redirectErrorStream(true).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(),
        StandardCharsets.UTF_8))) {
      awaitLine(out, "ACCEPT");
      TlsClient client = MailTests.client(ctx);
      try (TlsConnection conn = client.connectTls("127.0.0.1", port, "localhost")) {
        assertThat(conn.sslSession().getProtocol()).isEqualTo("TLSv1.3");
        byte[] ours = ChannelBindings.data(ChannelBinding.TLS_EXPORTER, conn);
        conn.output().write("hello\n".getBytes(StandardCharsets.US_ASCII));
        conn.output().flush();
        String line = awaitLine(out, "Keying material: ");
        byte[] theirs = HexFormat.of().parseHex(line.substring(line.indexOf(':') + 1).trim());
        assertThat(ours).hasSize(32).isEqualTo(theirs);
        assertThat(ChannelBindings.defaultType(conn)).isEqualTo(ChannelBinding.TLS_EXPORTER);
        return true;
      }
    } finally {
      Peers.stop(server);
    }
  }

  private static String awaitLine(BufferedReader out, String start) throws IOException {
    List<String> seen = new ArrayList<>();
    for (String line; (line = out.readLine()) != null; ) {
      if (line.trim().startsWith(start)) return line.trim();
      seen.add(line);
    }
    throw new AssertionError("openssl s_server printed no \"" + start + "\": " + seen);
  }

  private Path selfSigned(String key, String sign) throws Exception {
    Path cert = Files.createTempFile(tmp, "cert", ".pem");
    List<String> cmd = new ArrayList<>(List.of(OPENSSL, "req", "-x509", "-newkey"));
    cmd.addAll(List.of(key.split(" ")));
    cmd.addAll(List.of("-nodes", "-keyout", tmp.resolve("key.pem").toString(), "-subj", "/CN=localhost",
        "-days", "1", "-out", cert.toString()));
    if (sign != null) cmd.add(sign);
    run(cmd.toArray(String[]::new));
    return cert;
  }

  private Path der(Path pem) throws Exception {
    Path der = Files.createTempFile(tmp, "cert", ".der");
    run(OPENSSL, "x509", "-in", pem.toString(), "-outform", "DER", "-out", der.toString());
    return der;
  }

  private static X509Certificate read(Path pem) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem)));
  }

  private static byte[] run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("failed: " + List.of(cmd));
    return out;
  }
}
