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
 * A real SOCKS5 proxy (microsocks) started for a test on a free loopback port, logging every connection it makes.
 * Skips the test when microsocks is missing, unless {@code -Dtlskit.requirePeers=true}.
 */
public final class Microsocks implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/microsocks");
  private static final Pattern CONNECTED = Pattern.compile("connected to (\\S+)");

  private final int port;
  private final Path log;
  private final Process process;

  private Microsocks(int port, Path log, Process process) {
    this.port = port;
    this.log = log;
    this.process = process;
  }

  /** Starts microsocks, writing its log into {@code dir}. */
  public static Microsocks start(Path dir) throws Exception {
    Peers.assumeAvailable(BINARY);
    int port = Peers.freePort();
    Path log = dir.resolve("microsocks.log");
    Process p = new ProcessBuilder(BINARY.toString(), "-i", "127.0.0.1", "-p", Integer.toString(port))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Peers.awaitListening(p, port, log);
    return new Microsocks(port, log, p);
  }

  /** Returns the client's configuration for this proxy. */
  public ProxyConfig config() {
    return ProxyConfig.socks5("127.0.0.1", port);
  }

  /** Returns every {@code host:port} the proxy connected to so far, in order (the readiness probe excluded). */
  public List<String> targets() throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      Matcher m = CONNECTED.matcher(line);
      if (m.find()) out.add(m.group(1));
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    Peers.stop(process);
  }
}
