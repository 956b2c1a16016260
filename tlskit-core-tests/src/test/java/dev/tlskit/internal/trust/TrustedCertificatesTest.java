package dev.tlskit.internal.trust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.certs.HeldCertificate;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

/** The table of trusted chains' certificates: found only by an equal encoding, and never more than its slots. */
class TrustedCertificatesTest {
  static final X509Certificate CERT = HeldCertificate.leaf(HeldCertificate.root("Table Root"), "localhost")
      .certificate();

  @Test
  void findsAKeptCertificateOnlyByAnEqualEncoding() throws Exception {
    TrustedCertificates table = new TrustedCertificates();
    table.keep(CERT);
    assertThat(table.find(CERT.getEncoded())).isSameAs(CERT);
    byte[] other = CERT.getEncoded();
    other[other.length - 1] ^= 1;
    assertThat(table.find(other)).isNull();
  }

  @Test
  void holdsNoMoreThanItsSlotsHoweverManyCertificatesItIsGiven() throws Exception {
    TrustedCertificates table = new TrustedCertificates();
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    byte[] der = CERT.getEncoded();
    X509Certificate last = null;
    for (int i = 0; i < 4 * TrustedCertificates.SLOTS; i++) {
      byte[] d = der.clone();
      d[d.length - 1] ^= (byte) i;
      d[d.length - 2] ^= (byte) (i >>> 8);
      last = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(d));
      table.keep(last);
    }
    assertThat(table.size()).isLessThanOrEqualTo(TrustedCertificates.SLOTS).isGreaterThan(TrustedCertificates.SLOTS / 2);
    assertThat(table.find(last.getEncoded())).isSameAs(last);
  }
}
