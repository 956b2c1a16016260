package dev.tlskit.ftp.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A real pure-ftpd 1.0.50 started for a test: TLS required for control and data ({@code --tls=3}), a virtual user
 * from a PureDB file in the temporary directory (files owned by {@code nobody}), a free loopback port, passive ports
 * of its own. pure-ftpd issues no TLS 1.3 session tickets and does not require session reuse, so its TLS 1.3 data
 * connections never resume; its TLS 1.2 sessions do. Runs the copy that scripts/install-peers unpacks to
 * /opt/tlskit-peers/pure-ftpd (Debian's build: explicit TLS only).
 */
public final class PureFtpd extends FtpPeer {
  public static final String USER = "pureuser";
  public static final String PASSWORD = "tlskit-Pure-5";
  static final Path PREFIX = Path.of("/opt/tlskit-peers/pure-ftpd");

  private PureFtpd(Path dir, Path root, int port, Process process) {
    super(dir, root, port, "nobody", process);
  }

  /** Starts pure-ftpd; {@code maxTls} null, or "TLSv1.2" to cap it (through OPENSSL_CONF: it has no option). */
  public static PureFtpd start(Path dir, String maxTls) throws Exception {
    Path binary = PREFIX.resolve("usr/sbin/pure-ftpd");
    Path root = Peers.prepare(binary, dir, "nobody");
    // PureDB users: name:crypt(3) hash:uid:gid:gecos:home, "/./" chroots the user to its home
    String hash = Peers.cryptHash(PASSWORD);
    Path passwd = Files.writeString(dir.resolve("pureftpd.passwd"),
        USER + ":" + hash + ":65534:65534::" + root + "/./::::::::::::\n");
    Path pdb = dir.resolve("pureftpd.pdb");
    Peers.run(List.of(PREFIX.resolve("usr/bin/pure-pw").toString(), "mkdb", pdb.toString(), "-f", passwd.toString()));
    int port = Peers.freePort();
    int pasv = ThreadLocalRandom.current().nextInt(20000, 29500);
    List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--bind", "127.0.0.1," + port,
        "--login", "puredb:" + pdb, "--noanonymous", "--tls", "3",
        "--certfile", dir.resolve("cert.pem") + "," + dir.resolve("key.pem"),
        "--passiveportrange", pasv + ":" + (pasv + 500), "--dontresolve", "--chrooteveryone",
        "--altlog", "clf:" + dir.resolve("transfer.log")));
    Path out = dir.resolve("stdout.log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
    if (maxTls != null) {
      pb.environment().put("OPENSSL_CONF", Peers.opensslConf(dir, "MaxProtocol = " + maxTls).toString());
    }
    Process p = pb.start();
    PureFtpd s = new PureFtpd(dir, root, port, p);
    Peers.awaitListening(p, port, out);
    return s;
  }

}
