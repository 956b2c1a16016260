package dev.tlskit.internal.trust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.certs.HeldCertificate;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

/** The table of trusted chains' certificates: found only by an equal encoding, and never more than its slots. */
class TrustedCertificatesTest {
  static final java.security.Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();
  static final X509Certificate CERT = jdk(HeldCertificate.leaf(HeldCertificate.root("Table Root"), "localhost")
      .certificate());

  /** The JDK's own object for {@code c}: the only kind the table keeps. */
  static X509Certificate jdk(X509Certificate c) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509", "SUN")
          .generateCertificate(new ByteArrayInputStream(c.getEncoded()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void findsAKeptCertificateOnlyByAnEqualEncoding() throws Exception {
    TrustedCertificates table = new TrustedCertificates();
    table.keep(CERT);
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    X509Certificate same = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(CERT.getEncoded()));
    assertThat(table.find(same)).isSameAs(CERT);
    byte[] other = CERT.getEncoded();
    other[other.length - 1] ^= 1;
    assertThat(table.find((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(other)))).isNull();
  }

  @Test
  void keepsOnlyTheJdksOwnCertificateObjects() throws Exception {
    TrustedCertificates table = new TrustedCertificates();
    X509Certificate foreign = (X509Certificate) CertificateFactory.getInstance("X.509", BC)
        .generateCertificate(new ByteArrayInputStream(CERT.getEncoded()));
    table.keep(foreign);
    assertThat(table.size()).isZero();
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
    assertThat(table.find(last)).isSameAs(last);
  }
}
