package dev.tlskit.bench;

import dev.tlskit.TlsConnection;
import dev.tlskit.bench.stacks.BenchJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Load driver for the idle-connection target: opens N TLS connections to a TlsServer in another JVM, leaves them
 * idle (each server handler blocked in a read on its virtual thread), and reports the server's heap per connection
 * (heap used after a full GC with N open, minus before, over N) and its resident memory.
 *
 * <p>Usage: {@code IdleConnections [CONNECTIONS=10000] [LIMIT_SECONDS=300] [OUT.json]}
 */
public final class IdleConnections {
  private IdleConnections() {}

  /** Writes the top of the server's class histogram (jcmd GC.class_histogram): where the per-connection heap goes. */
  private static void histogram(ServerProcess server, Path file) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(server.process.pid()), "GC.class_histogram")
        .redirectErrorStream(true).start();
    List<String> lines = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
        .lines().limit(45).toList();
    p.waitFor();
    Files.write(file, lines);
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    long limitSeconds = args.length > 1 ? Long.parseLong(args[1]) : 300;
    Path out = args.length > 2 ? Path.of(args[2]) : null;
    String loadStart = BenchJson.loadAverage();
    try (ServerProcess server = ServerProcess.start("-Xmx4g", "-XX:+UseG1GC")) {
      // Warm the server (JIT, TLS context, session cache) so that the baseline holds no first-use garbage.
      Connections.closeAll(Connections.open(server.port, server.ca, 200, System.nanoTime() + 60_000_000_000L, 16));
      Thread.sleep(500);
      long[] before = server.heap();
      long rssBefore = server.rss();
      long start = System.nanoTime();
      List<TlsConnection> open = Connections.open(server.port, server.ca, n,
          start + limitSeconds * 1_000_000_000L, 32);
      double openSeconds = (System.nanoTime() - start) / 1e9;
      Thread.sleep(1000);
      long[] after = server.heap();
      long rssAfter = server.rss();
      int opened = open.size();
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("tool", "IdleConnections");
      r.put("date", Instant.now().toString());
      r.put("connections_target", n);
      r.put("connections_open", opened);
      r.put("server_reports_open", after[1]);
      r.put("open_seconds", Math.round(openSeconds * 10) / 10.0);
      r.put("heap_before_bytes", before[0]);
      r.put("heap_after_bytes", after[0]);
      r.put("heap_bytes_per_connection", opened == 0 ? 0 : (after[0] - before[0]) / opened);
      r.put("rss_bytes_per_connection", opened == 0 || rssBefore < 0 ? -1 : (rssAfter - rssBefore) / opened);
      r.put("jdk", Runtime.version().toString());
      r.put("cpu", BenchJson.cpuModel());
      r.put("nproc", Runtime.getRuntime().availableProcessors());
      r.put("load_avg", Map.of("start", loadStart, "end", BenchJson.loadAverage()));
      if (out != null) histogram(server, Path.of(out.toString().replaceFirst("\\.json$", "") + "-histogram.txt"));
      String json = BenchJson.write(r);
      System.out.println(json);
      if (out != null) Files.writeString(out, json + "\n");
      Connections.closeAll(open);
    }
  }
}
