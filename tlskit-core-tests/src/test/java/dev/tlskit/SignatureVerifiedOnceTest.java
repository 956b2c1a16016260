package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetAddress;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every signature of a handshake is verified once: a TlsKit handshake makes exactly as many signature verifications
 * as the raw JDK's with the same chain and outcome (each certificate signature once, plus the peer's
 * CertificateVerify), counted by a provider that sees every {@code Signature.verify}. Each measured handshake uses a
 * chain never seen before in this JVM, because the JDK remembers a verified (certificate, key) pair per parsed
 * certificate, and parsed certificates per encoding: a chain seen before costs only the CertificateVerify.
 */
class SignatureVerifiedOnceTest {
  static final TestPki.Held ROOT = TestPki.root("Count Root");
  /** Per authenticated side: the leaf's and the intermediate's signatures, and the peer's CertificateVerify. */
  static final int PER_AUTHENTICATED_PEER = 3;

  CountingSignatures counter;

  /** A chain never used before: root, a new intermediate, a new leaf; the key is proven to match when made. */
  record Chain(TestPki.Held ca, TestPki.Held leaf, CertifiedKey key) {
    static Chain fresh(String name) {
      TestPki.Held ca = TestPki.intermediate("Count CA " + System.nanoTime(), ROOT);
      TestPki.Held leaf = TestPki.leaf(ca, name);
      return new Chain(ca, leaf, leaf.certifiedKey());
    }
  }

  @BeforeEach
  void install() throws Exception {
    counter = CountingSignatures.install();
    // Both stacks once, so that no one-time work of either is counted.
    Chain warm = Chain.fresh("localhost");
    try (LoopbackTlsPeer server = LoopbackTlsPeer.echo(warm.key())) {
      tlskitClient(server, trustRoot().build());
      jdkClient(server);
    }
  }

  @AfterEach
  void uninstall() {
    counter.close();
  }

  static TlsPolicy.Builder trustRoot() {
    return TlsPolicy.builder().trust(Trust.anchors(ROOT.cert()));
  }

  @Test
  void aClientHandshakeVerifiesEachSignatureOnceAsTheJdkDoes() throws Exception {
    int jdk;
    try (LoopbackTlsPeer server = LoopbackTlsPeer.echo(Chain.fresh("localhost").key())) {
      counter.take();
      jdkClient(server);
      jdk = counter.take();
    }
    int tlskit;
    try (LoopbackTlsPeer server = LoopbackTlsPeer.echo(Chain.fresh("localhost").key())) {
      counter.take();
      SecurityInfo info = tlskitClient(server, trustRoot().build());
      tlskit = counter.take();
      assertThat(info.validation().trusted()).isTrue();
    }
    assertThat(jdk).isEqualTo(PER_AUTHENTICATED_PEER);
    assertThat(tlskit).as("signature verifications in one TlsKit client handshake").isEqualTo(jdk);
  }

  @Test
  void aServerMetAgainAfterTheJdkForgotItsChainCostsOnlyItsCertificateVerify() throws Exception {
    Chain chain = Chain.fresh("localhost");
    try (LoopbackTlsPeer server = LoopbackTlsPeer.echo(chain.key())) {
      assertThat(tlskitClient(server, trustRoot().build()).validation().trusted()).isTrue();
      JdkCertificateCache.flood(chain.leaf().cert());
      counter.take();
      jdkClient(server);
      int jdk = counter.take();
      JdkCertificateCache.flood(chain.leaf().cert());
      counter.take();
      SecurityInfo info = tlskitClient(server, trustRoot().build());
      int tlskit = counter.take();
      assertThat(info.validation().trusted()).isTrue();
      assertThat(jdk).as("the raw JDK once its cache let the chain go").isEqualTo(PER_AUTHENTICATED_PEER);
      assertThat(tlskit).as("a TlsKit client meeting a chain it trusted before").isEqualTo(1);
    }
  }

  @Test
  void aServerMeetingAClientAgainAfterTheJdkForgotItsChainVerifiesOnlyTheCertificateVerifies() throws Exception {
    Chain serverChain = Chain.fresh("localhost");
    Chain clientChain = Chain.fresh("alice");
    TlsServer server = TlsServer.builder(c -> c.writeLine("hi"), ServerCertificates.of(serverChain.key()))
        .clientAuth(TlsServer.ClientAuth.NEED).trustedClientIssuers(List.of(ROOT.cert()))
        .drainTimeout(Duration.ofSeconds(1)).start();
    try {
      TlsPolicy policy = trustRoot().clientCertificate(clientChain.key()).build();
      // A new client each time: a full handshake, no session to resume.
      readHi(TlsClient.builder().timeout(Duration.ofSeconds(10)).policy(policy).build(), server.port());
      JdkCertificateCache.flood(clientChain.leaf().cert());
      counter.take();
      readHi(TlsClient.builder().timeout(Duration.ofSeconds(10)).policy(policy).build(), server.port());
      assertThat(counter.take()).as("one mutual handshake, both sides, chains trusted before").isEqualTo(2);
    } finally {
      server.shutdown(Duration.ofSeconds(1));
    }
  }

  @Test
  void certificatesThatRememberNoVerificationAreStillVerifiedOnce() throws Exception {
    // As in a JVM that puts BouncyCastle's provider first: JSSE then parses with its factory, whose certificates
    // verify afresh on every call, so nothing remembers that path building verified a signature PKIX checks again.
    try (ForgetfulCertificates forgetful = ForgetfulCertificates.install()) {
      aClientHandshakeVerifiesEachSignatureOnceAsTheJdkDoes();
    }
  }

  @Test
  void aServerJudgingClientCertificatesThatRememberNoVerificationVerifiesEachSignatureOnce() throws Exception {
    try (ForgetfulCertificates forgetful = ForgetfulCertificates.install()) {
      aServerJudgingAClientCertificateVerifiesEachSignatureOnceAsTheJdkDoes();
    }
  }

  @Test
  void revocationCheckingAddsOnlyTheCrlSignatures() throws Exception {
    Chain chain = Chain.fresh("localhost");
    TlsPolicy policy = trustRoot().revocation(Revocation.HARD_FAIL)
        .crls(List.of(TestPki.crl(chain.ca()), TestPki.crl(ROOT))).build();
    try (LoopbackTlsPeer server = LoopbackTlsPeer.echo(chain.key())) {
      counter.take();
      SecurityInfo info = tlskitClient(server, policy);
      assertThat(info.validation().trusted()).isTrue();
      assertThat(counter.take()).as("signature verifications with two CRLs")
          .isEqualTo(PER_AUTHENTICATED_PEER + 2);
    }
  }

  @Test
  void aServerJudgingAClientCertificateVerifiesEachSignatureOnceAsTheJdkDoes() throws Exception {
    tlskitMutual(); // warm-up
    int tlskit = tlskitMutual();
    int jdk = jdkMutual();
    assertThat(jdk).isEqualTo(2 * PER_AUTHENTICATED_PEER);
    assertThat(tlskit).as("signature verifications in one mutual TlsKit handshake, both sides").isEqualTo(jdk);
  }

  /** Counts one mutual TlsKit handshake (TlsServer needing a client certificate), chains new to this JVM. */
  private int tlskitMutual() throws Exception {
    TlsServer server = TlsServer.builder(c -> c.writeLine("hi"),
            ServerCertificates.of(Chain.fresh("localhost").key()))
        .clientAuth(TlsServer.ClientAuth.NEED).trustedClientIssuers(List.of(ROOT.cert()))
        .drainTimeout(Duration.ofSeconds(1)).start();
    try {
      TlsClient client = TlsClient.builder().timeout(Duration.ofSeconds(10))
          .policy(trustRoot().clientCertificate(Chain.fresh("alice").key()).build()).build();
      counter.take();
      readHi(client, server.port());
      return counter.take();
    } finally {
      server.shutdown(Duration.ofSeconds(1));
    }
  }

  private static void readHi(TlsClient client, int port) throws Exception {
    try (TlsConnection c = client.connectTls("127.0.0.1", port, "localhost")) {
      assertThat(c.readLine(10)).isEqualTo("hi");
      assertThat(c.securityInfo().resumed()).isFalse();
    }
  }

  /** One full handshake of a new TlsKit client. */
  private static SecurityInfo tlskitClient(LoopbackTlsPeer server, TlsPolicy policy) throws Exception {
    TlsClient client = TlsClient.builder().policy(policy).timeout(Duration.ofSeconds(10)).build();
    try (TlsConnection c = client.connectTls("127.0.0.1", server.port(), "localhost")) {
      c.output().write("ping\n".getBytes());
      c.output().flush();
      assertThat(c.readLine(100)).isEqualTo("ping");
      return c.securityInfo();
    }
  }

  /** One full handshake of a new raw JDK client (PKIX, HTTPS endpoint identification). */
  private static void jdkClient(LoopbackTlsPeer server) throws Exception {
    SSLContext ctx = context(null, ROOT.cert());
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", server.port())) {
      SSLParameters p = s.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      p.setServerNames(List.of(new SNIHostName("localhost")));
      s.setSSLParameters(p);
      s.getOutputStream().write("ping\n".getBytes());
      s.getOutputStream().flush();
      assertThat(s.getInputStream().read()).isEqualTo('p');
    }
  }

  /** Counts one mutual raw JDK handshake with chains new to this JVM, both sides, after a warm-up one. */
  private int jdkMutual() throws Exception {
    int counted = 0;
    for (int i = 0; i < 2; i++) {
      SSLContext serverCtx = context(Chain.fresh("localhost").key(), ROOT.cert());
      SSLContext clientCtx = context(Chain.fresh("alice").key(), ROOT.cert());
      try (SSLServerSocket listener = (SSLServerSocket) serverCtx.getServerSocketFactory()
          .createServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
        listener.setNeedClientAuth(true);
        Thread serving = Thread.ofVirtual().start(() -> {
          try (SSLSocket s = (SSLSocket) listener.accept()) {
            s.startHandshake();
            s.getOutputStream().write('h');
            s.getOutputStream().flush();
            s.getInputStream().read();
          } catch (Exception e) {
            // the client's assertion reports a failed handshake
          }
        });
        counter.take();
        try (SSLSocket s = (SSLSocket) clientCtx.getSocketFactory()
            .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
          SSLParameters p = s.getSSLParameters();
          p.setEndpointIdentificationAlgorithm("HTTPS");
          p.setServerNames(List.of(new SNIHostName("localhost")));
          s.setSSLParameters(p);
          InputStream in = s.getInputStream();
          assertThat(in.read()).isEqualTo('h');
        }
        serving.join(10_000);
        counted = counter.take();
      }
    }
    return counted;
  }

  private static SSLContext context(CertifiedKey key, X509Certificate anchor) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("root", anchor);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (key != null) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("key", key.privateKey(), "pw".toCharArray(), key.chain().toArray(X509Certificate[]::new));
      kmf = KeyManagerFactory.getInstance("PKIX");
      kmf.init(keys, "pw".toCharArray());
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }
}
