package dev.tlskit.certs;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Fuzzes the readers of certificate and key files, which may come from anyone (a peer's bundle, a downloaded trust
 * store): PEM certificates and keys (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, OpenSSL legacy encryption) and PKCS#12.
 * Seeds (CertificateFilesFuzzTestInputs) were written by OpenSSL 3 ({@code openssl req/pkcs8/pkcs12}, default and
 * {@code -legacy}); their password is {@code pw}. The only allowed failure is {@link CertificateFileException};
 * key derivation cost is capped by {@code KdfLimits} before the password is tried.
 */
class CertificateFilesFuzzTest {
  private static final char[] PASSWORD = "pw".toCharArray();

  @FuzzTest(maxDuration = "2m")
  void decodesPemOrRefusesTyped(byte[] data) {
    String text = new String(data, StandardCharsets.ISO_8859_1);
    try {
      List<X509Certificate> certs = Pem.decodeCertificates(text);
      assertThat(certs).isNotEmpty().doesNotContainNull();
    } catch (CertificateFileException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
    try {
      PrivateKey key = Pem.decodePrivateKey(text, PASSWORD);
      assertThat(key).isNotNull();
    } catch (CertificateFileException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @FuzzTest(maxDuration = "2m")
  void parsesPkcs12OrRefusesTyped(byte[] data) {
    try {
      Pkcs12.Contents contents = Pkcs12.parse("fuzz.p12", data, PASSWORD);
      for (Pkcs12.Entry e : contents.keys()) assertThat(e.key()).isNotNull();
      for (Pkcs12.CertificateBag b : contents.certificateBags()) assertThat(b.certificate()).isNotNull();
    } catch (CertificateFileException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }
}
