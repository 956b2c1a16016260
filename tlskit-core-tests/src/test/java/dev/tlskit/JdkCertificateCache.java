package dev.tlskit;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The JDK's cache of parsed certificates (the SUN provider's X.509 factory keeps the last 750 it parsed, by encoding,
 * and hands a certificate parsed before back as the same object, with its remembered verification). Tests use it to
 * make the JDK forget a chain the way a busy server does: by parsing enough other certificates.
 */
final class JdkCertificateCache {
  private JdkCertificateCache() {}

  /** Parses 1,000 certificates, each {@code template} with another signature, so the cache lets older ones go. */
  static void flood(X509Certificate template) throws Exception {
    byte[] der = template.getEncoded();
    CertificateFactory cf = CertificateFactory.getInstance("X.509", "SUN");
    for (int i = 0; i < 1000; i++) {
      byte[] d = der.clone();
      d[d.length - 1] ^= (byte) (i + 1);
      d[d.length - 2] ^= (byte) ((i + 1) >>> 8);
      cf.generateCertificate(new ByteArrayInputStream(d));
    }
  }

  /** Returns {@code chain} as the JDK's factory parses it now (the cached objects while the cache still holds them). */
  static List<X509Certificate> parse(List<X509Certificate> chain) throws CertificateException {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<X509Certificate> out = new ArrayList<>();
    for (X509Certificate c : chain) {
      out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(c.getEncoded())));
    }
    return out;
  }

  /** Returns {@code c} with one byte of its signature changed: the same TBS, a signature that does not verify. */
  static X509Certificate corruptSignature(X509Certificate c) throws CertificateException {
    byte[] d = c.getEncoded();
    d[d.length - 3] ^= 0x01;
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(d));
  }
}
