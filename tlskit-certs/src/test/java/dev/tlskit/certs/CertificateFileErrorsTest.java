package dev.tlskit.certs;

import static dev.tlskit.certs.CertificateFileException.Problem.PASSWORD_REQUIRED;
import static dev.tlskit.certs.CertificateFileException.Problem.TRUNCATED;
import static dev.tlskit.certs.CertificateFileException.Problem.UNREADABLE;
import static dev.tlskit.certs.CertificateFileException.Problem.WRONG_FORMAT;
import static dev.tlskit.certs.CertificateFileException.Problem.WRONG_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.MacData;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Pfx;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.util.io.pem.PemReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingSupplier;
import org.junit.jupiter.api.io.TempDir;

/** Every unusable input gets a typed error naming the file, what was expected and what was found. */
class CertificateFileErrorsTest {
  private static final char[] PASSWORD = "right".toCharArray();
  private static HeldCertificate leaf;

  @TempDir Path dir;

  @BeforeAll
  static void makeCertificate() {
    leaf = HeldCertificate.leaf(HeldCertificate.root("root"), "localhost");
  }

  @Test
  void keyWhereCertificateExpected() throws Exception {
    Path ca = write("ca.pem", leaf.privateKeyPkcs8Pem());
    CertificateFileException e = fails(() -> Pem.readCertificates(ca));
    assertThat(e.problem()).isEqualTo(WRONG_FORMAT);
    assertThat(e).hasMessage(ca + ": expected a PEM certificate, found a PEM 'PRIVATE KEY' block");
  }

  @Test
  void certificateWhereKeyExpected() throws Exception {
    Path key = write("key.pem", leaf.certificatePem());
    CertificateFileException e = fails(() -> Pem.readPrivateKey(key, null));
    assertThat(e).hasMessage(
        key + ": expected a PEM private key (PKCS#8, PKCS#1 or SEC1), found a PEM 'CERTIFICATE' block");
  }

  @Test
  void emptyFile() throws Exception {
    Path ca = write("ca.pem", "\n \n");
    assertThat(fails(() -> Pem.readCertificates(ca)))
        .hasMessage(ca + ": expected a PEM certificate, found an empty file");
  }

  @Test
  void textWithoutPem() throws Exception {
    Path ca = write("ca.pem", "hello, I am not a certificate\n");
    assertThat(fails(() -> Pem.readCertificates(ca)))
        .hasMessage(ca + ": expected a PEM certificate, found text without any PEM block");
  }

  @Test
  void binaryGarbage() throws Exception {
    byte[] garbage = new byte[300];
    new Random(7).nextBytes(garbage);
    garbage[0] = 0x01;
    Path ca = Files.write(dir.resolve("ca.pem"), garbage);
    CertificateFileException e = fails(() -> Pem.readCertificates(ca));
    assertThat(e.problem()).isEqualTo(WRONG_FORMAT);
    assertThat(e).hasMessage(ca + ": expected a PEM certificate, found binary data that is not DER");
    assertThat(fails(() -> KeyFiles.readPkcs12(ca, PASSWORD)))
        .hasMessage(ca + ": expected a PKCS#12 file, found binary data that is not DER");
  }

  @Test
  void truncatedPemCertificate() throws Exception {
    String pem = leaf.certificatePem();
    Path ca = write("ca.pem", pem.substring(0, pem.length() / 2));
    CertificateFileException e = fails(() -> Pem.readCertificates(ca));
    assertThat(e.problem()).isEqualTo(TRUNCATED);
    assertThat(e).hasMessage(
        ca + ": expected a PEM certificate, found a truncated PEM 'CERTIFICATE' block (no END line)");
  }

  @Test
  void truncatedDerInsideACompletePemBlock() throws Exception {
    byte[] der = leaf.certificate().getEncoded();
    String pem = "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder().encodeToString(Arrays.copyOf(der, der.length / 2)) + "\n-----END CERTIFICATE-----\n";
    Path ca = write("ca.pem", pem);
    assertThat(fails(() -> Pem.readCertificates(ca))).hasMessage(ca
        + ": expected a PEM certificate, found a PEM 'CERTIFICATE' block that does not hold a valid certificate"
        + " (truncated or corrupt)");
  }

  @Test
  void corruptBase64() throws Exception {
    Path ca = write("ca.pem", "-----BEGIN CERTIFICATE-----\nMII!!!%%%***\n-----END CERTIFICATE-----\n");
    CertificateFileException e = fails(() -> Pem.readCertificates(ca));
    assertThat(e.problem()).isEqualTo(WRONG_FORMAT);
    assertThat(e.getMessage()).startsWith(ca + ": expected a PEM certificate, found a ")
        .contains("'CERTIFICATE' block");
  }

  @Test
  void truncatedKey() throws Exception {
    String pem = leaf.privateKeyPkcs8Pem();
    Path key = write("key.pem", pem.substring(0, pem.length() - 30));
    CertificateFileException e = fails(() -> Pem.readPrivateKey(key, null));
    assertThat(e.problem()).isEqualTo(TRUNCATED);
    assertThat(e).hasMessageContaining("truncated PEM 'PRIVATE KEY' block");
  }

  @Test
  void encryptedKeyWithWrongOrMissingPassword() throws Exception {
    Path key = write("key.pem", Pem.encodeEncryptedPrivateKey(leaf.privateKey(), PASSWORD));
    CertificateFileException wrong = fails(() -> Pem.readPrivateKey(key, "wrong".toCharArray()));
    assertThat(wrong.problem()).isEqualTo(WRONG_PASSWORD);
    assertThat(wrong).hasMessage(key + ": wrong password or corrupted encrypted private key");
    CertificateFileException missing = fails(() -> Pem.readPrivateKey(key, null));
    assertThat(missing.problem()).isEqualTo(PASSWORD_REQUIRED);
    assertThat(missing).hasMessage(key + ": the private key is encrypted and no password was given");
  }

  @Test
  void pkcs12WithWrongOrMissingPassword() throws Exception {
    Path p12 = dir.resolve("key.p12");
    KeyFiles.writePkcs12(leaf.certifiedKey(), p12, "k", PASSWORD);
    CertificateFileException wrong = fails(() -> KeyFiles.readPkcs12(p12, "wrong".toCharArray()));
    assertThat(wrong.problem()).isEqualTo(WRONG_PASSWORD);
    assertThat(wrong).hasMessage(p12 + ": wrong password or corrupted PKCS#12 file");
    assertThat(fails(() -> TrustBundle.load(p12, "wrong".toCharArray()))).hasMessage(wrong.getMessage());
    assertThat(fails(() -> KeyFiles.readPkcs12(p12, null)).problem()).isEqualTo(PASSWORD_REQUIRED);
  }

  @Test
  void truncatedPkcs12() throws Exception {
    Path full = dir.resolve("full.p12");
    KeyFiles.writePkcs12(leaf.certifiedKey(), full, "k", PASSWORD);
    byte[] data = Files.readAllBytes(full);
    Path p12 = Files.write(dir.resolve("key.p12"), Arrays.copyOf(data, data.length / 2));
    CertificateFileException e = fails(() -> KeyFiles.readPkcs12(p12, PASSWORD));
    assertThat(e.problem()).isEqualTo(TRUNCATED);
    assertThat(e).hasMessage(p12 + ": expected a PKCS#12 file, found a truncated or corrupt PKCS#12 file");
  }

  @Test
  void pemWherePkcs12ExpectedAndPkcs12WherePemExpected() throws Exception {
    Path pem = write("cert.pem", leaf.certificatePem());
    assertThat(fails(() -> KeyFiles.readPkcs12(pem, PASSWORD)))
        .hasMessage(pem + ": expected a PKCS#12 file, found a PEM 'CERTIFICATE' block");
    Path p12 = dir.resolve("x.p12");
    KeyFiles.writePkcs12(leaf.certifiedKey(), p12, "k", PASSWORD);
    assertThat(fails(() -> Pem.readCertificates(p12)))
        .hasMessage(p12 + ": expected a PEM certificate, found a PKCS#12 file");
  }

  @Test
  void pkcs12AliasThatIsNotThere() throws Exception {
    Path p12 = dir.resolve("x.p12");
    KeyFiles.writePkcs12(leaf.certifiedKey(), p12, "server", PASSWORD);
    assertThat(fails(() -> KeyFiles.readPkcs12(p12, PASSWORD, "client")))
        .hasMessage(p12 + ": expected a key with alias 'client', found keys with aliases [server]");
  }

  @Test
  void missingFileAndDirectory() throws Exception {
    Path missing = dir.resolve("nope.pem");
    CertificateFileException e = fails(() -> Pem.readCertificates(missing));
    assertThat(e.problem()).isEqualTo(UNREADABLE);
    assertThat(e).hasMessage(missing + ": no such file");
    assertThat(fails(() -> Pem.readCertificates(dir))).hasMessage(dir + ": is a directory, not a file");
  }

  @Test
  void trustBundleOfAKeyFile() throws Exception {
    Path trust = write("trust.pem", leaf.privateKeyPkcs8Pem());
    assertThat(fails(() -> TrustBundle.load(trust, null)))
        .hasMessage(trust + ": expected a PEM certificate, found a PEM 'PRIVATE KEY' block");
    Path text = write("trust.txt", "nothing");
    assertThat(fails(() -> TrustBundle.load(text, null))).hasMessage(text
        + ": expected a PEM certificate bundle or a PKCS#12 trust store, found text without any PEM block");
  }

  @Test
  void twoKeysInOneFile() throws Exception {
    Path key = write("key.pem", leaf.privateKeyPkcs8Pem() + HeldCertificate.builder().build().privateKeyPkcs8Pem());
    assertThat(fails(() -> Pem.readPrivateKey(key, null)))
        .hasMessage(key + ": expected one private key, found 2 private keys");
  }

  @Test
  void pemBlockOfTheRightTypeWithGarbageInside() throws Exception {
    String body = Base64.getMimeEncoder().encodeToString("definitely not ASN.1".getBytes(StandardCharsets.US_ASCII));
    for (String type : List.of("PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY")) {
      Path key = write("key.pem", "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
      CertificateFileException e = fails(() -> Pem.readPrivateKey(key, PASSWORD));
      assertThat(e.getMessage()).as(type).startsWith(key + ": ").contains("'" + type + "'").doesNotContain("null");
    }
  }

  @Test
  void encryptedKeyDemandingAbsurdIterationsIsRefusedBeforeDerivingAnything() throws Exception {
    String pem = Pem.encodeEncryptedPrivateKey(leaf.privateKey(), PASSWORD);
    EncryptedPrivateKeyInfo epki = EncryptedPrivateKeyInfo.getInstance(
        new PemReader(new StringReader(pem)).readPemObject().getContent());
    PBES2Parameters pbes2 = PBES2Parameters.getInstance(epki.getEncryptionAlgorithm().getParameters());
    PBKDF2Params kdf = PBKDF2Params.getInstance(pbes2.getKeyDerivationFunc().getParameters());
    PBKDF2Params hostile = new PBKDF2Params(kdf.getSalt(), 2_000_000_000, kdf.getPrf());
    EncryptedPrivateKeyInfo evil = new EncryptedPrivateKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2,
        new PBES2Parameters(new KeyDerivationFunc(PKCSObjectIdentifiers.id_PBKDF2, hostile),
            pbes2.getEncryptionScheme())), epki.getEncryptedData());
    Path key = write("key.pem", "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(evil.getEncoded()) + "\n-----END ENCRYPTED PRIVATE KEY-----\n");
    long start = System.nanoTime();
    assertThat(fails(() -> Pem.readPrivateKey(key, PASSWORD))).hasMessage(key
        + ": expected an encrypted private key with a sane key-derivation cost, found one demanding 2000000000"
        + " iterations (limit 10000000)");
    assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
  }

  @Test
  void pkcs12MacDemandingAbsurdIterationsIsRefused() throws Exception {
    Pfx pfx = Pfx.getInstance(Pkcs12.encode(leaf.certifiedKey(), "k", PASSWORD));
    MacData mac = pfx.getMacData();
    Pfx evil = new Pfx(pfx.getAuthSafe(), new MacData(mac.getMac(), mac.getSalt(), 1_000_000_000));
    Path p12 = Files.write(dir.resolve("evil.p12"), evil.getEncoded());
    assertThat(fails(() -> KeyFiles.readPkcs12(p12, PASSWORD))).hasMessage(p12
        + ": expected a PKCS#12 file with a sane key-derivation cost, found one demanding 1000000000 iterations"
        + " (limit 10000000)");
  }

  private Path write(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content);
  }

  private static CertificateFileException fails(ThrowingSupplier<?> call) {
    return catchThrowableOfType(CertificateFileException.class, () -> call.get());
  }
}
