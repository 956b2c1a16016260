package dev.tlskit.ftp.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tlskit.TlsPolicy;
import dev.tlskit.Trust;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the real FTP servers started by tests have in common: ports, certificates, processes, permissions. */
final class Peers {
  private Peers() {}

  /** Skips (or, with -Dtlskit.requirePeers=true, fails) unless {@code binary}, openssl and root are available. */
  static void assumeAvailable(Path binary) {
    boolean ok = Files.isExecutable(binary) && "root".equals(System.getProperty("user.name"))
        && Files.isExecutable(Path.of("/usr/bin/openssl"));
    if (Boolean.getBoolean("tlskit.requirePeers") && !ok) {
      throw new IllegalStateException(binary + ", openssl and root are required (tlskit.requirePeers=true)");
    }
    assumeTrue(ok, binary + " tests need " + binary + ", openssl and root (run scripts/install-peers)");
  }

  /**
   * Prepares {@code dir} for a server: checks that {@code binary} can run, makes {@code dir} traversable, writes a
   * self-signed certificate (cert.pem, key.pem) and returns the served directory {@code dir/root}, owned by
   * {@code owner}.
   */
  static Path prepare(Path binary, Path dir, String owner) throws Exception {
    assumeAvailable(binary);
    openUp(dir);
    Path root = Files.createDirectories(dir.resolve("root"));
    chown(root, owner);
    selfSigned(dir);
    return root;
  }

  /** Returns the crypt(3) SHA-512 hash of {@code password}, as passwd-style user files hold it. */
  static String cryptHash(String password) throws Exception {
    return run(List.of("openssl", "passwd", "-6", password)).trim();
  }

  /** Makes {@code dir} and its parents traversable, as servers enter it after dropping privileges. */
  static void openUp(Path dir) throws IOException {
    for (Path p = dir; p != null && p.getNameCount() > 1; p = p.getParent()) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  static void chown(Path p, String user) throws IOException {
    UserPrincipal owner = p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
    Files.setOwner(p, owner);
  }

  /** Creates a self-signed P-256 certificate for localhost, 127.0.0.1 and ::1 as cert.pem and key.pem in dir. */
  static void selfSigned(Path dir) throws Exception {
    run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(), "-days", "2",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"));
  }

  /** Returns the default policy, trusting exactly the certificate in {@code cert}. */
  static TlsPolicy policy(Path cert) throws IOException {
    return TlsPolicy.builder().trust(Trust.fromFile(cert, null)).build();
  }

  /**
   * Writes an OpenSSL configuration applying {@code setting} (such as {@code MaxProtocol = TLSv1.2}) to every TLS
   * context of a server started with {@code OPENSSL_CONF} pointing at it; for servers without an option of their own.
   */
  static Path opensslConf(Path dir, String setting) throws IOException {
    return Files.writeString(dir.resolve("openssl.cnf"),
        "openssl_conf = c\n[c]\nssl_conf = s\n[s]\nsystem_default = d\n[d]\n" + setting + "\n");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Waits up to 10 s until {@code port} accepts; fails with the process output if the process died first. */
  static void awaitListening(Process process, int port, Path output) throws Exception {
    awaitListening(process, InetAddress.getLoopbackAddress(), port, output);
  }

  /** Waits up to 10 s until {@code address:port} accepts; fails with the process output if the process died. */
  static void awaitListening(Process process, InetAddress address, int port, Path output) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("server exited with " + process.exitValue() + ": " + Files.readString(output));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(address, port), 500);
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("server did not listen on " + port, e);
        Thread.sleep(50);
      }
    }
  }

  static void stop(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
  }

  static String run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out: " + cmd);
    }
    if (p.exitValue() != 0) throw new IllegalStateException("command failed: " + cmd + ": " + out);
    return out;
  }
}
