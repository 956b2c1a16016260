package dev.tlskit;

import dev.tlskit.internal.trust.KeyMaterial;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificates a peer's chain must lead to: the JDK's roots ({@link #system()}, the default) or only the anchors
 * given (a PEM bundle, a PKCS#12 or JKS trust store, certificate objects). Immutable.
 */
public final class Trust {
  private static final Trust SYSTEM = new Trust(null, "system");

  private final List<X509Certificate> anchors; // null: the JDK's roots, loaded on first use
  private final String source;
  private volatile List<X509Certificate> systemAnchors;

  private Trust(List<X509Certificate> anchors, String source) {
    this.anchors = anchors == null ? null : List.copyOf(anchors);
    this.source = source;
  }

  /** Returns the JDK's trust anchors (its {@code cacerts}, or what {@code javax.net.ssl.trustStore} names). */
  public static Trust system() {
    return SYSTEM;
  }

  /** Trusts exactly these certificates as anchors. */
  public static Trust anchors(Collection<X509Certificate> certificates) {
    Objects.requireNonNull(certificates, "certificates");
    if (certificates.isEmpty()) throw new IllegalArgumentException("anchors must not be empty");
    return new Trust(List.copyOf(certificates), certificates.size() + " given certificate(s)");
  }

  /** Trusts exactly these certificates as anchors. */
  public static Trust anchors(X509Certificate... certificates) {
    return anchors(List.of(certificates));
  }

  /** Trusts exactly the certificates of a PEM bundle ({@code -----BEGIN CERTIFICATE-----} blocks). */
  public static Trust fromPem(String pem) {
    List<X509Certificate> certs = KeyMaterial.parseCertificates(pem.getBytes(StandardCharsets.US_ASCII), "PEM text");
    return new Trust(certs, "PEM text");
  }

  /**
   * Trusts exactly the certificates in a file: a PEM bundle, or a PKCS#12 or JKS trust store (told apart by
   * content). {@code password} may be null for a PEM file or a store without integrity password.
   *
   * @throws IOException when the file cannot be read or holds no certificate
   */
  public static Trust fromFile(Path file, char[] password) throws IOException {
    byte[] data = Files.readAllBytes(file);
    if (KeyMaterial.looksLikePem(data)) {
      return new Trust(KeyMaterial.parseCertificates(data, file.toString()), file.toString());
    }
    return fromKeyStore(file, password);
  }

  /** Trusts exactly the certificates of a PKCS#12 or JKS trust store (type detected from the content). */
  public static Trust fromKeyStore(Path file, char[] password) throws IOException {
    KeyStore ks = KeyMaterial.loadKeyStore(file, password);
    List<X509Certificate> certs = new ArrayList<>();
    try {
      for (Enumeration<String> e = ks.aliases(); e.hasMoreElements(); ) {
        String alias = e.nextElement();
        Certificate c = ks.getCertificate(alias);
        if (c instanceof X509Certificate x) certs.add(x);
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read trust store " + file + ": " + e.getMessage(), e);
    }
    if (certs.isEmpty()) throw new IOException("trust store " + file + " holds no certificate");
    return new Trust(certs, file.toString());
  }

  /** Returns true for {@link #system()}. */
  public boolean isSystem() {
    return anchors == null;
  }

  /** Returns the anchors; for {@link #system()} the JDK's roots. */
  public List<X509Certificate> certificates() {
    if (anchors != null) return anchors;
    List<X509Certificate> s = systemAnchors;
    if (s == null) {
      try {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        List<X509Certificate> found = new ArrayList<>();
        for (var tm : tmf.getTrustManagers()) {
          if (tm instanceof X509TrustManager x) found.addAll(List.of(x.getAcceptedIssuers()));
        }
        s = systemAnchors = List.copyOf(found);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot load the JDK's trust anchors: " + e.getMessage(), e);
      }
    }
    return s;
  }

  @Override
  public String toString() {
    return "Trust[" + source + "]";
  }
}
