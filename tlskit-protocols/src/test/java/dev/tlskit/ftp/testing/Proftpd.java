package dev.tlskit.ftp.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A real ProFTPD with mod_tls started for a test: {@code TLSRequired on} (control and data), session reuse required
 * (mod_tls's default), a virtual user from an {@code AuthUserFile} in the temporary directory, a free loopback port.
 * Runs the copy that scripts/install-peers unpacks to /opt/tlskit-peers/proftpd.
 */
public final class Proftpd extends FtpPeer {
  public static final String USER = "ftpuser";
  public static final String PASSWORD = "tlskit-Proftpd-9";
  static final Path PREFIX = Path.of("/opt/tlskit-peers/proftpd");

  private Proftpd(Path dir, Path root, int port, Process process) {
    super(dir, root, port, "nobody", process);
  }

  /** Starts ProFTPD offering the given TLS versions ("TLSv1.2 TLSv1.3", or one of them). */
  public static Proftpd start(Path dir, String tlsProtocols) throws Exception {
    return start(dir, tlsProtocols, "on");
  }

  /**
   * Starts ProFTPD with a {@code TLSRequired} setting of its own: {@code auth+data} requires TLS for the login and
   * every data connection but not for the control connection afterwards, so it accepts {@code CCC}.
   */
  public static Proftpd start(Path dir, String tlsProtocols, String tlsRequired) throws Exception {
    Path binary = PREFIX.resolve("usr/sbin/proftpd");
    Path root = Peers.prepare(binary, dir, "nobody");
    String hash = Peers.cryptHash(PASSWORD);
    Files.writeString(dir.resolve("passwd"), USER + ":" + hash + ":65534:65534::" + root + ":/bin/false\n");
    Files.writeString(dir.resolve("group"), "nogroup:x:65534:\n");
    for (String f : new String[] {"passwd", "group", "key.pem"}) { // mod_auth_file refuses world-readable files
      Files.setPosixFilePermissions(dir.resolve(f), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }
    int port = Peers.freePort();
    int pasv = ThreadLocalRandom.current().nextInt(45000, 60000);
    Path conf = dir.resolve("proftpd.conf");
    Files.writeString(conf, String.join("\n",
        "ServerName \"tlskit test\"", "ServerType standalone", "Port " + port, "DefaultAddress 127.0.0.1",
        "SocketBindTight on", "UseIPv6 off", "User nobody", "Group nogroup",
        "PidFile " + dir.resolve("proftpd.pid"), "ScoreboardFile " + dir.resolve("scoreboard"), "WtmpLog off",
        "UseReverseDNS off", "ModulePath " + PREFIX.resolve("usr/lib/proftpd"), "LoadModule mod_tls.c",
        "AuthOrder mod_auth_file.c", "AuthUserFile " + dir.resolve("passwd"),
        "AuthGroupFile " + dir.resolve("group"), "RequireValidShell off", "DefaultRoot ~", "AllowOverwrite on",
        "AllowStoreRestart on", "AllowRetrieveRestart on", "PassivePorts " + pasv + " " + (pasv + 500),
        "SystemLog " + dir.resolve("system.log"), "TLSEngine on", "TLSRequired " + tlsRequired,
        "TLSProtocol " + tlsProtocols, "TLSECCertificateFile " + dir.resolve("cert.pem"),
        "TLSECCertificateKeyFile " + dir.resolve("key.pem"), "TLSLog " + dir.resolve("tls.log"),
        "TLSVerifyClient off", "LogFormat commands \"%m %r\"",
        "ExtendedLog " + dir.resolve("commands.log") + " ALL commands", "") + "\n");
    Path out = dir.resolve("stdout.log");
    Process p = new ProcessBuilder(binary.toString(), "-n", "-c", conf.toString())
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    Proftpd s = new Proftpd(dir, root, port, p);
    Peers.awaitListening(p, port, out);
    return s;
  }

  /** Returns the commands the server received, one per line ({@code ExtendedLog}). */
  public String commandLog() throws IOException {
    return Files.readString(dir.resolve("commands.log"));
  }

  /** Returns mod_tls's log, which records for each data connection whether the session was reused. */
  public String tlsLog() throws IOException {
    return Files.readString(dir.resolve("tls.log"));
  }

}
