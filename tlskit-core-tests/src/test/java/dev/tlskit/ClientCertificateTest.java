package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS: client credentials from each format, and the selection callback, against a server that needs one. */
class ClientCertificateTest {
  static final TestPki.Held CLIENT_ROOT = TestPki.root("Client Root");
  static final TestPki.Held CLIENT_CA = TestPki.intermediate("Client CA", CLIENT_ROOT);
  static final TestPki.Held CLIENT = TestPki.leaf(CLIENT_CA, "alice");
  static final char[] PASSWORD = "secret".toCharArray();

  @TempDir Path dir;

  /** Connects with {@code policy} to a server that needs a client certificate from CLIENT_ROOT; returns its view. */
  static X509Certificate[] presentedTo(TlsPolicy policy) throws Exception {
    try (LoopbackTlsPeer server = LoopbackTlsPeer.builder(ConnectionTest.LEAF.certifiedKey())
        .needClientCertificate(List.of(CLIENT_ROOT.cert())).build()) {
      TlsClient client = TlsClient.builder().policy(policy).timeout(Duration.ofSeconds(10)).build();
      try (TlsConnection c = client.connectTls("127.0.0.1", server.port(), "localhost")) {
        c.output().write("hi\n".getBytes(StandardCharsets.US_ASCII));
        c.output().flush();
        assertThat(c.readLine(10)).isEqualTo("hi");
        assertThat(c.securityInfo().localChain()).isNotEmpty();
        assertThat(c.securityInfo().clientCertificateRequested()).isTrue();
      }
      assertThat(server.clientChains).hasSize(1);
      return server.clientChains.get(0);
    }
  }

  static TlsPolicy.Builder base() {
    return CertificateValidationTest.TRUST_ROOT.toBuilder();
  }

  @Test
  void clientPresentsAKeyAndChainGivenAsObjects() throws Exception {
    assertThat(presentedTo(base().clientCertificate(CLIENT.certifiedKey()).build()))
        .containsExactly(CLIENT.cert(), CLIENT_CA.cert());
  }

  @Test
  void clientPresentsACertificateFromPkcs12() throws Exception {
    Path p12 = store("PKCS12", "client.p12");
    CertifiedKey key = CertifiedKey.fromKeyStore(p12, PASSWORD, null);
    assertThat(presentedTo(base().clientCertificate(key).build())[0]).isEqualTo(CLIENT.cert());
  }

  @Test
  void clientPresentsACertificateFromJks() throws Exception {
    Path jks = store("JKS", "client.jks");
    CertifiedKey key = CertifiedKey.fromKeyStore(jks, PASSWORD, "alice");
    assertThat(presentedTo(base().clientCertificate(key).build())[0]).isEqualTo(CLIENT.cert());
  }

  @Test
  void clientPresentsACertificateFromPkcs8Pem() throws Exception {
    Path chain = Files.writeString(dir.resolve("chain.pem"), CLIENT.chainPem());
    Path key = Files.writeString(dir.resolve("key.pem"), CLIENT.keyPem());
    CertifiedKey k = CertifiedKey.fromPem(chain, key, null);
    assertThat(presentedTo(base().clientCertificate(k).build())).containsExactly(CLIENT.cert(), CLIENT_CA.cert());
  }

  @Test
  void selectorSeesTheIssuersTheServerAccepts() throws Exception {
    AtomicReference<ClientCertificateSelector.Request> seen = new AtomicReference<>();
    TlsPolicy policy = base().clientCertificateSelector(request -> {
      seen.set(request);
      return request.acceptableIssuers().contains(new X500Principal("CN=Client Root"))
          ? Optional.of(CLIENT.certifiedKey()) : Optional.empty();
    }).build();
    assertThat(presentedTo(policy)[0]).isEqualTo(CLIENT.cert());
    assertThat(seen.get().acceptableIssuers()).contains(new X500Principal("CN=Client Root"));
    assertThat(seen.get().keyTypes()).isNotEmpty();
  }

  @Test
  void theClientSaysWhetherTheServerAskedForItsCertificate() throws Exception {
    TlsClient client = TlsClient.builder().policy(base().clientCertificate(CLIENT.certifiedKey()).build())
        .timeout(Duration.ofSeconds(10)).build();
    try (LoopbackTlsPeer asking = LoopbackTlsPeer.builder(ConnectionTest.LEAF.certifiedKey())
            .needClientCertificate(List.of(CLIENT_ROOT.cert())).build();
        LoopbackTlsPeer notAsking = LoopbackTlsPeer.builder(ConnectionTest.LEAF.certifiedKey()).build()) {
      for (int i = 0; i < 2; i++) { // a full handshake, then (the session cached) a resumed one
        try (TlsConnection c = client.connectTls("127.0.0.1", notAsking.port(), "localhost")) {
          assertThat(c.securityInfo().clientCertificateRequested()).isFalse();
          assertThat(c.securityInfo().localChain()).isEmpty();
        }
      }
      try (TlsConnection c = client.connectTls("127.0.0.1", asking.port(), "localhost")) {
        assertThat(c.securityInfo().resumed()).isFalse();
        assertThat(c.securityInfo().clientCertificateRequested()).isTrue();
        assertThat(c.securityInfo().localChain()).containsExactly(CLIENT.cert(), CLIENT_CA.cert());
      }
    }
  }

  @Test
  void aServerNeedingACertificateRefusesAClientWithoutOne() throws Exception {
    TlsPolicy none = base().clientCertificateSelector(request -> Optional.empty()).build();
    assertThatThrownBy(() -> presentedTo(none)).isInstanceOf(IOException.class);
  }

  @Test
  void aKeyThatDoesNotBelongToTheCertificateIsRefused() {
    TestPki.Held other = TestPki.leaf(CLIENT_CA, "bob");
    assertThatThrownBy(() -> CertifiedKey.of(other.key(), List.of(CLIENT.cert())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not belong");
  }

  @Test
  void pkcs1PemPointsToTheCertsModule() throws Exception {
    Path chain = Files.writeString(dir.resolve("chain.pem"), CLIENT.chainPem());
    Path key = Files.writeString(dir.resolve("key.pem"),
        "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n");
    assertThatThrownBy(() -> CertifiedKey.fromPem(chain, key, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dev.tlskit.certs");
  }

  private Path store(String type, String name) throws Exception {
    KeyStore ks = KeyStore.getInstance(type);
    ks.load(null, null);
    ks.setKeyEntry("alice", CLIENT.key(), PASSWORD, CLIENT.chain().toArray(X509Certificate[]::new));
    Path p = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(p)) {
      ks.store(out, PASSWORD);
    }
    return p;
  }
}
