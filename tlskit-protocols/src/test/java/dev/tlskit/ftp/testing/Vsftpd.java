package dev.tlskit.ftp.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real vsftpd started for a test: TLS-only logins and data, {@code require_ssl_reuse=YES}, a local user created on
 * first use, its own config, log and files in a temporary directory, a free loopback port. Needs root (vsftpd drops
 * privileges to the test user itself); skips the test otherwise unless {@code -Dtlskit.requirePeers=true}.
 */
public final class Vsftpd extends FtpPeer {
  public static final String USER = "tlskitftp";
  public static final String PASSWORD = "tlskit-Ftp-test-7";
  static final Path BINARY = Path.of("/usr/sbin/vsftpd");

  /** The loopback address the server listens on, "127.0.0.1" or "::1". */
  public final String host;

  private Vsftpd(Path dir, Path root, String host, int port, Process process) {
    super(dir, root, port, USER, process);
    this.host = host;
  }

  /**
   * Starts vsftpd.
   *
   * @param implicit TLS from the first byte instead of AUTH TLS
   * @param maxTls null, or "TLSv1.2" to cap the server (through OPENSSL_CONF, as vsftpd 3.0.3 has no option for it)
   */
  public static Vsftpd start(Path dir, boolean implicit, String maxTls) throws Exception {
    return start(dir, implicit, maxTls, false);
  }

  /** Starts vsftpd, on ::1 instead of 127.0.0.1 when {@code ipv6}. */
  public static Vsftpd start(Path dir, boolean implicit, String maxTls, boolean ipv6) throws Exception {
    return start(dir, implicit, ipv6, maxTls == null ? null : "MaxProtocol = " + maxTls);
  }

  /**
   * Starts an explicit-TLS vsftpd that requires session reuse but issues no TLS 1.3 session tickets (OpenSSL's
   * {@code NumTickets = 0}, what pure-ftpd does): no client can resume its TLS 1.3 sessions, so it refuses every
   * protected data connection with 522, after its 150 reply.
   */
  public static Vsftpd startWithoutTickets(Path dir) throws Exception {
    return start(dir, false, false, "NumTickets = 0");
  }

  private static Vsftpd start(Path dir, boolean implicit, boolean ipv6, String opensslSetting) throws Exception {
    Peers.assumeAvailable(BINARY);
    ensureUser();
    // vsftpd enters local_root as the FTP user (and silently stays in the home directory when it cannot)
    Path root = Peers.prepare(BINARY, dir, USER);
    int port = Peers.freePort();
    int pasv = ThreadLocalRandom.current().nextInt(30000, 45000);
    Path conf = dir.resolve("vsftpd.conf");
    Files.writeString(conf, String.join("\n",
        ipv6 ? "listen=NO" : "listen=YES", ipv6 ? "listen_ipv6=YES" : "listen_ipv6=NO",
        ipv6 ? "listen_address6=::1" : "listen_address=127.0.0.1", "listen_port=" + port, "background=NO",
        "anonymous_enable=NO", "local_enable=YES", "write_enable=YES", "local_umask=022",
        "local_root=" + root, "pasv_enable=YES", "pasv_min_port=" + pasv, "pasv_max_port=" + (pasv + 500),
        "port_enable=YES", "ssl_enable=YES", "implicit_ssl=" + (implicit ? "YES" : "NO"),
        "rsa_cert_file=" + dir.resolve("cert.pem"), "rsa_private_key_file=" + dir.resolve("key.pem"),
        "ssl_ciphers=ECDHE+AESGCM:ECDHE+CHACHA20",
        "force_local_logins_ssl=YES", "force_local_data_ssl=YES", "require_ssl_reuse=YES",
        "seccomp_sandbox=NO", "pam_service_name=vsftpd", "secure_chroot_dir=/var/run/vsftpd/empty",
        "log_ftp_protocol=YES", "debug_ssl=YES", "xferlog_enable=YES", "xferlog_std_format=NO",
        "vsftpd_log_file=" + dir.resolve("vsftpd.log"), "") + "\n");
    Files.createDirectories(Path.of("/var/run/vsftpd/empty"));
    Path out = dir.resolve("stdout.log");
    ProcessBuilder pb = new ProcessBuilder(BINARY.toString(), conf.toString())
        .redirectErrorStream(true).redirectOutput(out.toFile());
    if (opensslSetting != null) {
      pb.environment().put("OPENSSL_CONF", Peers.opensslConf(dir, opensslSetting).toString());
    }
    Process p = pb.start();
    String host = ipv6 ? "::1" : "127.0.0.1";
    Vsftpd v = new Vsftpd(dir, root, host, port, p);
    Peers.awaitListening(p, java.net.InetAddress.getByName(host), port, out);
    return v;
  }

  /** Returns the server's log (commands, replies, TLS debug), for failure messages. */
  public String log() throws IOException {
    return Files.readString(dir.resolve("vsftpd.log"));
  }

  private static synchronized void ensureUser() throws Exception {
    Path home = Path.of("/home", USER);
    if (new ProcessBuilder("id", USER).start().waitFor() != 0) {
      Peers.run(List.of("useradd", "-M", "-d", home.toString(), "-s", "/bin/bash", USER));
    }
    Files.createDirectories(home);
    Peers.chown(home, USER);
    Process p = new ProcessBuilder("chpasswd").redirectErrorStream(true).start();
    p.getOutputStream().write((USER + ":" + PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("chpasswd failed: " + new String(p.getInputStream().readAllBytes()));
    }
  }
}
