package dev.tlskit.ftp.testing;

import dev.tlskit.ProxyConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real proxy started for a test on a free loopback port, logging every connection it makes: SOCKS5 (microsocks) or
 * HTTP CONNECT (tinyproxy). Skips the test when the proxy is missing, unless {@code -Dtlskit.requirePeers=true}.
 */
public final class RealProxy implements AutoCloseable {
  private final ProxyConfig config;
  private final Path log;
  private final Pattern target;
  private final Process process;

  private RealProxy(ProxyConfig config, Path log, Pattern target, Process process) {
    this.config = config;
    this.log = log;
    this.target = target;
    this.process = process;
  }

  /** Starts microsocks, a SOCKS5 proxy, writing its log into {@code dir}. */
  public static RealProxy socks5(Path dir) throws Exception {
    Path binary = Path.of("/usr/bin/microsocks");
    Peers.assumeAvailable(binary);
    int port = Peers.freePort();
    return start(List.of(binary.toString(), "-i", "127.0.0.1", "-p", Integer.toString(port)),
        ProxyConfig.socks5("127.0.0.1", port), dir, Pattern.compile("connected to (\\S+)"));
  }

  /** Starts tinyproxy, an HTTP CONNECT proxy, in the foreground with a configuration of its own in {@code dir}. */
  public static RealProxy httpConnect(Path dir) throws Exception {
    Path binary = Path.of("/usr/bin/tinyproxy");
    Peers.assumeAvailable(binary);
    int port = Peers.freePort();
    // no ConnectPort line: CONNECT to any port, as FTP's passive data ports need
    Path conf = Files.writeString(dir.resolve("tinyproxy.conf"),
        "Port " + port + "\nListen 127.0.0.1\nTimeout 60\nMaxClients 20\nLogLevel Connect\n");
    return start(List.of(binary.toString(), "-d", "-c", conf.toString()), ProxyConfig.httpConnect("127.0.0.1", port),
        dir, Pattern.compile("Request \\(file descriptor \\d+\\): CONNECT (\\S+)"));
  }

  private static RealProxy start(List<String> command, ProxyConfig config, Path dir, Pattern target)
      throws Exception {
    Path log = dir.resolve("proxy.log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Peers.awaitListening(p, config.port(), log);
    return new RealProxy(config, log, target, p);
  }

  /** Returns the client's configuration for this proxy. */
  public ProxyConfig config() {
    return config;
  }

  /** Returns every {@code host:port} the proxy was asked to connect to so far, in order. */
  public List<String> targets() throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      Matcher m = target.matcher(line);
      if (m.find()) out.add(m.group(1));
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    Peers.stop(process);
  }
}
