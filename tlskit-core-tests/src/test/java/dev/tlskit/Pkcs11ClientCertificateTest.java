package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.testing.LoopbackHttps;
import dev.tlskit.testing.SoftHsm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS with client keys generated inside a PKCS#11 token (SoftHSM2, through the JDK's SunPKCS11) and never
 * leaving it; the collection selector; what the selection request carries.
 */
class Pkcs11ClientCertificateTest {
  static final HeldCertificate SERVER_ROOT = HeldCertificate.root("Pkcs11 Server Root");
  static final HeldCertificate SERVER = HeldCertificate.leaf(SERVER_ROOT, "localhost");
  static final HeldCertificate CLIENT_ROOT = HeldCertificate.root("Pkcs11 Client Root");
  static final HeldCertificate OTHER_ROOT = HeldCertificate.root("Pkcs11 Other Root");
  static final String PIN = "4711";

  @TempDir static Path dir;
  // every token is made before the JDK first loads SoftHSM's module, so that no test depends on SoftHSM noticing
  // tokens made after it started
  static SoftHsm.Token single;
  static SoftHsm.Token unopened;
  static SoftHsm.Token collection;
  static X509Certificate singleCert;
  static X509Certificate goodCert;

  TlsServer server;

  @BeforeAll
  static void tokens() {
    single = SoftHsm.newToken(PIN);
    singleCert = certify(single, "01", "alice", CLIENT_ROOT, false);
    unopened = SoftHsm.newToken(PIN);
    certify(unopened, "01", "carol", CLIENT_ROOT, false);
    collection = SoftHsm.newToken(PIN);
    // alias order is the collection's order: the expired one and the other CA's come before the good one
    certify(collection, "01", "a-expired", CLIENT_ROOT, true);
    certify(collection, "02", "b-other-ca", OTHER_ROOT, false);
    goodCert = certify(collection, "03", "c-good", CLIENT_ROOT, false);
  }

  /** Generates a key pair in the token and writes a certificate for it from {@code issuer} under {@code alias}. */
  static X509Certificate certify(SoftHsm.Token token, String id, String alias, HeldCertificate issuer,
      boolean expired) {
    PublicKey pub = token.generateKeyPair(id, "EC:prime256v1");
    HeldCertificate.Builder b = HeldCertificate.builder().commonName(alias).keyPair(new KeyPair(pub, null))
        .signedBy(issuer);
    if (expired) b.validity(Instant.now().minus(Duration.ofDays(30)), Instant.now().minus(Duration.ofDays(1)));
    X509Certificate cert = b.build().certificate();
    token.writeCertificate(id, alias, cert);
    return cert;
  }

  @AfterEach
  void stop() {
    if (server != null) server.shutdown(Duration.ofSeconds(1));
  }

  /** Starts a server that needs a client certificate from CLIENT_ROOT and answers with the client's subject. */
  void startServer(TlsPolicy serverPolicy) throws Exception {
    server = TlsServer.builder(c -> c.writeLine(c.peerIdentity().map(PeerIdentity::subject).orElse("none")),
            ServerCertificates.of(SERVER.certifiedKey()))
        .policy(serverPolicy).clientAuth(TlsServer.ClientAuth.NEED)
        .trustedClientIssuers(List.of(CLIENT_ROOT.certificate())).start();
  }

  /** Connects with {@code policy} and returns the subject the server saw. */
  String subjectSeenByServer(TlsPolicy policy) throws Exception {
    TlsClient client = TlsClient.builder().policy(policy).timeout(Duration.ofSeconds(10)).build();
    try (TlsConnection c = client.connectTls("127.0.0.1", server.port(), "localhost")) {
      return c.readLine(1024);
    }
  }

  static TlsPolicy.Builder trustingServer() {
    return TlsPolicy.builder().trust(Trust.anchors(SERVER_ROOT.certificate()));
  }

  @Test
  void aKeyGeneratedInTheTokenSignsTheHandshakeWithoutLeavingIt() throws Exception {
    CertifiedKey key = CertifiedKey.fromPkcs11(single.sunPkcs11Config(dir), PIN.toCharArray(), null);
    assertThat(key.leaf()).isEqualTo(singleCert);
    assertThat(key.privateKey().getEncoded()).as("a token key is not extractable").isNull();
    assertThat(key.privateKey().getClass().getName()).startsWith("sun.security.pkcs11.");
    assertThat(single.privateKeyAccess("01")).contains("never extractable").contains("local");
    for (String version : List.of("TLSv1.3", "TLSv1.2")) {
      startServer(TlsPolicy.builder().protocols(version).build());
      assertThat(subjectSeenByServer(trustingServer().clientCertificate(key).build()))
          .as(version).isEqualTo("CN=alice");
      server.shutdown(Duration.ofSeconds(1));
    }
  }

  @Test
  void aWrongPinIsATypedError() throws Exception {
    Path config = unopened.sunPkcs11Config(dir);
    assertThatThrownBy(() -> CertifiedKey.fromPkcs11(config, "0000".toCharArray(), null))
        .isInstanceOfSatisfying(Pkcs11Exception.class, e -> {
          assertThat(e.problem()).isEqualTo(Pkcs11Exception.Problem.WRONG_PIN);
          assertThat(e.configuration()).isEqualTo(config.toString());
        })
        .hasMessageContaining(config.toString()).hasMessageContaining("refused the PIN");
    assertThat(CertifiedKey.fromPkcs11(config, PIN.toCharArray(), "carol").leaf().getSubjectX500Principal())
        .isEqualTo(new X500Principal("CN=carol"));
  }

  @Test
  void aMissingAliasAndAnUnusableConfigurationAreTypedErrors() throws Exception {
    Path config = single.sunPkcs11Config(dir);
    assertThatThrownBy(() -> CertifiedKey.fromPkcs11(config, PIN.toCharArray(), "nobody"))
        .isInstanceOfSatisfying(Pkcs11Exception.class,
            e -> assertThat(e.problem()).isEqualTo(Pkcs11Exception.Problem.NO_KEY))
        .hasMessageContaining("nobody");
    Path broken = Files.writeString(dir.resolve("broken.cfg"),
        "name = broken\nlibrary = " + dir.resolve("no-such-module.so") + "\n");
    assertThatThrownBy(() -> CertifiedKey.fromPkcs11(broken, PIN.toCharArray(), null))
        .isInstanceOfSatisfying(Pkcs11Exception.class,
            e -> assertThat(e.problem()).isEqualTo(Pkcs11Exception.Problem.BAD_CONFIGURATION))
        .hasMessageContaining("broken.cfg");
  }

  @Test
  void theCollectionSelectorPresentsTheFirstValidCertificateFromAnAcceptedIssuer() throws Exception {
    List<CertifiedKey> keys = CertifiedKey.allFromPkcs11(collection.sunPkcs11Config(dir), PIN.toCharArray());
    assertThat(keys).extracting(k -> k.leaf().getSubjectX500Principal().getName())
        .containsExactly("CN=a-expired", "CN=b-other-ca", "CN=c-good");
    assertThat(keys.get(2).leaf()).isEqualTo(goodCert);
    startServer(TlsPolicy.MODERN);
    // no selector: the policy's default for a collection is firstValidMatchingIssuers
    assertThat(subjectSeenByServer(trustingServer().clientCertificates(keys).build())).isEqualTo("CN=c-good");
  }

  @Test
  void aCollectionWithNothingTheServerAcceptsIsRefusedNamingWhy() throws Exception {
    List<CertifiedKey> keys = CertifiedKey.allFromPkcs11(collection.sunPkcs11Config(dir), PIN.toCharArray());
    startServer(TlsPolicy.MODERN);
    TlsPolicy notGood = trustingServer().clientCertificates(keys.subList(0, 2)).build(); // expired, other CA
    assertThatThrownBy(() -> subjectSeenByServer(notGood))
        .isInstanceOfSatisfying(TlsSecurityException.class, e -> assertThat(e.reason())
            .isEqualTo(TlsSecurityException.Reason.CLIENT_CERTIFICATE_REFUSED))
        .hasMessageContaining("none of the 2 certificates of the collection is valid")
        .hasMessageContaining("CN=Pkcs11 Client Root");
  }

  @Test
  void theCollectionSelectorSkipsExpiredForeignAndUnfitCandidates() {
    ClientCertificateSelector first = ClientCertificateSelector.firstValidMatchingIssuers();
    List<CertifiedKey> keys = new ArrayList<>();
    try {
      keys.addAll(CertifiedKey.allFromPkcs11(collection.sunPkcs11Config(dir), PIN.toCharArray()));
    } catch (Pkcs11Exception e) {
      throw new AssertionError(e);
    }
    List<X500Principal> clientRoot = List.of(CLIENT_ROOT.certificate().getSubjectX500Principal());
    List<X500Principal> otherRoot = List.of(OTHER_ROOT.certificate().getSubjectX500Principal());
    List<CertifiedKey> notGood = keys.subList(0, 2);
    assertThat(first.select(new ClientCertificateSelector.Request("h", List.of("EC"), clientRoot, List.of(),
        notGood))).as("only an expired certificate from the accepted issuer").isEmpty();
    assertThat(first.select(new ClientCertificateSelector.Request("h", List.of("EC"), otherRoot, List.of(), keys)))
        .map(k -> k.leaf().getSubjectX500Principal().getName()).contains("CN=b-other-ca");
    assertThat(first.select(new ClientCertificateSelector.Request("h", List.of("RSA"), clientRoot, List.of(),
        keys))).as("no candidate of a key type the server accepts").isEmpty();
    assertThat(first.select(new ClientCertificateSelector.Request("h", List.of("EC"), List.of(), List.of(), keys)))
        .as("a server naming no issuer accepts any: the first valid").map(k -> k.leaf().getSubjectX500Principal())
        .contains(new X500Principal("CN=b-other-ca"));
  }

  @Test
  void theSelectionRequestCarriesTheServersChainAndTheCandidatesInTls12AndTls13() throws Exception {
    List<CertifiedKey> keys = CertifiedKey.allFromPkcs11(collection.sunPkcs11Config(dir), PIN.toCharArray());
    if (Security.getProvider("BC") == null) Security.addProvider(new BouncyCastleProvider()); // BCJSSE's crypto
    // the JDK's JSSE, then BouncyCastle's: both ask for the client certificate after the server's Certificate,
    // in TLS 1.3 too (where the server's CertificateRequest comes first)
    for (Provider provider : new Provider[] {null, new BouncyCastleJsseProvider()}) {
      for (String version : List.of("TLSv1.2", "TLSv1.3")) {
        String as = (provider == null ? "JDK " : "BCJSSE ") + version;
        startServer(TlsPolicy.builder().protocols(version).build());
        List<ClientCertificateSelector.Request> seen = new CopyOnWriteArrayList<>();
        TlsPolicy.Builder b = trustingServer().clientCertificates(keys).clientCertificateSelector(request -> {
          seen.add(request);
          return Optional.of(request.candidates().get(2));
        });
        if (provider != null) b.provider(provider);
        assertThat(subjectSeenByServer(b.build())).as(as).isEqualTo("CN=c-good");
        assertThat(seen).as(as).hasSize(1);
        ClientCertificateSelector.Request r = seen.get(0);
        assertThat(r.serverChain()).as(as).containsExactly(SERVER.certificate());
        assertThat(r.candidates()).as(as).isEqualTo(keys);
        assertThat(r.acceptableIssuers()).as(as).containsExactly(CLIENT_ROOT.certificate().getSubjectX500Principal());
        assertThat(r.peerHost()).as(as).isEqualTo("localhost");
        server.shutdown(Duration.ofSeconds(1));
      }
    }
  }

  @Test
  void anSslEngineClientSeesTheSameRequestAndSignsWithTheTokenKey() throws Exception {
    // java.net.http.HttpClient drives the policy's context through SSLEngine (chooseEngineClientAlias)
    List<CertifiedKey> keys = CertifiedKey.allFromPkcs11(collection.sunPkcs11Config(dir), PIN.toCharArray());
    for (String version : List.of("TLSv1.2", "TLSv1.3")) {
      List<ClientCertificateSelector.Request> seen = new CopyOnWriteArrayList<>();
      TlsPolicy policy = trustingServer().clientCertificates(keys).clientCertificateSelector(request -> {
        seen.add(request);
        return ClientCertificateSelector.firstValidMatchingIssuers().select(request);
      }).build();
      try (LoopbackHttps https = LoopbackHttps.start(SERVER.certifiedKey(), b -> b
          .policy(TlsPolicy.builder().protocols(version).build()).clientAuth(TlsServer.ClientAuth.NEED)
          .trustedClientIssuers(List.of(CLIENT_ROOT.certificate())))) {
        HttpClient http = HttpClient.newBuilder().sslContext(policy.sslContext()).sslParameters(policy.sslParameters())
            .connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(https.url("localhost")))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).as(version).startsWith(version).endsWith("client=CN=c-good");
      }
      assertThat(seen).as(version).hasSize(1);
      assertThat(seen.get(0).serverChain()).as(version).containsExactly(SERVER.certificate());
      assertThat(seen.get(0).candidates()).as(version).isEqualTo(keys);
    }
  }

  @Test
  void aTokenKeyWhoseProviderIsNotRegisteredIsRefusedWithTheReason() throws Exception {
    Path config = Files.writeString(dir.resolve("unregistered.cfg"),
        "name = unregistered\nlibrary = " + SoftHsm.MODULE + "\nslot = " + single.slot() + "\n");
    Provider p = Security.getProvider("SunPKCS11").configure(config.toString());
    KeyStore ks = KeyStore.getInstance("PKCS11", p);
    ks.load(null, PIN.toCharArray());
    PrivateKey key = (PrivateKey) ks.getKey("alice", null);
    assertThatThrownBy(() -> CertifiedKey.of(key, List.of(singleCert))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("registered with java.security.Security");
    Security.addProvider(p);
    try {
      assertThat(CertifiedKey.of(key, List.of(singleCert)).leaf()).isEqualTo(singleCert);
    } finally {
      Security.removeProvider(p.getName());
    }
  }

  @Test
  void aFixedCertificateAndACollectionContradict() throws Exception {
    CertifiedKey key = CertifiedKey.fromPkcs11(single.sunPkcs11Config(dir), PIN.toCharArray(), null);
    assertThatThrownBy(() -> trustingServer().clientCertificate(key).clientCertificates(List.of(key)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clientCertificates");
  }
}
