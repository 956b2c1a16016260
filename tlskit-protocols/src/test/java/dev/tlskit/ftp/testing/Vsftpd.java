package dev.tlskit.ftp.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real vsftpd started for a test: TLS-only logins and data, {@code require_ssl_reuse=YES}, a local user created on
 * first use, its own config, log and files in a temporary directory, a free loopback port. Needs root (vsftpd drops
 * privileges to the test user itself); skips the test otherwise unless {@code -Dtlskit.requirePeers=true}.
 */
public final class Vsftpd implements AutoCloseable {
  public static final String USER = "tlskitftp";
  public static final String PASSWORD = "tlskit-Ftp-test-7";
  static final Path BINARY = Path.of("/usr/sbin/vsftpd");

  public final Path dir;
  public final Path root;
  public final Path cert;
  public final int port;
  private final Process process;

  private Vsftpd(Path dir, Path root, Path cert, int port, Process process) {
    this.dir = dir;
    this.root = root;
    this.cert = cert;
    this.port = port;
    this.process = process;
  }

  /** Skips (or, with -Dtlskit.requirePeers=true, fails) when vsftpd cannot run here. */
  static void assumeAvailable() {
    boolean ok = Files.isExecutable(BINARY) && "root".equals(System.getProperty("user.name"))
        && Files.isExecutable(Path.of("/usr/bin/openssl"));
    if (Boolean.getBoolean("tlskit.requirePeers") && !ok) {
      throw new IllegalStateException("vsftpd, openssl and root are required (tlskit.requirePeers=true)");
    }
    assumeTrue(ok, "vsftpd tests need /usr/sbin/vsftpd, openssl and root");
  }

  /**
   * Starts vsftpd.
   *
   * @param implicit TLS from the first byte instead of AUTH TLS
   * @param maxTls null, or "TLSv1.2" to cap the server (through OPENSSL_CONF, as vsftpd 3.0.3 has no option for it)
   */
  public static Vsftpd start(Path dir, boolean implicit, String maxTls) throws Exception {
    assumeAvailable();
    ensureUser();
    // vsftpd enters local_root as the FTP user (and silently stays in the home directory when it cannot)
    for (Path p = dir; p != null && p.getNameCount() > 1; p = p.getParent()) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Path root = Files.createDirectories(dir.resolve("root"));
    UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(USER);
    Files.setOwner(root, owner);
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"));
    int port = freePort();
    int pasv = ThreadLocalRandom.current().nextInt(30000, 45000);
    Path conf = dir.resolve("vsftpd.conf");
    Files.writeString(conf, String.join("\n",
        "listen=YES", "listen_address=127.0.0.1", "listen_port=" + port, "background=NO",
        "anonymous_enable=NO", "local_enable=YES", "write_enable=YES", "local_umask=022",
        "local_root=" + root, "pasv_enable=YES", "pasv_min_port=" + pasv, "pasv_max_port=" + (pasv + 500),
        "port_enable=YES", "ssl_enable=YES", "implicit_ssl=" + (implicit ? "YES" : "NO"),
        "rsa_cert_file=" + cert, "rsa_private_key_file=" + key,
        "ssl_ciphers=ECDHE+AESGCM:ECDHE+CHACHA20",
        "force_local_logins_ssl=YES", "force_local_data_ssl=YES", "require_ssl_reuse=YES",
        "seccomp_sandbox=NO", "pam_service_name=vsftpd", "secure_chroot_dir=/var/run/vsftpd/empty",
        "log_ftp_protocol=YES", "debug_ssl=YES", "xferlog_enable=YES", "xferlog_std_format=NO",
        "vsftpd_log_file=" + dir.resolve("vsftpd.log"), "") + "\n");
    Files.createDirectories(Path.of("/var/run/vsftpd/empty"));
    ProcessBuilder pb = new ProcessBuilder(BINARY.toString(), conf.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile());
    if (maxTls != null) {
      Path ossl = dir.resolve("openssl.cnf");
      Files.writeString(ossl, "openssl_conf = c\n[c]\nssl_conf = s\n[s]\nsystem_default = d\n[d]\nMaxProtocol = "
          + maxTls + "\n");
      pb.environment().put("OPENSSL_CONF", ossl.toString());
    }
    Process p = pb.start();
    Vsftpd v = new Vsftpd(dir, root, cert, port, p);
    v.awaitListening();
    return v;
  }

  /** Returns trust managers that trust this server's self-signed certificate. */
  public TrustManager[] trust() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(cert)) {
      ks.setCertificateEntry("vsftpd", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(ks);
    return tmf.getTrustManagers();
  }

  /** Returns the server's log (commands, replies, TLS debug), for failure messages. */
  public String log() {
    try (Stream<String> s = Files.lines(dir.resolve("vsftpd.log"))) {
      return String.join("\n", s.toList());
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Writes a file into the served directory, owned by the FTP user. */
  public Path put(String name, byte[] content) throws IOException {
    Path f = root.resolve(name);
    Files.write(f, content);
    Files.setOwner(f, f.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(USER));
    return f;
  }

  private void awaitListening() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("vsftpd exited with " + process.exitValue() + ": "
            + Files.readString(dir.resolve("stdout.log")));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("vsftpd did not listen on " + port, e);
        Thread.sleep(50);
      }
    }
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
  }

  private static synchronized void ensureUser() throws Exception {
    Path home = Path.of("/home", USER);
    if (run(List.of("id", USER), true) != 0) {
      run(List.of("useradd", "-M", "-d", home.toString(), "-s", "/bin/bash", USER));
    }
    Files.createDirectories(home);
    Files.setOwner(home, home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(USER));
    Process p = new ProcessBuilder("chpasswd").redirectErrorStream(true).start();
    p.getOutputStream().write((USER + ":" + PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("chpasswd failed: " + new String(p.getInputStream().readAllBytes()));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void run(List<String> cmd) throws Exception {
    if (run(cmd, false) != 0) throw new IllegalStateException("command failed: " + cmd);
  }

  private static int run(List<String> cmd, boolean quiet) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out: " + cmd);
    }
    if (p.exitValue() != 0 && !quiet) System.err.println(new String(out, StandardCharsets.UTF_8));
    return p.exitValue();
  }
}
