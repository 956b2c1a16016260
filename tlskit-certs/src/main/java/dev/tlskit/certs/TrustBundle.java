package dev.tlskit.certs;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

/** Loads the certificates a peer is to be trusted by, from a PEM bundle, a DER certificate or a PKCS#12 trust store. */
public final class TrustBundle {
  private TrustBundle() {}

  /**
   * Loads the certificates of a trust file, recognising its format by content: PEM bundle (any number of
   * {@code CERTIFICATE} blocks), a single DER certificate, or a PKCS#12 trust store.
   *
   * @param password for a PKCS#12 trust store; ignored for PEM and DER; may be null
   */
  public static List<X509Certificate> load(Path file, char[] password) throws CertificateFileException {
    byte[] data = FileContents.read(file);
    String name = file.toString();
    if (FileContents.isPem(data) || FileContents.isDerCertificate(data)) return Pem.certificates(name, data);
    if (FileContents.isPkcs12(data)) {
      List<X509Certificate> certs = Pkcs12.parse(name, data, password).certificates();
      if (certs.isEmpty()) {
        throw CertificateFileException.wrongFormat(name, "certificates in the PKCS#12 trust store",
            "a PKCS#12 file without certificates");
      }
      return certs;
    }
    throw CertificateFileException.wrongFormat(name, "a PEM certificate bundle or a PKCS#12 trust store",
        FileContents.describe(data));
  }

  /** Returns an in-memory JDK key store trusting each certificate: hand it to a {@code TrustManagerFactory}. */
  public static KeyStore toKeyStore(List<X509Certificate> certificates) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      int i = 0;
      for (X509Certificate c : certificates) ks.setCertificateEntry("trusted-" + i++, c);
      return ks;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build in-memory trust store: " + e.getMessage(), e);
    }
  }
}
