package dev.tlskit.certs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.CertifiedKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** OpenSSL accepts what we write, and we read what OpenSSL writes. */
class OpenSslInteropTest {
  private static final String PASSWORD = "interop pässword";
  private static final Map<String, String> ENV = Map.of("TLSKIT_TEST_PASS", PASSWORD);

  @TempDir Path dir;

  @BeforeAll
  static void needsOpenSsl() {
    OpenSsl.require();
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void opensslVerifiesRootIntermediateLeafOfEveryKeyType(KeyType type) throws Exception {
    HeldCertificate root = HeldCertificate.builder().commonName("root").keyPair(TestKeys.pair(type, 0))
        .certificateAuthority(1).build();
    HeldCertificate ca = HeldCertificate.builder().commonName("intermediate").keyPair(TestKeys.pair(type, 1))
        .certificateAuthority(0).signedBy(root).build();
    HeldCertificate leaf = HeldCertificate.builder().commonName("localhost").keyPair(TestKeys.pair(type, 2))
        .signedBy(ca)
        .addSubjectAlternativeName("localhost").addSubjectAlternativeName("127.0.0.1")
        .addSubjectAlternativeName("::1").build();
    writeChain(root, ca, leaf);

    String out = OpenSsl.ok(dir, ENV, "verify", "-CAfile", "ca.pem", "-untrusted", "intermediate.pem",
        "-purpose", "sslserver", "-verify_hostname", "localhost", "leaf.pem");
    assertThat(out).contains("leaf.pem: OK");
    OpenSsl.ok(dir, ENV, "verify", "-CAfile", "ca.pem", "-untrusted", "intermediate.pem", "-purpose", "sslclient",
        "-verify_ip", "::1", "leaf.pem");
  }

  @Test
  void opensslRejectsWrongHostExpiredAndPathLengthViolations() throws Exception {
    HeldCertificate root = HeldCertificate.root("root");
    HeldCertificate ca = HeldCertificate.intermediate("intermediate", root);
    writeChain(root, ca, HeldCertificate.leaf(ca, "localhost"));
    assertThat(OpenSsl.run(dir, ENV, "verify", "-CAfile", "ca.pem", "-untrusted", "intermediate.pem",
        "-verify_hostname", "example.com", "leaf.pem").output()).contains("hostname mismatch");

    HeldCertificate expired = HeldCertificate.builder().expired().signedBy(ca).build();
    Pem.writeCertificates(dir.resolve("expired.pem"), List.of(expired.certificate()));
    assertThat(OpenSsl.run(dir, ENV, "verify", "-CAfile", "ca.pem", "-untrusted", "intermediate.pem",
        "expired.pem").output()).contains("certificate has expired");

    HeldCertificate future = HeldCertificate.builder().notYetValid().signedBy(ca).build();
    Pem.writeCertificates(dir.resolve("future.pem"), List.of(future.certificate()));
    assertThat(OpenSsl.run(dir, ENV, "verify", "-CAfile", "ca.pem", "-untrusted", "intermediate.pem",
        "future.pem").output()).contains("certificate is not yet valid");

    HeldCertificate tooDeep = HeldCertificate.builder().certificateAuthority().signedBy(ca).build();
    Pem.writeCertificates(dir.resolve("chain.pem"), List.of(tooDeep.certificate(), ca.certificate()));
    Pem.writeCertificates(dir.resolve("deep.pem"), List.of(HeldCertificate.leaf(tooDeep, "x.test").certificate()));
    assertThat(OpenSsl.run(dir, ENV, "verify", "-CAfile", "ca.pem", "-untrusted", "chain.pem", "deep.pem").output())
        .contains("path length constraint exceeded");
  }

  @Test
  void opensslClientPurposeRejectsAServerOnlyCertificate() throws Exception {
    HeldCertificate root = HeldCertificate.root("root");
    HeldCertificate server = HeldCertificate.builder().signedBy(root).extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH)
        .build();
    Pem.writeCertificates(dir.resolve("ca.pem"), List.of(root.certificate()));
    Pem.writeCertificates(dir.resolve("server.pem"), List.of(server.certificate()));
    OpenSsl.ok(dir, ENV, "verify", "-CAfile", "ca.pem", "-purpose", "sslserver", "server.pem");
    assertThat(OpenSsl.run(dir, ENV, "verify", "-CAfile", "ca.pem", "-purpose", "sslclient", "server.pem").output())
        .contains("unsuitable certificate purpose");
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"EC_P256", "ED25519", "RSA_2048"})
  void opensslReadsOurPkcs12WithoutLegacyOptions(KeyType type) throws Exception {
    HeldCertificate root = HeldCertificate.root("root");
    HeldCertificate ca = HeldCertificate.intermediate("intermediate", root);
    HeldCertificate leaf = HeldCertificate.builder().keyPair(TestKeys.pair(type, 0)).signedBy(ca)
        .addDnsName("localhost").build();
    KeyFiles.writePkcs12(leaf.certifiedKey(), dir.resolve("x.p12"), "tlskit", PASSWORD.toCharArray());

    String out = OpenSsl.ok(dir, ENV, "pkcs12", "-in", "x.p12", "-passin", "env:TLSKIT_TEST_PASS", "-nodes");
    assertThat(Pem.decodeCertificates(out)).containsExactlyInAnyOrderElementsOf(leaf.chain());
    assertThat(Pem.decodePrivateKey(out, null).getEncoded()).isEqualTo(leaf.privateKey().getEncoded());
    assertThat(out).contains("friendlyName: tlskit");

    String info = OpenSsl.ok(dir, ENV, "pkcs12", "-in", "x.p12", "-passin", "env:TLSKIT_TEST_PASS", "-info",
        "-noout");
    assertThat(info).contains("PBES2, PBKDF2, AES-256-CBC").contains("MAC: sha256");
    assertThat(OpenSsl.run(dir, Map.of("TLSKIT_TEST_PASS", "wrong"), "pkcs12", "-in", "x.p12", "-passin",
        "env:TLSKIT_TEST_PASS", "-noout").exitCode()).isNotZero();
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"EC_P384", "ED25519", "RSA_2048"})
  void opensslReadsOurEncryptedPkcs8AndTraditionalKeys(KeyType type) throws Exception {
    HeldCertificate held = HeldCertificate.builder().keyPair(TestKeys.pair(type, 0)).build();
    Pem.writePrivateKey(dir.resolve("enc.pem"), held.privateKey(), PASSWORD.toCharArray());
    assertThat(Files.readString(dir.resolve("enc.pem"))).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");

    String out = OpenSsl.ok(dir, ENV, "pkey", "-in", "enc.pem", "-passin", "env:TLSKIT_TEST_PASS");
    assertThat(Pem.decodePrivateKey(out, null).getEncoded()).isEqualTo(held.privateKey().getEncoded());
    assertThat(OpenSsl.run(dir, Map.of("TLSKIT_TEST_PASS", "nope"), "pkey", "-in", "enc.pem", "-passin",
        "env:TLSKIT_TEST_PASS").exitCode()).isNotZero();

    if (type != KeyType.ED25519) {
      Files.writeString(dir.resolve("trad.pem"), Pem.encodeTraditionalPrivateKey(held.privateKey()));
      String pub = OpenSsl.ok(dir, ENV, "pkey", "-in", "trad.pem", "-pubout");
      assertThat(publicKey(pub, held.certificate().getPublicKey().getAlgorithm()))
          .isEqualTo(held.certificate().getPublicKey());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem",
      "genpkey -algorithm ED25519 -out key.pem",
      "genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem",
      "ecparam -genkey -name secp384r1 -out key.pem",
      "genrsa -traditional -out key.pem 2048",
      "genrsa -traditional -aes256 -passout env:TLSKIT_TEST_PASS -out key.pem 2048",
      "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -aes-256-cbc -pass env:TLSKIT_TEST_PASS -out key.pem"})
  void weReadKeysOpensslWrote(String command) throws Exception {
    OpenSsl.ok(dir, ENV, command.split(" "));
    String header = Files.readString(dir.resolve("key.pem"));
    if (command.startsWith("ecparam")) assertThat(header).contains("EC PARAMETERS").contains("EC PRIVATE KEY");
    if (command.startsWith("genrsa")) assertThat(header).contains("RSA PRIVATE KEY");

    PrivateKey key = Pem.readPrivateKey(dir.resolve("key.pem"), PASSWORD.toCharArray());
    String pub = OpenSsl.ok(dir, ENV, "pkey", "-in", "key.pem", "-passin", "env:TLSKIT_TEST_PASS", "-pubout");
    assertThat(TestKeys.belong(key, publicKey(pub, key.getAlgorithm()))).isTrue();
  }

  @Test
  void weReadPkcs12AndCertificatesOpensslWrote() throws Exception {
    OpenSsl.ok(dir, ENV, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "key.pem", "-out", "cert.pem", "-subj", "/CN=openssl made", "-days", "2");
    OpenSsl.ok(dir, ENV, "pkcs12", "-export", "-in", "cert.pem", "-inkey", "key.pem", "-name", "made",
        "-passout", "env:TLSKIT_TEST_PASS", "-out", "made.p12");

    CertifiedKey fromPem = KeyFiles.readPem(dir.resolve("cert.pem"), dir.resolve("key.pem"), null);
    CertifiedKey fromP12 = KeyFiles.readPkcs12(dir.resolve("made.p12"), PASSWORD.toCharArray(), "made");
    assertThat(fromPem.leaf().getSubjectX500Principal().getName()).isEqualTo("CN=openssl made");
    assertThat(fromP12.chain()).isEqualTo(fromPem.chain());
    assertThat(fromP12.privateKey().getEncoded()).isEqualTo(fromPem.privateKey().getEncoded());

    OpenSsl.ok(dir, ENV, "pkcs12", "-export", "-nokeys", "-in", "cert.pem", "-passout", "env:TLSKIT_TEST_PASS",
        "-out", "trust.p12");
    assertThat(TrustBundle.load(dir.resolve("trust.p12"), PASSWORD.toCharArray()))
        .containsExactly(fromPem.leaf());

    OpenSsl.ok(dir, ENV, "x509", "-in", "cert.pem", "-trustout", "-addtrust", "serverAuth", "-out", "trusted.pem");
    assertThat(Files.readString(dir.resolve("trusted.pem"))).contains("BEGIN TRUSTED CERTIFICATE");
    assertThat(TrustBundle.load(dir.resolve("trusted.pem"), null)).containsExactly(fromPem.leaf());
  }

  private void writeChain(HeldCertificate root, HeldCertificate ca, HeldCertificate leaf) throws Exception {
    Pem.writeCertificates(dir.resolve("ca.pem"), List.of(root.certificate()));
    Pem.writeCertificates(dir.resolve("intermediate.pem"), List.of(ca.certificate()));
    Pem.writeCertificates(dir.resolve("leaf.pem"), List.of(leaf.certificate()));
  }

  private static PublicKey publicKey(String pem, String algorithm) throws Exception {
    String b64 = pem.replaceAll("(?s).*-----BEGIN PUBLIC KEY-----(.*)-----END PUBLIC KEY-----.*", "$1")
        .replaceAll("\\s", "");
    String alg = algorithm.equals("EdDSA") ? "Ed25519" : algorithm;
    return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
  }
}
