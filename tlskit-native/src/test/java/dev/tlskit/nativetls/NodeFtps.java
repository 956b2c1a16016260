package dev.tlskit.nativetls;

import dev.tlskit.testpeer.Peers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An explicit FTPS server in Node.js 26 (OpenSSL 3.5, so X25519MLKEM768), from scripts/install-peers under
 * /opt/tlskit-peers/node: the few commands a download needs, TLS 1.3 only, key exchange restricted to the groups
 * given, and, as vsftpd's {@code require_ssl_reuse}, a data connection that did not resume the control connection's
 * session is refused with {@code 522 SSL connection failed: session reuse required}. Control and data connections
 * share one TLS context, so its session tickets are valid on both; it does not accept the tickets it issues on a
 * resumed connection (curl's data connections against it alternate between resumed and refused), so a session gets
 * as many resumed data connections as the control connection brought tickets (two). It logs each TLS connection to
 * stderr. Debian's
 * vsftpd links OpenSSL 3.0, which has no hybrid group. Skips without Node, unless {@code -Dtlskit.requirePeers=true}.
 */
final class NodeFtps implements AutoCloseable {
  static final Path NODE = Path.of("/opt/tlskit-peers/node/bin/node");

  static final String SERVER = """
      const net = require('net'), tls = require('tls'), fs = require('fs');
      const [cert, key, curves, file] = process.argv.slice(2);
      const ctx = tls.createSecureContext({cert: fs.readFileSync(cert), key: fs.readFileSync(key),
          ecdhCurve: curves, minVersion: 'TLSv1.3'});
      const secure = (sock, what) => {
        const t = new tls.TLSSocket(sock, {isServer: true, secureContext: ctx});
        t.ready = new Promise(ok => t.on('secure', () => {
          console.error(what + ' ' + t.getProtocol() + ' reused=' + t.isSessionReused());
          ok(t);
        }));
        t.on('error', e => console.error(what + ' error: ' + e.message));
        return t;
      };
      net.createServer(raw => {
        let io = raw, buf = '', data = null;
        const reply = s => io.write(s + '\\r\\n');
        const passive = () => new Promise(ok => {
          const l = net.createServer(d => { l.close(); data = secure(d, 'data'); });
          l.listen(0, '127.0.0.1', () => ok(l.address().port));
        });
        const line = async l => {
          const [verb, ...rest] = l.split(' ');
          switch (verb.toUpperCase()) {
            case 'AUTH': reply('234 AUTH TLS ok'); raw.removeListener('data', feed);
              io = secure(raw, 'control'); io.on('data', feed); break;
            case 'USER': reply('331 password'); break;
            case 'PASS': reply('230 logged in'); break;
            case 'PBSZ': case 'PROT': case 'TYPE': case 'OPTS': case 'MODE': case 'STRU': reply('200 ok'); break;
            case 'FEAT': reply('211-Features:\\r\\n PBSZ\\r\\n PROT\\r\\n EPSV\\r\\n211 End'); break;
            case 'SYST': reply('215 UNIX Type: L8'); break;
            case 'PWD': reply('257 "/"'); break;
            case 'EPSV': reply('229 Entering Extended Passive Mode (|||' + await passive() + '|)'); break;
            case 'PASV': { const p = await passive();
              reply('227 Entering Passive Mode (127,0,0,1,' + (p >> 8) + ',' + (p & 255) + ')'); break; }
            case 'RETR': {
              reply('150 Opening data connection');
              while (data === null) await new Promise(r => setTimeout(r, 10));
              const d = await data.ready; data = null;
              if (!d.isSessionReused()) { d.destroy(); reply('522 SSL connection failed: session reuse required'); break; }
              d.end(fs.readFileSync(file)); d.on('close', () => reply('226 Transfer complete')); break; }
            case 'QUIT': reply('221 bye'); io.end(); break;
            default: reply('502 not implemented');
          }
        };
        let queue = Promise.resolve();
        const feed = chunk => {
          buf += chunk;
          for (let i; (i = buf.indexOf('\\r\\n')) >= 0; buf = buf.slice(i + 2)) {
            const l = buf.slice(0, i);
            queue = queue.then(() => line(l));
          }
        };
        raw.on('data', feed);
        raw.on('error', () => {});
        reply('220 node ftps');
      }).listen(0, '127.0.0.1', function () { console.log('PORT ' + this.address().port); });
      """;

  private final Process process;
  private final Path log;
  final int port;

  private NodeFtps(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** Starts the server with the given PEM files, restricted to {@code curves} (OpenSSL's list), serving {@code file}. */
  static NodeFtps start(Path dir, Path cert, Path key, String curves, Path file) throws Exception {
    Peers.require("Node.js 26 (scripts/install-peers)", NODE.toString());
    Path script = dir.resolve("ftps.js");
    Files.writeString(script, SERVER);
    Path log = dir.resolve("node-ftps.log");
    Process p = new ProcessBuilder(NODE.toString(), script.toString(), cert.toString(), key.toString(), curves,
        file.toString()).redirectError(log.toFile()).start();
    String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
    if (line == null || !line.startsWith("PORT ")) {
      p.destroyForcibly();
      throw new IllegalStateException("node FTPS server did not start: " + line + "\n" + Files.readString(log));
    }
    return new NodeFtps(p, log, Integer.parseInt(line.substring(5).trim()));
  }

  /** Returns what the server logged: one line per TLS connection ("data TLSv1.3 reused=true"). */
  String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() {
    Peers.stop(process);
  }
}
