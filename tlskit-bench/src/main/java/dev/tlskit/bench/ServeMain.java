package dev.tlskit.bench;

import dev.tlskit.ServerCertificates;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsServer;
import dev.tlskit.bench.stacks.BenchStacks;
import dev.tlskit.nativetls.NativeTicketKeys;
import dev.tlskit.nativetls.NativeTls;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A TlsServer in its own process for the load drivers and the openssl s_time comparison: serves the bench protocol
 * (an echo once the client sends 'E'; a client that only handshakes and closes is fine) with a PEM key, prints
 * {@code PORT n}, then answers {@code heap} on stdin with {@code HEAP usedBytes OPEN connections} after a full GC.
 * Ends on {@code quit} or end of input.
 *
 * <p>Usage: {@code ServeMain CERT.pem KEY.pem [PORT] [MAX_CONNECTIONS] [jdk|conscrypt|native] [--proxy-protocol]
 * [--ticket-keys FILE]}; with {@code conscrypt} the Conscrypt provider (BoringSSL) is put first in this process, so
 * the server's TLS context comes from it; with {@code native} the policy uses tlskit-native's provider (BoringSSL),
 * which alone takes shared session-ticket keys ({@code --ticket-keys}, for a fleet behind a load balancer:
 * scripts/bench-fleet). {@code --proxy-protocol} expects a PROXY header (HAProxy's send-proxy-v2).
 */
public final class ServeMain {
  private ServeMain() {}

  public static void main(String[] args) throws Exception {
    ServerCertificates certs = ServerCertificates.builder().addPemFiles(Path.of(args[0]), Path.of(args[1])).build();
    int port = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    int max = args.length > 3 ? Integer.parseInt(args[3]) : 20_000;
    String engine = args.length > 4 ? args[4] : "jdk";
    if (engine.equals("conscrypt")) {
      java.security.Security.insertProviderAt(
          (java.security.Provider) Class.forName("org.conscrypt.Conscrypt").getMethod("newProvider").invoke(null), 1);
    }
    List<String> options = args.length > 5 ? List.of(args).subList(5, args.length) : List.of();
    TlsServer.Builder b = TlsServer.builder(c -> BenchStacks.serve(c.input(), c.output()), certs)
        // a benchmark opens many connections at once: every one may be in its handshake, none shed
        .listen("127.0.0.1", port).maxConnections(max).maxHandshakes(max).backlog(4096)
        .idleTimeout(Duration.ofMinutes(10)).proxyProtocol(options.contains("--proxy-protocol"));
    if (engine.equals("native")) b.policy(TlsPolicy.MODERN.toBuilder().provider(NativeTls.provider()).build());
    int keys = options.indexOf("--ticket-keys");
    if (keys >= 0) b.sessionTicketKeys(NativeTicketKeys.fromFile(Path.of(options.get(keys + 1))));
    TlsServer server = b.start();
    System.out.println("PORT " + server.port());
    System.out.flush();
    BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = commands.readLine(); line != null && !line.equals("quit"); line = commands.readLine()) {
      if (line.equals("heap")) {
        for (int i = 0; i < 3; i++) {
          System.gc();
          Thread.sleep(200);
        }
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.println("HEAP " + used + " OPEN " + server.metrics().connectionsOpen());
        System.out.flush();
      }
    }
    server.shutdown(Duration.ofSeconds(2));
  }
}
