package dev.tlskit.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * dante ({@code danted}, scripts/install-peers), a SOCKS5 proxy on a free port of 127.0.0.1, started for a test and
 * logging every connection it makes. It refuses every target on {@link #BLOCKED_PORT} by rule, and, started with a
 * password, accepts only {@link #USER}. Skips the test when dante or root is missing, unless
 * {@code -Dtlskit.requirePeers=true}.
 */
public final class Dante implements AutoCloseable {
  /** The address {@link #start(Path)} makes dante connect to its targets from. */
  public static final String EXTERNAL = "127.0.0.2";
  /** The system user dante authenticates (scripts/install-peers creates it with a random password). */
  public static final String USER = "tlskit-proxy";
  /** The port dante refuses to connect to by rule (SOCKS5 reply 2, "not allowed by ruleset"). */
  public static final int BLOCKED_PORT = 9;
  /** The file holding {@link #USER}'s password, readable by root only. */
  private static final Path SECRET = Path.of("/opt/tlskit-peers/dante/password");
  // "pass(1): tcp/connect [: CLIENT PROXY -> OUT TARGET", addresses as a.b.c.d.port
  private static final Pattern TARGET = Pattern.compile("pass\\(\\d+\\): tcp/connect \\[: .* (\\S+)\\.(\\d+)$");

  private final Process process;
  private final Path log;
  private final int port;
  private final char[] password;

  private Dante(Process process, Path log, int port, char[] password) {
    this.process = process;
    this.log = log;
    this.port = port;
    this.password = password;
  }

  /**
   * Starts dante without authentication, connecting out from {@link #EXTERNAL}: a server that sees a connection come
   * from there knows it came through this proxy.
   */
  public static Dante start(Path dir) throws Exception {
    return start(dir, EXTERNAL, false);
  }

  /**
   * Starts dante with its configuration and log in {@code dir}, connecting out from {@code external}; with
   * {@code password}, it accepts only {@link #USER} with the password scripts/install-peers gave it
   * ({@link #password()}).
   */
  public static Dante start(Path dir, String external, boolean password) throws Exception {
    Path binary = Path.of("/usr/sbin/danted");
    boolean ok = Files.isExecutable(binary) && "root".equals(System.getProperty("user.name"));
    if (Boolean.getBoolean("tlskit.requirePeers") && !ok) {
      throw new IllegalStateException(binary + " and root are required (tlskit.requirePeers=true)");
    }
    assumeTrue(ok, "needs " + binary + " and root (run scripts/install-peers)");
    char[] secret = null;
    if (password) {
      if (Boolean.getBoolean("tlskit.requirePeers") && !Files.isReadable(SECRET)) {
        throw new IllegalStateException(SECRET + " is missing");
      }
      assumeTrue(Files.isReadable(SECRET), SECRET + " is missing (run scripts/install-peers)");
      secret = Files.readString(SECRET).strip().toCharArray();
    }
    // dante reads its configuration after dropping privileges
    for (Path p = dir; p != null && p.getNameCount() > 1; p = p.getParent()) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path conf = Files.writeString(dir.resolve("danted.conf"), "logoutput: stderr\n"
        + "internal: 127.0.0.1 port = " + port + "\nexternal: " + external + "\n"
        + "socksmethod: " + (password ? "username" : "none") + "\nclientmethod: none\n"
        + "user.privileged: root\nuser.unprivileged: nobody\n"
        + "client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 log: error }\n"
        + "socks block { from: 127.0.0.0/8 to: 0.0.0.0/0 port = " + BLOCKED_PORT + " log: connect error }\n"
        + "socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 log: connect error }\n");
    Path log = dir.resolve("danted.log");
    Process p = new ProcessBuilder(binary.toString(), "-f", conf.toString()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      if (!p.isAlive()) throw new IllegalStateException("danted exited: " + Files.readString(log));
      try (Socket s = new Socket(java.net.Proxy.NO_PROXY)) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
        return new Dante(p, log, port, secret);
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          p.destroyForcibly();
          throw new IllegalStateException("danted did not listen on " + port, e);
        }
        Thread.sleep(50);
      }
    }
  }

  /** Returns the port dante listens on, on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** Returns {@link #USER}'s password when dante was started with one, else null. */
  public char[] password() {
    return password == null ? null : password.clone();
  }

  /** Returns every {@code host:port} dante connected to so far, in order. */
  public List<String> targets() throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      Matcher m = TARGET.matcher(line);
      if (m.find()) out.add(m.group(1) + ":" + m.group(2));
    }
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
  }
}
