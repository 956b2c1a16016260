package dev.tlskit.bench;

import dev.tlskit.TlsConnection;
import dev.tlskit.bench.stacks.BenchJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load driver for the active-connection target: N TLS connections to a TlsServer in another JVM, each sending a
 * 64-byte message every INTERVAL ms (random phase) and waiting for its echo; reports round-trip percentiles over the
 * measured window (after a warm-up) and the rate achieved. Latency includes the client JVM, which shares the CPUs.
 *
 * <p>Usage: {@code EchoLatency [CONNECTIONS=2000] [INTERVAL_MS=100] [SECONDS=20] [WARMUP_SECONDS=5] [OUT.json]}
 */
public final class EchoLatency {
  private EchoLatency() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    long intervalMs = args.length > 1 ? Long.parseLong(args[1]) : 100;
    long seconds = args.length > 2 ? Long.parseLong(args[2]) : 20;
    long warmupSeconds = args.length > 3 ? Long.parseLong(args[3]) : 5;
    Path out = args.length > 4 ? Path.of(args[4]) : null;
    String loadStart = BenchJson.loadAverage();
    try (ServerProcess server = ServerProcess.start("-Xmx2g")) {
      List<TlsConnection> open = Connections.open(server.port, server.ca, n, System.nanoTime() + 300_000_000_000L, 32);
      long t0 = System.nanoTime();
      long measureFrom = t0 + warmupSeconds * 1_000_000_000L;
      long measureTo = measureFrom + seconds * 1_000_000_000L;
      AtomicLong errors = new AtomicLong();
      long[][] results = new long[open.size()][];
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < open.size(); i++) {
        TlsConnection c = open.get(i);
        int index = i;
        threads.add(Thread.ofVirtual().start(
            () -> results[index] = run(c, intervalMs, measureFrom, measureTo, errors)));
      }
      for (Thread t : threads) t.join(); // join makes each thread's result visible here
      long[] all = Arrays.stream(results).flatMapToLong(Arrays::stream).toArray();
      Arrays.sort(all);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("tool", "EchoLatency");
      r.put("date", Instant.now().toString());
      r.put("connections_target", n);
      r.put("connections_active", open.size());
      r.put("interval_ms", intervalMs);
      r.put("message_bytes", 64);
      r.put("seconds", seconds);
      r.put("messages", all.length);
      r.put("rate_per_s", Math.round(all.length / (double) seconds));
      r.put("errors", errors.get());
      Map<String, Object> pct = new LinkedHashMap<>();
      for (double p : new double[] {50, 90, 99, 99.9}) {
        pct.put("p" + (p == Math.floor(p) ? String.valueOf((int) p) : String.valueOf(p)) + "_ms",
            all.length == 0 ? -1 : Math.round(all[Math.min(all.length - 1, (int) (all.length * p / 100))] / 1e4) / 100.0);
      }
      pct.put("max_ms", all.length == 0 ? -1 : Math.round(all[all.length - 1] / 1e4) / 100.0);
      r.put("latency", pct);
      r.put("jdk", Runtime.version().toString());
      r.put("cpu", BenchJson.cpuModel());
      r.put("nproc", Runtime.getRuntime().availableProcessors());
      r.put("load_avg", Map.of("start", loadStart, "end", BenchJson.loadAverage()));
      String json = BenchJson.write(r);
      System.out.println(json);
      if (out != null) Files.writeString(out, json + "\n");
      Connections.closeAll(open);
    }
  }

  /** Sends a message every interval until measureTo and returns the round trips (ns) that began in the window. */
  private static long[] run(TlsConnection c, long intervalMs, long measureFrom, long measureTo, AtomicLong errors) {
    byte[] msg = new byte[64];
    byte[] back = new byte[64];
    long[] rtts = new long[1024];
    int count = 0;
    long intervalNs = intervalMs * 1_000_000;
    long next = System.nanoTime() + ThreadLocalRandom.current().nextLong(intervalNs);
    OutputStream o = c.output();
    InputStream in = c.input();
    try {
      while (true) {
        long now = System.nanoTime();
        if (now >= measureTo) break;
        if (next > now) Thread.sleep(Math.max(0, (next - now) / 1_000_000), (int) ((next - now) % 1_000_000));
        long sent = System.nanoTime();
        o.write(msg);
        o.flush();
        for (int got = 0; got < back.length; ) {
          int r = in.read(back, got, back.length - got);
          if (r < 0) throw new IOException("server closed");
          got += r;
        }
        long rtt = System.nanoTime() - sent;
        if (sent >= measureFrom && sent < measureTo) {
          if (count == rtts.length) rtts = Arrays.copyOf(rtts, count * 2);
          rtts[count++] = rtt;
        }
        next += intervalNs;
      }
    } catch (IOException | InterruptedException e) {
      errors.incrementAndGet();
    }
    return Arrays.copyOf(rtts, count);
  }
}
