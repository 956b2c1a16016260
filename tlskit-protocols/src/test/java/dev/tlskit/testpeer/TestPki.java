package dev.tlskit.testpeer;

import dev.tlskit.certs.HeldCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Comparator;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Throwaway test PKI: a CA and a leaf for localhost and 127.0.0.1 (dev.tlskit.certs), also written as PEM files for
 * the real daemons, and the JDK TLS contexts for both sides. A second, unrelated CA makes a client that must reject
 * the server.
 */
public final class TestPki {
  private static TestPki instance;

  public final HeldCertificate ca = HeldCertificate.root("TlsKit Mail Test CA");
  public final HeldCertificate leaf = HeldCertificate.leaf(ca, "localhost", "127.0.0.1");
  private final HeldCertificate otherCa = HeldCertificate.root("Unrelated CA");
  public final Path dir;
  public final Path caPem;
  public final Path otherCaPem;
  public final Path certPem;
  public final Path keyPem;

  private TestPki(Path dir) throws IOException {
    this.dir = dir;
    this.caPem = Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
    this.otherCaPem = Files.writeString(dir.resolve("other-ca.pem"), otherCa.certificatePem());
    this.certPem = Files.writeString(dir.resolve("leaf.pem"), leaf.certificatePem() + ca.certificatePem());
    this.keyPem = Files.writeString(dir.resolve("leaf.key"), leaf.privateKeyPkcs8Pem());
  }

  /** Returns the PKI of this test JVM, creating it on first use. */
  public static synchronized TestPki get() {
    if (instance != null) return instance;
    try {
      Path dir = Files.createTempDirectory("tlskit-pki");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
      instance = new TestPki(dir);
      return instance;
    } catch (IOException e) {
      throw new IllegalStateException("could not write the test PKI", e);
    }
  }

  private static void deleteTree(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort at JVM exit
    }
  }

  /** Returns the server side: the leaf, its chain and key. */
  public SSLContext serverContext() {
    return serverContext(leaf);
  }

  /** Returns a server context presenting {@code certificate} (for instance a leaf of {@link #ca} for another name). */
  public static SSLContext serverContext(HeldCertificate certificate) {
    try {
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(certificate.certifiedKey().toKeyStore("leaf", new char[0]), new char[0]);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Returns a client context that trusts the test CA. */
  public SSLContext clientContext() {
    return trusting(ca.certificate());
  }

  /** Returns a client context that trusts only an unrelated CA, so it must reject the test server. */
  public SSLContext untrustingClientContext() {
    return trusting(otherCa.certificate());
  }

  private static SSLContext trusting(X509Certificate anchor) {
    try {
      KeyStore ts = KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      ts.setCertificateEntry("ca", anchor);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ts);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

}
