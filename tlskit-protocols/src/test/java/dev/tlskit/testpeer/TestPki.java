package dev.tlskit.testpeer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Throwaway test PKI made with the openssl command (until dev.tlskit.certs lands): a CA and a leaf for localhost and
 * 127.0.0.1, as PEM files in a temp directory, and the JDK TLS contexts for both sides. A second, unrelated CA makes
 * a client that must reject the server.
 */
public final class TestPki {
  private static TestPki instance;

  public final Path dir;
  public final Path caPem;
  public final Path certPem;
  public final Path keyPem;
  public final Path otherCaPem;

  private TestPki(Path dir) {
    this.dir = dir;
    this.caPem = dir.resolve("ca.pem");
    this.certPem = dir.resolve("leaf.pem");
    this.keyPem = dir.resolve("leaf.key");
    this.otherCaPem = dir.resolve("other-ca.pem");
  }

  /** Returns the PKI of this test JVM, creating it on first use; skips the test when openssl is missing. */
  public static synchronized TestPki get() {
    if (instance != null) return instance;
    Peers.require("openssl", "/usr/bin/openssl");
    try {
      Path dir = Files.createTempDirectory("tlskit-pki");
      dir.toFile().deleteOnExit();
      TestPki p = new TestPki(dir);
      String ec = "ec_paramgen_curve:prime256v1";
      openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", ec, "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
          "-days", "2", "-subj", "/CN=TlsKit Mail Test CA", "-addext", "basicConstraints=critical,CA:TRUE",
          "-addext", "keyUsage=critical,keyCertSign,cRLSign");
      openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", ec, "-nodes", "-keyout", "other-ca.key", "-out",
          "other-ca.pem", "-days", "2", "-subj", "/CN=Unrelated CA", "-addext", "basicConstraints=critical,CA:TRUE");
      openssl(dir, "req", "-newkey", "ec", "-pkeyopt", ec, "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr",
          "-subj", "/CN=localhost");
      Files.writeString(dir.resolve("leaf.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
          + "extendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n");
      openssl(dir, "x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
          "-out", "leaf.pem", "-days", "2", "-extfile", "leaf.ext");
      instance = p;
      return p;
    } catch (IOException e) {
      throw new IllegalStateException("could not create the test PKI", e);
    }
  }

  private static void openssl(Path dir, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("openssl " + String.join(" ", args) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** Returns the server side: the leaf and its key. */
  public SSLContext serverContext() {
    try {
      X509Certificate leaf = readCerts(certPem).get(0);
      X509Certificate ca = readCerts(caPem).get(0);
      String pem = Files.readString(keyPem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder()
          .decode(pem)));
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("leaf", key, new char[0], new Certificate[] {leaf, ca});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, new char[0]);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Returns a client context that trusts the test CA. */
  public SSLContext clientContext() {
    return trusting(caPem);
  }

  /** Returns a client context that trusts only an unrelated CA, so it must reject the test server. */
  public SSLContext untrustingClientContext() {
    return trusting(otherCaPem);
  }

  private static SSLContext trusting(Path pem) {
    try {
      KeyStore ts = KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      int i = 0;
      for (X509Certificate c : readCerts(pem)) ts.setCertificateEntry("ca" + i++, c);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ts);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<X509Certificate> readCerts(Path pem) throws Exception {
    try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(pem))) {
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
      return out;
    }
  }
}
