package dev.tlskit.certs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Truncated and bit-flipped files either load or fail with {@link CertificateFileException}: never a
 * NullPointerException, a raw BouncyCastle exception or an unbounded wait.
 */
class CorruptInputTest {
  private static final char[] PASSWORD = "pw".toCharArray();
  private static HeldCertificate held;
  private final Random random = new Random(20261123);

  @TempDir Path dir;

  @BeforeAll
  static void makeCertificate() {
    held = HeldCertificate.leaf(HeldCertificate.root("root"), "localhost");
  }

  @Test
  void corruptPemCertificates() throws Exception {
    byte[] good = Pem.encodeCertificates(held.fullChain()).getBytes(StandardCharsets.US_ASCII);
    mutate(good, 300, file -> Pem.readCertificates(file));
    mutate(good, 100, file -> TrustBundle.load(file, null));
  }

  @Test
  void corruptDerCertificate() throws Exception {
    mutate(held.certificate().getEncoded(), 300, file -> Pem.readCertificates(file));
  }

  @Test
  void corruptPemKeys() throws Exception {
    mutate(held.privateKeyPkcs8Pem().getBytes(StandardCharsets.US_ASCII), 200,
        file -> Pem.readPrivateKey(file, null));
    mutate(Pem.encodeTraditionalPrivateKey(held.privateKey()).getBytes(StandardCharsets.US_ASCII), 200,
        file -> Pem.readPrivateKey(file, null));
    mutate(Pem.encodeEncryptedPrivateKey(held.privateKey(), PASSWORD).getBytes(StandardCharsets.US_ASCII), 40,
        file -> Pem.readPrivateKey(file, PASSWORD));
  }

  @Test
  void corruptPkcs12() throws Exception {
    mutate(Pkcs12.encode(held.certifiedKey(), "k", PASSWORD), 40, file -> KeyFiles.readPkcs12(file, PASSWORD));
  }

  interface Load {
    void load(Path file) throws Exception;
  }

  /** Loads {@code count} damaged copies of {@code good}: truncated at a random point, or with random bytes changed. */
  private void mutate(byte[] good, int count, Load load) throws Exception {
    Path file = dir.resolve("input");
    for (int i = 0; i < count; i++) {
      byte[] bad = i % 2 == 0 ? Arrays.copyOf(good, random.nextInt(good.length)) : flip(good);
      Files.write(file, bad);
      Executable call = () -> load.load(file);
      try {
        call.execute();
      } catch (CertificateFileException e) {
        assertThat(e.getMessage()).startsWith(file + ": ").doesNotContain("null");
      } catch (Throwable t) {
        throw new AssertionError("mutation " + i + " escaped as " + t, t);
      }
    }
  }

  private byte[] flip(byte[] good) {
    byte[] bad = good.clone();
    for (int n = 1 + random.nextInt(4); n > 0; n--) bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
    return bad;
  }
}
