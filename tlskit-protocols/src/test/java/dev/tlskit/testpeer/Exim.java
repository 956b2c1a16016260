package dev.tlskit.testpeer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A real Exim 4 (Debian's {@code exim4-daemon-light}, GnuTLS) unpacked by scripts/install-peers into
 * /opt/tlskit-peers/exim4 and run in the foreground ({@code -bdf}) with a configuration of its own ({@code -C}) on two
 * free loopback ports: SMTP with STARTTLS, and SMTP over TLS from the first byte. It accepts no mail (every RCPT is
 * denied): enough for TLS, capabilities and connection limits.
 *
 * <p>Exim run with {@code -C} by anyone but root gives up its privileges, so it runs as the calling user:
 * {@code exim_user}/{@code exim_group} are that user and the owner group of the test directory. GnuTLS must be able to
 * read the key: give PKCS#8 (or RSA), not a SEC1 EC key without its public key.
 */
public final class Exim implements AutoCloseable {
  public static final String BINARY = "/opt/tlskit-peers/exim4/usr/sbin/exim4";

  /** The STARTTLS port. */
  public final int smtp;
  /** The TLS-on-connect port (as submissions, 465). */
  public final int smtps;
  /** The main log, which names refusals ("Connection from ... refused: too many connections"). */
  public final Path mainLog;
  private final Process process;

  private Exim(int smtp, int smtps, Path mainLog, Process process) {
    this.smtp = smtp;
    this.smtps = smtps;
    this.mainLog = mainLog;
    this.process = process;
  }

  /**
   * Starts Exim presenting {@code chainPem} (leaf first) with {@code keyPem}, with {@code extraConfig} lines added to
   * the main section (e.g. {@code smtp_accept_max = 2}, {@code tls_resumption_hosts = *}); skips the test when Exim is
   * not installed (fails under -Dtlskit.requirePeers=true).
   */
  public static Exim start(Path dir, String chainPem, String keyPem, String... extraConfig) throws IOException,
      InterruptedException {
    Peers.require("exim4", BINARY);
    Path base = Files.createDirectories(dir.resolve("exim-" + System.nanoTime()));
    Path cert = Files.writeString(base.resolve("cert.pem"), chainPem);
    Path key = Files.writeString(base.resolve("key.pem"), keyPem);
    Files.createDirectories(base.resolve("spool"));
    Files.createDirectories(base.resolve("log"));
    int smtp = freePort();
    int smtps = freePort();
    String user = System.getProperty("user.name");
    String group = Files.readAttributes(base, PosixFileAttributes.class).group().getName();
    String conf = String.join("\n", List.of(
        "primary_hostname = localhost",
        "spool_directory = " + base.resolve("spool"),
        "log_file_path = " + base.resolve("log") + "/%slog",
        "exim_user = " + user,
        "exim_group = " + group,
        "never_users =",
        "keep_environment =",
        "local_interfaces = 127.0.0.1",
        "daemon_smtp_ports = " + smtp + " : " + smtps,
        "tls_on_connect_ports = " + smtps,
        "host_lookup =",
        "rfc1413_hosts =",
        "tls_advertise_hosts = *",
        "tls_certificate = " + cert,
        "tls_privatekey = " + key,
        "acl_smtp_rcpt = refuse_all")) + "\n" + String.join("\n", extraConfig)
        + "\nbegin acl\nrefuse_all:\n  deny message = this test server accepts no mail\n";
    Path confFile = Files.writeString(base.resolve("exim.conf"), conf);
    Path out = base.resolve("exim.out");
    Process p = new ProcessBuilder(BINARY, "-C", confFile.toString(), "-bdf", "-oX", smtp + ":" + smtps,
        "-oP", base.resolve("exim.pid").toString()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    Exim exim = new Exim(smtp, smtps, base.resolve("log/mainlog"), p);
    try {
      exim.await(smtp, out);
      exim.await(smtps, out);
      return exim;
    } catch (IOException | InterruptedException | RuntimeException e) {
      exim.close();
      throw e;
    }
  }

  /** Returns the main log so far (empty when Exim has not written one). */
  public String log() throws IOException {
    return Files.exists(mainLog) ? Files.readString(mainLog) : "";
  }

  /**
   * Returns the main log once it contains {@code text}, or as it is after {@code within}: Exim's children write their
   * lines as they exit, after the client has gone.
   */
  public String logOnceItShows(String text, Duration within) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(within);
    String log = log();
    while (!log.contains(text) && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
      log = log();
    }
    return log;
  }

  private void await(int port, Path out) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) throw new IOException("exim exited: " + Files.readString(out) + "\n" + log());
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IOException("exim did not listen on " + port + " within 10 s: " + Files.readString(out) + "\n" + log());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    Peers.stop(process);
  }
}
