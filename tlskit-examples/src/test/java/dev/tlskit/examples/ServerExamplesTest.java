package dev.tlskit.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.Authorizer;
import dev.tlskit.CertifiedKey;
import dev.tlskit.ServerMetrics;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsServer;
import dev.tlskit.Trust;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.KeyFiles;
import dev.tlskit.certs.Pem;
import dev.tlskit.testing.SoftHsm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the client-certificate, server-with-client-auth and authorizer examples against each other. */
class ServerExamplesTest {
  /** Set by the surefire configuration in this module's pom, as a user would export it. */
  static final String P12_PASSWORD_ENV = "TLSKIT_EXAMPLE_P12_PASSWORD";

  @TempDir static Path dir;
  static Pki pki;
  static TlsServer server;

  @BeforeAll
  static void start() throws IOException {
    pki = new Pki(dir);
    server = MutualTlsServer.start(pki.serverPem, pki.serverKey, pki.caPem,
        MutualTlsServer.byEmail(Set.of("alice@example.test")));
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  private static Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  private static String greeting(TlsClient client) throws IOException {
    try (TlsConnection c = client.connectTls("127.0.0.1", server.port(), "localhost")) {
      return c.readLine(1000);
    }
  }

  @Test
  void pemClientCertificateIsAdmittedAndNamed() throws Exception {
    Path cert = write("alice.pem", pki.alice.certificatePem());
    Path key = write("alice-key.pem", pki.alice.privateKeyPkcs8Pem());
    assertThat(greeting(ClientCertificates.fromPem(cert, key, pki.caPem))).isEqualTo("hello CN=alice");
  }

  @Test
  void pkcs12ClientCertificateIsAdmitted() throws Exception {
    Path p12 = dir.resolve("alice.p12");
    KeyFiles.writePkcs12(pki.alice.certifiedKey(), p12, "alice", System.getenv(P12_PASSWORD_ENV).toCharArray());
    assertThat(greeting(ClientCertificates.fromPkcs12(p12, P12_PASSWORD_ENV, pki.caPem)))
        .isEqualTo("hello CN=alice");
    assertThatThrownBy(() -> ClientCertificates.fromPkcs12(p12, "TLSKIT_EXAMPLE_UNSET_VARIABLE", pki.caPem))
        .hasMessageContaining("TLSKIT_EXAMPLE_UNSET_VARIABLE");
  }

  @Test
  void aKeyInAPkcs11TokenIsAdmittedAndTheSelectorChoosesAmongTheTokensKeys() throws Exception {
    String pin = System.getenv("TLSKIT_EXAMPLE_PIN"); // set by this module's pom
    SoftHsm.Token token = SoftHsm.newToken(pin);
    for (String[] key : new String[][] {{"01", "Other"}, {"02", "Payments"}}) {
      HeldCertificate cert = HeldCertificate.builder().commonName("alice-" + key[1]).organization(key[1])
          .addEmail("alice@example.test").keyPair(new KeyPair(token.generateKeyPair(key[0], "EC:prime256v1"), null))
          .signedBy(pki.ca).build();
      token.writeCertificate(key[0], "alice-" + key[1], cert.certificate());
    }
    Path config = token.sunPkcs11Config(dir);
    assertThat(greeting(ClientCertificates.fromPkcs11(config, "TLSKIT_EXAMPLE_PIN", "alice-Other", pki.caPem)))
        .isEqualTo("hello CN=alice-Other,O=Other");
    assertThat(greeting(ClientCertificates.chooseFromToken(config, pin.toCharArray(), "Payments", pki.caPem)))
        .isEqualTo("hello CN=alice-Payments,O=Payments");
  }

  @Test
  void opensslStyleKeyIsReadThroughTlskitCerts() throws Exception {
    Path cert = write("alice-ossl.pem", pki.alice.certificatePem());
    Path key = write("alice-sec1.pem", Pem.encodeTraditionalPrivateKey(pki.alice.privateKey()));
    assertThat(Files.readString(key)).startsWith("-----BEGIN EC PRIVATE KEY-----");
    CertifiedKey ck = ClientCertificates.fromOpensslPem(cert, key);
    TlsClient client = TlsClient.builder()
        .policy(TlsPolicy.builder().trust(Trust.fromFile(pki.caPem, null)).clientCertificate(ck).build()).build();
    assertThat(greeting(client)).isEqualTo("hello CN=alice");
  }

  @Test
  void authorizerRefusesAValidCertificateWithTheWrongEmail() throws Exception {
    Path cert = write("bob.pem", pki.bob.certificatePem());
    Path key = write("bob-key.pem", pki.bob.privateKeyPkcs8Pem());
    assertThatThrownBy(() -> greeting(ClientCertificates.fromPem(cert, key, pki.caPem)))
        .isInstanceOf(IOException.class);
    assertThat(server.metrics().failed(ServerMetrics.HandshakeFailure.PEER_NOT_AUTHORIZED)).isPositive();
  }

  @Test
  void clientWithoutCertificateOrFromAnotherCaIsRefused() throws Exception {
    TlsClient anonymous = TlsClient.builder()
        .policy(TlsPolicy.builder().trust(Trust.fromFile(pki.caPem, null)).build()).build();
    assertThatThrownBy(() -> greeting(anonymous)).isInstanceOf(IOException.class);
    HeldCertificate stranger = HeldCertificate.leaf(HeldCertificate.root("Stranger CA"), "alice@example.test");
    Path cert = write("stranger.pem", stranger.certificatePem());
    Path key = write("stranger-key.pem", stranger.privateKeyPkcs8Pem());
    assertThatThrownBy(() -> greeting(ClientCertificates.fromPem(cert, key, pki.caPem)))
        .isInstanceOf(IOException.class);
  }

  @Test
  void builtInAuthorizersAdmitByFingerprint() throws Exception {
    String fingerprint = dev.tlskit.PeerIdentity.of(pki.bob.chain()).sha256Fingerprint();
    try (TlsServer byPrint = MutualTlsServer.start(pki.serverPem, pki.serverKey, pki.caPem,
        Authorizer.fingerprints(Set.of(fingerprint)))) {
      TlsClient bob = ClientCertificates.fromPem(write("bob2.pem", pki.bob.certificatePem()),
          write("bob2-key.pem", pki.bob.privateKeyPkcs8Pem()), pki.caPem);
      try (TlsConnection c = bob.connectTls("127.0.0.1", byPrint.port(), "localhost")) {
        assertThat(c.readLine(1000)).isEqualTo("hello CN=bob");
      }
    }
  }

  @Test
  void aSocketTheApplicationAcceptedIsSecuredWithTheSameRules() throws Exception {
    try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
      listener.setSoTimeout(10_000);
      TlsClient alice = ClientCertificates.fromPem(write("alice3.pem", pki.alice.certificatePem()),
          write("alice3-key.pem", pki.alice.privateKeyPkcs8Pem()), pki.caPem);
      java.util.concurrent.CompletableFuture<String> greeting = new java.util.concurrent.CompletableFuture<>();
      Thread.ofVirtual().start(() -> {
        try (TlsConnection c = alice.connectTls("127.0.0.1", listener.getLocalPort(), "localhost")) {
          greeting.complete(c.readLine(1000));
        } catch (IOException e) {
          greeting.completeExceptionally(e);
        }
      });
      MutualTlsServer.greetAccepted(listener.accept(), pki.serverPem, pki.serverKey, pki.caPem);
      assertThat(greeting.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("hello CN=alice");
    }
  }
}
