package dev.tlskit.cli;

import dev.tlskit.testpeer.Peers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Node.js 26 (OpenSSL 3.5, post-quantum groups) from scripts/install-peers, under /opt/tlskit-peers/node: a TLS
 * server or client written by the test into a temporary directory. Skips without it, unless
 * {@code -Dtlskit.requirePeers=true} turns that into a failure.
 */
final class NodePeer implements AutoCloseable {
  static final Path NODE = Path.of("/opt/tlskit-peers/node/bin/node");

  /**
   * A TLS server on 127.0.0.1 (ephemeral port) restricted to {@code curves} (OpenSSL's ecdhCurve list, colon
   * separated): it writes "node " and the protocol version, then closes.
   */
  static final String SERVER = """
      const tls = require('tls'), fs = require('fs');
      const [cert, key, curves] = process.argv.slice(2);
      const s = tls.createServer({cert: fs.readFileSync(cert), key: fs.readFileSync(key), ecdhCurve: curves,
          minVersion: 'TLSv1.2'}, c => c.end('node ' + c.getProtocol() + '\\n'));
      s.on('tlsClientError', e => console.error('client error: ' + e.message));
      s.listen(0, '127.0.0.1', () => console.log('PORT ' + s.address().port));
      """;

  /**
   * A TLS client to 127.0.0.1:PORT restricted to {@code curves}: prints the group it negotiated, sends a line, prints
   * the first data it receives and exits; or prints the error. Gives up after 10 s.
   */
  static final String CLIENT = """
      const tls = require('tls'), fs = require('fs');
      const [port, ca, curves] = process.argv.slice(2);
      setTimeout(() => { console.log('ERROR timeout'); process.exit(1); }, 10000);
      const c = tls.connect({host: '127.0.0.1', port: +port, servername: 'localhost', ca: fs.readFileSync(ca),
          ecdhCurve: curves}, () => {
        console.log('GROUP ' + (c.getEphemeralKeyInfo() || {}).name + ' ' + c.getProtocol());
        c.write('ping\\n');
      });
      c.on('data', d => { console.log('DATA ' + String(d).trim()); process.exit(0); });
      c.on('end', () => process.exit(0));
      c.on('error', e => { console.log('ERROR ' + e.message); process.exit(1); });
      """;

  private final Process process;
  final int port;

  private NodePeer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static void requireNode() {
    Peers.require("Node.js 26 (scripts/install-peers)", NODE.toString());
  }

  /** Starts the {@link #SERVER} script with the given PEM files, restricted to {@code curves}. */
  static NodePeer server(Path dir, Path cert, Path key, String curves) throws Exception {
    requireNode();
    Path script = dir.resolve("server.js");
    Files.writeString(script, SERVER);
    Process p = new ProcessBuilder(NODE.toString(), script.toString(), cert.toString(), key.toString(), curves)
        .redirectError(dir.resolve("node-server.log").toFile()).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (line == null || !line.startsWith("PORT ")) {
      p.destroyForcibly();
      throw new IllegalStateException("node server did not start: " + line + "\n"
          + Files.readString(dir.resolve("node-server.log")));
    }
    return new NodePeer(p, Integer.parseInt(line.substring(5).trim()));
  }

  /** Runs the {@link #CLIENT} script against 127.0.0.1:{@code port}; returns what it printed. */
  static String client(Path dir, int port, Path ca, String curves) throws Exception {
    requireNode();
    Path script = dir.resolve("client.js");
    Files.writeString(script, CLIENT);
    List<String> cmd = new ArrayList<>(List.of(NODE.toString(), script.toString(), String.valueOf(port),
        ca.toString(), curves));
    Path log = Files.createTempFile(dir, "node-client", ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
    return Files.readString(log);
  }

  @Override
  public void close() {
    Peers.stop(process);
  }
}
