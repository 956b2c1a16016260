package dev.tlskit.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PemTest {
  private static final char[] PASSWORD = "correct horse".toCharArray();
  private static final Map<KeyType, HeldCertificate> HELD = new EnumMap<>(KeyType.class);

  @TempDir Path dir;

  @BeforeAll
  static void generateOneCertificatePerKeyType() {
    for (KeyType t : KeyType.values()) {
      HELD.put(t, HeldCertificate.builder().keyPair(TestKeys.pair(t, 0)).commonName(t.cliName()).build());
    }
  }

  static HeldCertificate held(KeyType type) {
    return HELD.get(type);
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void pkcs8RoundTripsEveryKeyType(KeyType type) throws Exception {
    PrivateKey key = held(type).privateKey();
    String pem = Pem.encodePrivateKey(key);
    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Pem.decodePrivateKey(pem, null).getEncoded()).isEqualTo(key.getEncoded());
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void encryptedPkcs8RoundTripsEveryKeyType(KeyType type) throws Exception {
    PrivateKey key = held(type).privateKey();
    String pem = Pem.encodeEncryptedPrivateKey(key, PASSWORD);
    assertThat(pem).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    PrivateKey back = Pem.decodePrivateKey(pem, PASSWORD);
    assertThat(back.getEncoded()).isEqualTo(key.getEncoded());
    assertThat(TestKeys.belong(back, held(type).certificate().getPublicKey())).isTrue();
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"EC_P256", "EC_P384", "RSA_2048"})
  void traditionalFormRoundTrips(KeyType type) throws Exception {
    KeyPair pair = held(type).keyPair();
    String pem = Pem.encodeTraditionalPrivateKey(pair.getPrivate());
    assertThat(pem).startsWith(type == KeyType.RSA_2048 ? "-----BEGIN RSA PRIVATE KEY-----"
        : "-----BEGIN EC PRIVATE KEY-----");
    PrivateKey back = Pem.decodePrivateKey(pem, null);
    assertThat(TestKeys.belong(back, pair.getPublic())).isTrue();
    assertThat(back.getAlgorithm()).isEqualTo(pair.getPrivate().getAlgorithm());
  }

  @Test
  void ed25519HasNoTraditionalForm() {
    assertThatThrownBy(() -> Pem.encodeTraditionalPrivateKey(held(KeyType.ED25519).privateKey()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Ed25519").hasMessageContaining("PKCS#8");
  }

  @Test
  void certificateChainRoundTripsInOrder() throws Exception {
    HeldCertificate root = HeldCertificate.root("root");
    HeldCertificate ca = HeldCertificate.intermediate("ca", root);
    HeldCertificate leaf = HeldCertificate.leaf(ca, "localhost");
    Path file = dir.resolve("chain.pem");
    Pem.writeCertificates(file, leaf.fullChain());
    assertThat(Pem.readCertificates(file)).containsExactlyElementsOf(leaf.fullChain());
  }

  @Test
  void combinedFileYieldsCertificatesAndKeySeparately() throws Exception {
    HeldCertificate leaf = held(KeyType.EC_P256);
    Path file = dir.resolve("combined.pem");
    Files.writeString(file, "comment line\n" + leaf.privateKeyPkcs8Pem() + "Bag Attributes\n" + leaf.certificatePem());
    assertThat(Pem.readCertificates(file)).containsExactly(leaf.certificate());
    assertThat(Pem.readPrivateKey(file, null).getEncoded()).isEqualTo(leaf.privateKey().getEncoded());
  }

  @Test
  void windowsLineEndingsAndAByteOrderMarkAreAccepted() throws Exception {
    HeldCertificate leaf = held(KeyType.EC_P256);
    Path file = dir.resolve("windows.pem");
    String text = "\uFEFF" + (leaf.certificatePem() + leaf.privateKeyPkcs8Pem()).replace("\n", "\r\n");
    Files.writeString(file, text, java.nio.charset.StandardCharsets.UTF_8);
    assertThat(KeyFiles.readPem(file, file, null).chain()).containsExactly(leaf.certificate());
  }

  @Test
  void derCertificateIsAccepted() throws Exception {
    Path file = dir.resolve("cert.der");
    Files.write(file, held(KeyType.EC_P256).certificate().getEncoded());
    assertThat(Pem.readCertificates(file)).containsExactly(held(KeyType.EC_P256).certificate());
  }

  @Test
  void privateKeyFilesAreWrittenOwnerOnly() throws Exception {
    Path plain = dir.resolve("key.pem");
    Path encrypted = dir.resolve("key-enc.pem");
    Files.writeString(plain, "old content, world readable");
    Pem.writePrivateKey(plain, held(KeyType.EC_P256).privateKey(), null);
    Pem.writePrivateKey(encrypted, held(KeyType.EC_P256).privateKey(), PASSWORD);
    for (Path p : List.of(plain, encrypted)) {
      assertThat(Files.getPosixFilePermissions(p))
          .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }
    assertThat(Pem.readPrivateKey(encrypted, PASSWORD).getEncoded())
        .isEqualTo(held(KeyType.EC_P256).privateKey().getEncoded());
  }

  @Test
  void emptyPasswordIsRefusedWhenWriting() {
    assertThatThrownBy(() -> Pem.encodeEncryptedPrivateKey(held(KeyType.EC_P256).privateKey(), new char[0]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
  }
}
