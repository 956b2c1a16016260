package dev.tlskit.ftp.testing;

import dev.tlskit.ProxyConfig;
import dev.tlskit.testing.Dante;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real proxy started for a test on a free loopback port, logging every connection it makes: SOCKS5 (microsocks, or
 * dante with or without RFC 1929 user/password) or HTTP CONNECT (tinyproxy, with or without Basic authentication).
 * Skips the test when the proxy is missing, unless {@code -Dtlskit.requirePeers=true}.
 */
public final class RealProxy implements AutoCloseable {
  /** What the proxy's log says it connected to. */
  private interface Targets {
    List<String> read() throws IOException;
  }

  private final ProxyConfig config;
  private final Targets targets;
  private final AutoCloseable process;

  private RealProxy(ProxyConfig config, Targets targets, AutoCloseable process) {
    this.config = config;
    this.targets = targets;
    this.process = process;
  }

  /** Starts microsocks, a SOCKS5 proxy, writing its log into {@code dir}. */
  public static RealProxy socks5(Path dir) throws Exception {
    Path binary = Path.of("/usr/bin/microsocks");
    Peers.assumeAvailable(binary);
    int port = Peers.freePort();
    return start(List.of(binary.toString(), "-i", "127.0.0.1", "-p", Integer.toString(port)),
        ProxyConfig.socks5("127.0.0.1", port), dir, Pattern.compile("connected to (\\S+):(\\d+)"));
  }

  /** Starts tinyproxy, an HTTP CONNECT proxy, in the foreground with a configuration of its own in {@code dir}. */
  public static RealProxy httpConnect(Path dir) throws Exception {
    // no ConnectPort line: CONNECT to any port, as FTP's passive data ports need
    return tinyproxy(dir, "", c -> c);
  }

  private static RealProxy tinyproxy(Path dir, String extra, UnaryOperator<ProxyConfig> credentials)
      throws Exception {
    Path binary = Path.of("/usr/bin/tinyproxy");
    Peers.assumeAvailable(binary);
    int port = Peers.freePort();
    Path conf = Files.writeString(dir.resolve("tinyproxy.conf"),
        "Port " + port + "\nListen 127.0.0.1\nTimeout 60\nMaxClients 20\nLogLevel Connect\n" + extra);
    return start(List.of(binary.toString(), "-d", "-c", conf.toString()),
        credentials.apply(ProxyConfig.httpConnect("127.0.0.1", port)), dir,
        Pattern.compile("Request \\(file descriptor \\d+\\): CONNECT (\\S+):(\\d+)"));
  }

  private static RealProxy start(List<String> command, ProxyConfig config, Path dir, Pattern target)
      throws Exception {
    Path log = dir.resolve("proxy.log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Peers.awaitListening(p, config.port(), log);
    return new RealProxy(config, () -> targets(log, target), () -> Peers.stop(p));
  }

  /** The system user dante authenticates (scripts/install-peers creates it with a random password). */
  public static final String DANTE_USER = Dante.USER;
  /** The port dante refuses to connect to by rule (SOCKS5 reply 2, "not allowed by ruleset"). */
  public static final int DANTE_BLOCKED_PORT = Dante.BLOCKED_PORT;

  /**
   * Starts dante ({@code danted}, {@link Dante}), a SOCKS5 proxy connecting out from 127.0.0.1; with
   * {@code password}, it accepts only user {@link #DANTE_USER} with the password scripts/install-peers gave it (the
   * returned configuration carries it). Every target on port {@link #DANTE_BLOCKED_PORT} is refused by a rule.
   */
  public static RealProxy dante(Path dir, boolean password) throws Exception {
    Dante dante = Dante.start(dir, "127.0.0.1", password);
    ProxyConfig config = ProxyConfig.socks5("127.0.0.1", dante.port());
    if (password) config = config.withCredentials(DANTE_USER, dante.password());
    return new RealProxy(config, dante::targets, dante);
  }

  /**
   * Starts tinyproxy, an HTTP CONNECT proxy, that accepts only {@code user} with {@code password} (tinyproxy's
   * {@code BasicAuth}; neither may contain white space); the returned configuration carries them.
   */
  public static RealProxy httpConnect(Path dir, String user, String password) throws Exception {
    return tinyproxy(dir, "BasicAuth " + user + " " + password + "\n",
        c -> c.withCredentials(user, password.toCharArray()));
  }

  /** Starts tinyproxy allowing CONNECT to {@code port} only: any other target is refused with 403. */
  public static RealProxy httpConnectOnlyTo(Path dir, int port) throws Exception {
    return tinyproxy(dir, "ConnectPort " + port + "\n", c -> c);
  }

  /** Returns the client's configuration for this proxy. */
  public ProxyConfig config() {
    return config;
  }

  /** Returns every {@code host:port} the proxy connected to (tinyproxy: was asked for) so far, in order. */
  public List<String> targets() throws IOException {
    return targets.read();
  }

  private static List<String> targets(Path log, Pattern target) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      Matcher m = target.matcher(line);
      if (m.find()) out.add(m.group(1) + ":" + m.group(2));
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    process.close();
  }
}
