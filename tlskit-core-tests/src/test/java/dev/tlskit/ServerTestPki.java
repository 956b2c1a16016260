package dev.tlskit;

import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.Pem;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Throwaway PKI for server tests: a CA, and leaves it signs written as PEM chain and PKCS#8 key files. */
final class ServerTestPki {
  /** A leaf's files and material. */
  record Issued(Path chainFile, Path keyFile, List<X509Certificate> chain, PrivateKey key) {
    X509Certificate leaf() {
      return chain.get(0);
    }

    CertifiedKey certifiedKey() {
      return CertifiedKey.of(key, chain);
    }
  }

  private final Path dir;
  private final HeldCertificate ca;
  private int serial;

  private ServerTestPki(Path dir, String caName) {
    this.dir = dir;
    this.ca = HeldCertificate.root(caName);
  }

  static ServerTestPki create(Path dir, String caName) {
    return new ServerTestPki(dir, caName);
  }

  X509Certificate caCertificate() {
    return ca.certificate();
  }

  /** Issues a server leaf for {@code names} (the first is the CN). */
  Issued server(String... names) throws Exception {
    return write(HeldCertificate.leaf(ca, names));
  }

  /** Issues a server leaf with a {@code type} key for {@code name} (CN and the one DNS name). */
  Issued server(dev.tlskit.certs.KeyType type, String name) throws Exception {
    return write(HeldCertificate.builder().commonName(name).addDnsName(name).keyType(type).signedBy(ca).build());
  }

  /** Issues a client leaf with subject CN {@code cn}. */
  Issued client(String cn) throws Exception {
    return write(HeldCertificate.builder().commonName(cn).signedBy(ca).build());
  }

  private Issued write(HeldCertificate held) throws Exception {
    String base = held.certificate().getSubjectX500Principal().getName().replaceAll("[^A-Za-z0-9]+", "-")
        + "-" + (++serial);
    Path chain = dir.resolve(base + "-chain.pem");
    Path key = dir.resolve(base + ".key");
    Pem.writeCertificates(chain, held.chain());
    Pem.writePrivateKey(key, held.privateKey(), null);
    return new Issued(chain, key, held.chain(), held.privateKey());
  }

  /** Returns a client-side SSL context that trusts this CA and, when {@code clientCert} is given, presents it. */
  SSLContext clientContext(Issued clientCert) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", caCertificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (clientCert != null) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("me", clientCert.key(), new char[0], clientCert.chain().toArray(X509Certificate[]::new));
      kmf = KeyManagerFactory.getInstance("PKIX");
      kmf.init(ks, new char[0]);
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }
}
