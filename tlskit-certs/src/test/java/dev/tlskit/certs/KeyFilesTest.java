package dev.tlskit.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.CertifiedKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KeyFilesTest {
  private static final char[] PASSWORD = "s3cret pässword".toCharArray();

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void pkcs12RoundTripsEveryKeyType(KeyType type) throws Exception {
    HeldCertificate root = HeldCertificate.root("root");
    HeldCertificate leaf = HeldCertificate.builder().keyPair(TestKeys.pair(type, 0)).signedBy(root)
        .addDnsName("localhost").build();
    Path p12 = dir.resolve("leaf.p12");
    KeyFiles.writePkcs12(CertifiedKey.of(leaf.privateKey(), leaf.fullChain()), p12, "server", PASSWORD);

    CertifiedKey read = KeyFiles.readPkcs12(p12, PASSWORD);
    assertThat(read.chain()).containsExactlyElementsOf(leaf.fullChain());
    assertThat(read.privateKey().getEncoded()).isEqualTo(leaf.privateKey().getEncoded());
    assertThat(KeyFiles.readPkcs12(p12, PASSWORD, "server").leaf()).isEqualTo(leaf.certificate());
  }

  @Test
  void jdkKeyStoreReadsOurPkcs12() throws Exception {
    HeldCertificate root = HeldCertificate.root("root");
    HeldCertificate leaf = HeldCertificate.leaf(HeldCertificate.intermediate("ca", root), "localhost");
    Path p12 = dir.resolve("leaf.p12");
    KeyFiles.writePkcs12(leaf.certifiedKey(), p12, "tlskit", PASSWORD);

    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(p12)) {
      ks.load(in, PASSWORD);
    }
    // The file's EC key carries its public key (as OpenSSL writes it), so compare the key, not the JDK's encoding.
    var key = (java.security.interfaces.ECPrivateKey) ks.getKey("tlskit", PASSWORD);
    assertThat(key.getS()).isEqualTo(((java.security.interfaces.ECPrivateKey) leaf.privateKey()).getS());
    assertThat(TestKeys.belong(key, leaf.certificate().getPublicKey())).isTrue();
    Certificate[] chain = ks.getCertificateChain("tlskit");
    assertThat(chain).containsExactlyElementsOf(leaf.chain());
  }

  @Test
  void pemPairLoadsAndOrdersAShuffledChain() throws Exception {
    HeldCertificate root = HeldCertificate.root("root");
    HeldCertificate ca = HeldCertificate.intermediate("ca", root);
    HeldCertificate leaf = HeldCertificate.leaf(ca, "localhost");
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Pem.writeCertificates(cert, List.of(root.certificate(), leaf.certificate(), ca.certificate()));
    Pem.writePrivateKey(key, leaf.privateKey(), PASSWORD);

    CertifiedKey m = KeyFiles.readPem(cert, key, PASSWORD);
    assertThat(m.chain()).containsExactly(leaf.certificate(), ca.certificate(), root.certificate());
  }

  @Test
  void writePemThenFromPemRoundTrips() throws Exception {
    HeldCertificate leaf = HeldCertificate.leaf(HeldCertificate.root("root"), "localhost");
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    KeyFiles.writePem(leaf.certifiedKey(), cert, key, null);
    CertifiedKey m = KeyFiles.readPem(cert, key, null);
    assertThat(m.chain()).containsExactlyElementsOf(leaf.chain());
    assertThat(m.privateKey().getEncoded()).isEqualTo(leaf.privateKey().getEncoded());
  }

  @Test
  void keyThatMatchesNoCertificateIsAKeyMismatch() throws Exception {
    HeldCertificate a = HeldCertificate.builder().commonName("alice").build();
    HeldCertificate b = HeldCertificate.builder().commonName("bob").build();
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Pem.writeCertificates(cert, List.of(a.certificate()));
    Pem.writePrivateKey(key, b.privateKey(), null);
    assertThatThrownBy(() -> KeyFiles.readPem(cert, key, null))
        .isInstanceOfSatisfying(CertificateFileException.class,
            e -> assertThat(e.problem()).isEqualTo(CertificateFileException.Problem.KEY_MISMATCH))
        .hasMessageStartingWith(key.toString()).hasMessageContaining("CN=alice");
  }

  @Test
  void ofRejectsAKeyForAnotherCertificate() {
    PrivateKey other = HeldCertificate.builder().build().privateKey();
    X509Certificate cert = HeldCertificate.builder().commonName("mine").build().certificate();
    assertThatThrownBy(() -> CertifiedKey.of(other, List.of(cert))).hasMessageContaining("CN=mine");
  }

  @Test
  void toKeyStoreFeedsAKeyManagerFactory() throws Exception {
    HeldCertificate leaf = HeldCertificate.leaf(HeldCertificate.root("root"), "localhost");
    KeyStore ks = leaf.certifiedKey().toKeyStore("k", PASSWORD);
    var kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
    kmf.init(ks, PASSWORD);
    var km = (javax.net.ssl.X509KeyManager) kmf.getKeyManagers()[0];
    assertThat(km.getCertificateChain(km.chooseServerAlias("EC", null, null))).containsExactlyElementsOf(leaf.chain());
  }

  @Test
  void trustBundleLoadsPemAndPkcs12() throws Exception {
    HeldCertificate root = HeldCertificate.root("root");
    HeldCertificate other = HeldCertificate.root("other");
    Path pem = dir.resolve("bundle.pem");
    Pem.writeCertificates(pem, List.of(root.certificate(), other.certificate()));
    assertThat(TrustBundle.load(pem, null)).containsExactly(root.certificate(), other.certificate());

    Path p12 = dir.resolve("keystore.p12");
    HeldCertificate leaf = HeldCertificate.leaf(root, "localhost");
    KeyFiles.writePkcs12(CertifiedKey.of(leaf.privateKey(), leaf.fullChain()), p12, "x", PASSWORD);
    assertThat(TrustBundle.load(p12, PASSWORD)).containsExactly(leaf.certificate(), root.certificate());
    assertThat(TrustBundle.toKeyStore(List.of(root.certificate())).size()).isEqualTo(1);
  }
}
