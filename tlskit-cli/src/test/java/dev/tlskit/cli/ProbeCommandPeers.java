package dev.tlskit.cli;

import dev.tlskit.CertifiedKey;
import dev.tlskit.ServerCertificates;
import dev.tlskit.ServerConnection;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsServer;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.Pem;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.Assumptions;

/**
 * Real peers for the probe tests: {@code openssl s_server} in a chosen configuration on a free loopback port, with
 * certificates made in the test; a STARTTLS SMTP server built on TlsServer; stapled OCSP responses made with
 * BouncyCastle. Everything listens on 127.0.0.1 only and is stopped by {@link #close()}.
 */
final class ProbeCommandPeers implements AutoCloseable {
  static final String OPENSSL = "/usr/bin/openssl";
  static final String TESTSSL = "/usr/bin/testssl";
  static final String VSFTPD = "/usr/sbin/vsftpd";
  static final String DOVECOT = "/usr/sbin/dovecot";
  static final String PURE_FTPD = "/opt/tlskit-peers/pure-ftpd/usr/sbin/pure-ftpd";

  private final Path dir;
  private final List<Process> processes = new ArrayList<>();
  private final List<TlsServer> servers = new ArrayList<>();
  final HeldCertificate root = HeldCertificate.builder().commonName("Probe Test Root").certificateAuthority()
      .validFor(Duration.ofDays(365)).build();
  final HeldCertificate intermediate = HeldCertificate.builder().commonName("Probe Test Intermediate")
      .certificateAuthority(0).signedBy(root).validFor(Duration.ofDays(365)).build();

  ProbeCommandPeers(Path dir) {
    this.dir = dir;
  }

  /** Skips (or, under -Dtlskit.requirePeers=true, fails) unless {@code binary} is installed. */
  static void require(String binary) {
    boolean present = Files.isExecutable(Path.of(binary));
    if (!present && Boolean.getBoolean("tlskit.requirePeers")) {
      throw new AssertionError(binary + " is required (-Dtlskit.requirePeers=true) but missing; run"
          + " scripts/install-peers");
    }
    Assumptions.assumeTrue(present, binary + " is not installed; run scripts/install-peers");
  }

  /** Returns a leaf for localhost and 127.0.0.1 issued by the intermediate, valid for 90 days. */
  HeldCertificate goodLeaf() {
    return leaf().build();
  }

  /** Returns a builder for a leaf for localhost and 127.0.0.1 issued by the intermediate, valid for 90 days. */
  HeldCertificate.Builder leaf() {
    return HeldCertificate.builder().commonName("localhost").addSubjectAlternativeName("localhost")
        .addSubjectAlternativeName("127.0.0.1").signedBy(intermediate).validFor(Duration.ofDays(90));
  }

  /** Writes the root to a PEM file for --trust and returns its path. */
  Path rootPem() throws IOException {
    Path p = dir.resolve("root.pem");
    Files.writeString(p, root.certificatePem());
    return p;
  }

  /**
   * Starts {@code openssl s_server} presenting {@code leaf} with its chain and the given extra options; returns its
   * port once it accepts connections.
   */
  int openssl(HeldCertificate leaf, String... options) throws IOException, InterruptedException {
    require(OPENSSL);
    String id = Long.toString(System.nanoTime());
    Path cert = dir.resolve("cert-" + id + ".pem");
    Path key = dir.resolve("key-" + id + ".pem");
    Path chain = dir.resolve("chain-" + id + ".pem");
    Files.writeString(cert, leaf.certificatePem());
    Files.writeString(key, leaf.privateKeyPkcs8Pem());
    List<X509Certificate> issuers = leaf.chain().subList(1, leaf.chain().size());
    Files.writeString(chain, Pem.encodeCertificates(issuers));
    int port = freePort();
    List<String> cmd = new ArrayList<>(List.of(OPENSSL, "s_server", "-accept", "127.0.0.1:" + port,
        "-cert", cert.toString(), "-key", key.toString(), "-quiet"));
    if (!issuers.isEmpty()) cmd.addAll(List.of("-cert_chain", chain.toString()));
    cmd.addAll(List.of(options));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("s_server-" + id + ".log").toFile()).start();
    processes.add(p);
    awaitPort(port, p, dir.resolve("s_server-" + id + ".log"));
    return port;
  }

  /**
   * Starts a real vsftpd (explicit FTPS: AUTH TLS) presenting {@code leaf}, as the launching user, anonymous-only
   * with an empty root; returns its port once it accepts connections.
   */
  int vsftpd(HeldCertificate leaf) throws IOException, InterruptedException {
    require(VSFTPD);
    String id = Long.toString(System.nanoTime());
    Path cert = chainFile("vsftpd-cert-" + id, leaf);
    Path key = keyFile("vsftpd-key-" + id, leaf);
    Path root = Files.createDirectories(dir.resolve("vsftpd-root-" + id));
    int port = freePort();
    Path conf = dir.resolve("vsftpd-" + id + ".conf");
    Files.writeString(conf, String.join("\n",
        "listen=YES", "listen_address=127.0.0.1", "listen_port=" + port, "background=NO",
        "run_as_launching_user=YES", "anonymous_enable=YES", "anon_root=" + root, "local_enable=NO",
        "secure_chroot_dir=" + root, "ssl_enable=YES", "rsa_cert_file=" + cert, "rsa_private_key_file=" + key,
        "ssl_ciphers=ECDHE+AESGCM", ""));
    Path log = dir.resolve("vsftpd-" + id + ".log");
    Process p = new ProcessBuilder(VSFTPD, conf.toString()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    processes.add(p);
    awaitPort(port, p, log);
    return port;
  }

  /**
   * Starts a real pure-ftpd 1.0.50 (explicit FTPS, TLS optional; it issues no TLS 1.3 session tickets) presenting
   * {@code leaf}, with no logins (the probe never logs in); returns its port once it accepts connections. Kept minimal:
   * the FTP client tests have their own harness.
   */
  int pureFtpd(HeldCertificate leaf) throws IOException, InterruptedException {
    require(PURE_FTPD);
    String id = Long.toString(System.nanoTime());
    Path cert = chainFile("pure-ftpd-cert-" + id, leaf);
    Path key = keyFile("pure-ftpd-key-" + id, leaf);
    int port = freePort();
    Path log = dir.resolve("pure-ftpd-" + id + ".log");
    Process p = new ProcessBuilder(PURE_FTPD, "--bind", "127.0.0.1," + port, "--tls", "1", "--certfile",
        cert + "," + key, "--noanonymous", "--dontresolve").redirectErrorStream(true).redirectOutput(log.toFile())
        .start();
    processes.add(p);
    awaitPort(port, p, log);
    return port;
  }

  /**
   * Starts a real dovecot in the foreground with its own config, presenting {@code leaf} on an IMAP and a POP3
   * listener (both explicit TLS: STARTTLS / STLS); returns the two ports once both accept connections. Run as root
   * it uses the package's unprivileged users; otherwise the current user.
   */
  int[] dovecot(HeldCertificate leaf) throws IOException, InterruptedException {
    require(DOVECOT);
    String id = Long.toString(System.nanoTime());
    Path base = Files.createDirectories(dir.resolve("dovecot-" + id));
    Path cert = base.resolve("cert.pem");
    Path key = base.resolve("key.pem");
    Files.writeString(cert, Pem.encodeCertificates(leaf.chain()));
    Files.writeString(key, leaf.privateKeyPkcs8Pem());
    boolean root = "root".equals(System.getProperty("user.name"));
    String user = System.getProperty("user.name");
    int imap = freePort();
    int pop3 = freePort();
    List<String> conf = new ArrayList<>(List.of(
        "base_dir = " + base.resolve("run"), "state_dir = " + base.resolve("state"),
        "log_path = " + base.resolve("dovecot.log"), "instance_name = tlskit-probe-" + id,
        "protocols = imap pop3", "listen = 127.0.0.1", "ssl = yes", "ssl_cert = <" + cert, "ssl_key = <" + key,
        "service imap-login {", "  inet_listener imap {", "    address = 127.0.0.1", "    port = " + imap, "  }",
        "  inet_listener imaps {", "    port = 0", "  }", "}",
        "service pop3-login {", "  inet_listener pop3 {", "    address = 127.0.0.1", "    port = " + pop3, "  }",
        "  inet_listener pop3s {", "    port = 0", "  }", "}",
        "service anvil {", "  chroot =", "}", "service stats {", "  inet_listener http {", "    port = 0", "  }", "}",
        "passdb {", "  driver = static", "  args = nopassword=y", "}",
        "userdb {", "  driver = static", "  args = uid=" + (root ? "nobody" : user) + " home=" + base.resolve("home"),
        "}", "mail_location = maildir:" + base.resolve("mail")));
    if (!root) {
      conf.addAll(List.of("default_login_user = " + user, "default_internal_user = " + user));
    }
    Path confFile = base.resolve("dovecot.conf");
    Files.writeString(confFile, String.join("\n", conf) + "\n");
    Path log = base.resolve("stdout.log");
    Process p = new ProcessBuilder(DOVECOT, "-F", "-c", confFile.toString()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    processes.add(p);
    awaitPort(imap, p, log);
    awaitPort(pop3, p, log);
    return new int[] {imap, pop3};
  }

  /**
   * Starts an SMTP server on TlsServer that greets, answers EHLO (with STARTTLS when {@code offerStarttls}; with
   * AUTH PLAIN only after the upgrade) and upgrades on STARTTLS; returns its port.
   */
  int smtp(HeldCertificate leaf, boolean offerStarttls) throws IOException {
    TlsServer s = TlsServer.builder(c -> smtpSession(c, offerStarttls),
            ServerCertificates.of(CertifiedKey.of(leaf.privateKey(), leaf.chain())))
        .mode(TlsMode.STARTTLS).listen("127.0.0.1", 0).start();
    servers.add(s);
    return s.port();
  }

  private static void smtpSession(ServerConnection c, boolean offerStarttls) throws IOException {
    c.writeLine("220 probe-test ESMTP");
    while (true) {
      String line = c.readLine(1000);
      if (line == null) return;
      String cmd = line.toUpperCase(Locale.ROOT);
      if (cmd.startsWith("EHLO")) {
        c.writeLine("250-probe-test");
        if (c.isTls()) c.writeLine("250-AUTH PLAIN");
        else if (offerStarttls) c.writeLine("250-STARTTLS");
        c.writeLine("250 SIZE 1000000");
      } else if (cmd.equals("STARTTLS") && offerStarttls && !c.isTls()) {
        c.upgradeToTls("220 go ahead");
      } else if (cmd.equals("QUIT")) {
        c.writeLine("221 bye");
        return;
      } else {
        c.writeLine("502 not implemented");
      }
    }
  }

  /** Returns a DER OCSP response saying {@code leaf} is good, signed by its issuer. */
  byte[] ocspGood(HeldCertificate leaf) throws Exception {
    X509Certificate issuerCert = leaf.chain().get(1);
    HeldCertificate issuer = intermediate;
    var digests = new JcaDigestCalculatorProviderBuilder().build();
    CertificateID id = new CertificateID(digests.get(CertificateID.HASH_SHA1),
        new X509CertificateHolder(issuerCert.getEncoded()), leaf.certificate().getSerialNumber());
    BasicOCSPRespBuilder b = new BasicOCSPRespBuilder(
        new RespID(X500Name.getInstance(issuerCert.getSubjectX500Principal().getEncoded())));
    Date now = new Date();
    b.addResponse(id, CertificateStatus.GOOD, now, new Date(now.getTime() + TimeUnit.DAYS.toMillis(1)), null);
    var basic = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.privateKey()),
        new X509CertificateHolder[] {new X509CertificateHolder(issuerCert.getEncoded())}, now);
    return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
  }

  /** Writes the RFC 7919 finite-field group {@code group} ("ffdhe2048") as DH parameters for -dhparam. */
  Path ffdheParams(String group) throws IOException, InterruptedException {
    require(OPENSSL);
    Path out = dir.resolve(group + ".pem");
    Process p = new ProcessBuilder(OPENSSL, "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt",
        "group:" + group, "-out", out.toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve(group + ".log").toFile()).start();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("openssl genpkey " + group + " failed: " + Files.readString(dir.resolve(group + ".log")));
    }
    return out;
  }

  /** Writes {@code leaf}'s chain, leaf first, to NAME.pem in the test directory and returns its path. */
  private Path chainFile(String name, HeldCertificate leaf) throws IOException {
    return Files.writeString(dir.resolve(name + ".pem"), Pem.encodeCertificates(leaf.chain()));
  }

  /** Writes {@code leaf}'s private key (PKCS#8) to NAME.pem in the test directory and returns its path. */
  private Path keyFile(String name, HeldCertificate leaf) throws IOException {
    return Files.writeString(dir.resolve(name + ".pem"), leaf.privateKeyPkcs8Pem());
  }

  /** Writes bytes to a file in the test directory and returns its path. */
  Path file(String name, byte[] content) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, content);
    return p;
  }

  /** Returns a loopback port nobody listens on. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void awaitPort(int port, Process p, Path log) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plusSeconds(10);
    while (Instant.now().isBefore(deadline)) {
      if (!p.isAlive()) {
        throw new IOException(p.info().command().orElse("peer") + " exited: " + Files.readString(log, StandardCharsets.UTF_8));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IOException("peer did not listen on " + port + " within 10 s");
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroy();
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
    servers.forEach(TlsServer::close);
  }
}
