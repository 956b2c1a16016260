package dev.tlskit;

import static org.assertj.core.api.Assumptions.assumeThat;

import dev.tlskit.internal.server.PemFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Throwaway PKI for server tests, made with the openssl command line (until tlskit-certs' builder is on main): a CA,
 * then leaves it signs, each as a PEM chain file and a PKCS#8 key file in a directory.
 */
final class ServerTestPki {
  /** A leaf's files and parsed material. */
  record Issued(Path chainFile, Path keyFile, List<X509Certificate> chain, PrivateKey key) {
    X509Certificate leaf() {
      return chain.get(0);
    }
  }

  final Path dir;
  final Path caCert;
  final Path caKey;
  private int serial;

  private ServerTestPki(Path dir, String caName) throws Exception {
    this.dir = dir;
    this.caCert = dir.resolve(slug(caName) + "-ca.pem");
    this.caKey = dir.resolve(slug(caName) + "-ca.key");
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", caKey.toString(), "-out", caCert.toString(), "-subj", "/CN=" + caName, "-days", "2",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  }

  /** Creates a CA in {@code dir}; skips the test when openssl is missing (fails under tlskit.requirePeers). */
  static ServerTestPki create(Path dir, String caName) throws Exception {
    requireOpenssl();
    return new ServerTestPki(dir, caName);
  }

  static void requireOpenssl() {
    boolean present = Files.isExecutable(Path.of("/usr/bin/openssl"));
    if (!present && Boolean.getBoolean("tlskit.requirePeers")) throw new AssertionError("openssl is missing");
    assumeThat(present).as("openssl installed").isTrue();
  }

  X509Certificate caCertificate() throws Exception {
    return PemFiles.readCertificates(caCert).get(0);
  }

  /** Issues a server leaf for {@code names} (DNS SANs; the first is the CN). */
  Issued server(String... names) throws Exception {
    return issue(names[0], "serverAuth", 2, names);
  }

  /** Issues a client leaf with subject CN {@code cn}. */
  Issued client(String cn) throws Exception {
    return issue(cn, "clientAuth", 2);
  }

  /** Issues a leaf valid for {@code days} (negative: already expired). */
  Issued issue(String cn, String eku, int days, String... dnsNames) throws Exception {
    String base = slug(cn) + "-" + (++serial);
    Path key = dir.resolve(base + ".key");
    Path csr = dir.resolve(base + ".csr");
    Path crt = dir.resolve(base + ".pem");
    Path ext = dir.resolve(base + ".ext");
    StringBuilder e = new StringBuilder("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        + "extendedKeyUsage=" + eku + "\n");
    if (dnsNames.length > 0) {
      List<String> sans = new ArrayList<>();
      for (String n : dnsNames) sans.add("DNS:" + n);
      e.append("subjectAltName=").append(String.join(",", sans)).append('\n');
    }
    Files.writeString(ext, e.toString());
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=" + cn);
    if (days <= 0) return expired(cn, eku, key, csr, crt);
    List<String> sign = new ArrayList<>(List.of("x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(),
        "-CAkey", caKey.toString(), "-set_serial", String.valueOf(1000 + serial), "-extfile", ext.toString(),
        "-out", crt.toString(), "-days", String.valueOf(days)));
    openssl(sign.toArray(String[]::new));
    Path chain = dir.resolve(base + "-chain.pem");
    Files.writeString(chain, Files.readString(crt) + Files.readString(caCert));
    return new Issued(chain, key, PemFiles.readCertificates(chain), PemFiles.readPkcs8Key(key));
  }

  /** Signs with explicit past dates through 'openssl ca' (openssl 3.0's x509 command cannot backdate). */
  private Issued expired(String cn, String eku, Path key, Path csr, Path crt) throws Exception {
    Path db = dir.resolve("index-" + serial + ".txt");
    Files.writeString(db, "");
    Path conf = dir.resolve("ca-" + serial + ".cnf");
    Files.writeString(conf, "[ca]\ndefault_ca=d\n[d]\ndatabase=" + db + "\nnew_certs_dir=" + dir
        + "\nserial=" + dir.resolve("serial-" + serial) + "\ndefault_md=sha256\npolicy=p\nunique_subject=no\n"
        + "[p]\ncommonName=supplied\n[x]\nbasicConstraints=CA:FALSE\nextendedKeyUsage=" + eku + "\n");
    Files.writeString(dir.resolve("serial-" + serial), String.format("%04X%n", 2000 + serial));
    openssl("ca", "-batch", "-config", conf.toString(), "-cert", caCert.toString(), "-keyfile", caKey.toString(),
        "-in", csr.toString(), "-out", crt.toString(), "-startdate", "20200101000000Z",
        "-enddate", "20200102000000Z", "-extensions", "x", "-notext");
    Path chain = dir.resolve(slug(cn) + "-" + serial + "-chain.pem");
    Files.writeString(chain, Files.readString(crt) + Files.readString(caCert));
    return new Issued(chain, key, PemFiles.readCertificates(chain), PemFiles.readPkcs8Key(key));
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

  static void openssl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("openssl " + String.join(" ", args) + " failed:\n"
          + new String(out, StandardCharsets.UTF_8));
    }
  }

  private static String slug(String s) {
    return s.replaceAll("[^A-Za-z0-9]+", "-").toLowerCase();
  }
}
