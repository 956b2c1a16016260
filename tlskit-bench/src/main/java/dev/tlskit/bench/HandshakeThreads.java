package dev.tlskit.bench;

import dev.tlskit.bench.stacks.BenchMeasure;
import dev.tlskit.bench.stacks.BenchStacks;
import dev.tlskit.bench.stacks.BenchStacks.Pki;
import dev.tlskit.bench.stacks.BenchStacks.Settings;
import dev.tlskit.bench.stacks.BenchStacks.Stack;
import dev.tlskit.certs.KeyType;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a handshake's CPU goes, by thread: the four pairings of {@code tlskit bench --split} (TlsKit or raw JDK at
 * each end) in one JVM, after a long warm-up in turns (the JIT compiles a handshake's code for a minute or more),
 * then slices interleaved (order reversed every round). Each thread's CPU comes from Linux's per-thread accounting
 * ({@link BenchMeasure#threadCpuSeconds()}), grouped by thread name (cut at 15 characters by Linux) with digits as
 * '#': the client runs on the calling thread ({@code java} for a program's main thread), both servers' connection
 * handlers on virtual threads (their carriers: {@code ForkJoinPool-#-}), the accept loops on platform threads
 * ({@code tlskit-accept-l}, {@code bench-jdk-accep}); then the JIT ({@code C# CompilerThre}), GC, the virtual
 * threads' I/O poller ({@code MasterPoller}) and TlsKit's {@code tlskit-watchdog} (write and handshake deadlines).
 * A second line per pairing gives each thread's context switches per handshake ({@code /proc/self/task/N/status}),
 * a third the bytes allocated per handshake, by the whole process and by thread (HotSpot's per-thread allocation
 * counters: a virtual thread's allocations count on its carrier). Unlike CPU time, allocation hardly moves with the
 * machine's load, so it shows work one stack does that the other does not even on a busy machine. Linux only.
 *
 * <p>Usage: {@code HandshakeThreads full|resumed [SLICE-SECONDS] [ROUNDS] [WARM-UP-SECONDS]} (defaults 2, 8, 40).
 */
public final class HandshakeThreads {
  private static final String[] PAIRINGS = {"TlsKit -> TlsServer", "TlsKit -> JDK server", "JDK -> TlsServer",
      "JDK -> JDK server"};

  private HandshakeThreads() {}

  public static void main(String[] args) throws IOException {
    boolean resumed = args.length > 0 && args[0].equals("resumed");
    long slice = Math.round(1000 * (args.length > 1 ? Double.parseDouble(args[1]) : 2));
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    long warmup = Math.round(1000 * (args.length > 3 ? Double.parseDouble(args[3]) : 40));
    System.out.print(measure(resumed, slice, rounds, warmup));
    System.exit(0);
  }

  /** Measures and returns the report: a heading, then one line per pairing. */
  static String measure(boolean resumed, long slice, int rounds, long warmup) throws IOException {
    Settings s = new Settings("TLSv1.3", "TLS_AES_128_GCM_SHA256", "x25519", KeyType.EC_P256, null);
    Pki pki = Pki.create(KeyType.EC_P256);
    Stack[] stacks = new Stack[PAIRINGS.length];
    double[] handshakes = new double[PAIRINGS.length];
    double[] cpu = new double[PAIRINGS.length];
    @SuppressWarnings("unchecked")
    Map<String, Double>[] byThread = new Map[PAIRINGS.length];
    @SuppressWarnings("unchecked")
    Map<String, Long>[] switchesByThread = new Map[PAIRINGS.length];
    long[] allocated = new long[PAIRINGS.length];
    @SuppressWarnings("unchecked")
    Map<String, Long>[] allocatedByThread = new Map[PAIRINGS.length];
    try {
      for (int i = 0; i < stacks.length; i++) {
        stacks[i] = BenchStacks.mixed(pki, s, resumed, i < 2, i % 2 == 0);
        byThread[i] = new TreeMap<>();
        switchesByThread[i] = new TreeMap<>();
        allocatedByThread[i] = new TreeMap<>();
      }
      for (int w = 0; w < 4; w++) {
        for (Stack stack : stacks) BenchMeasure.handshakes(stack, warmup / 4 / stacks.length);
      }
      for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < stacks.length; k++) {
          int i = r % 2 == 0 ? k : stacks.length - 1 - k;
          Map<String, Long> switchesBefore = BenchMeasure.threadContextSwitches();
          Map<String, Double> before = BenchMeasure.threadCpuSeconds();
          Map<String, Long> allocatedBefore = threadAllocatedBytes();
          long totalBefore = THREADS.getTotalThreadAllocatedBytes();
          BenchMeasure.Sample sample = BenchMeasure.handshakes(stacks[i], slice);
          long totalAfter = THREADS.getTotalThreadAllocatedBytes();
          Map<String, Long> allocatedAfter = threadAllocatedBytes();
          Map<String, Double> after = BenchMeasure.threadCpuSeconds();
          Map<String, Long> switchesAfter = BenchMeasure.threadContextSwitches();
          allocated[i] += totalAfter - totalBefore;
          for (Map.Entry<String, Long> e : allocatedAfter.entrySet()) {
            long delta = e.getValue() - allocatedBefore.getOrDefault(e.getKey(), 0L);
            allocatedByThread[i].merge(e.getKey(), delta, Long::sum);
          }
          handshakes[i] += sample.units();
          cpu[i] += sample.cpuSeconds();
          for (Map.Entry<String, Double> e : after.entrySet()) {
            byThread[i].merge(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0), Double::sum);
          }
          for (Map.Entry<String, Long> e : switchesAfter.entrySet()) {
            long delta = e.getValue() - switchesBefore.getOrDefault(e.getKey(), 0L);
            switchesByThread[i].merge(e.getKey(), delta, Long::sum);
          }
        }
      }
    } finally {
      for (Stack stack : stacks) {
        if (stack != null) stack.close();
      }
    }
    StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
        "%s handshakes, %d rounds of %d ms slices after %d ms of warm-up; CPU ms per handshake%n",
        resumed ? "resumed" : "full", rounds, slice, warmup));
    for (int i = 0; i < stacks.length; i++) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-22s %7.0f hs  process %.3f  |",
          PAIRINGS[i], handshakes[i], cpu[i] * 1000 / handshakes[i]));
      for (Map.Entry<String, Double> e : byThread[i].entrySet()) {
        double perHandshake = e.getValue() * 1000 / handshakes[i];
        if (perHandshake >= 0.0005) line.append(String.format(Locale.ROOT, " %s=%.3f", e.getKey(), perHandshake));
      }
      report.append(line).append(System.lineSeparator());
      StringBuilder switches = new StringBuilder(String.format(Locale.ROOT, "%-22s context switches per handshake |",
          ""));
      for (Map.Entry<String, Long> e : switchesByThread[i].entrySet()) {
        double perHandshake = e.getValue() / handshakes[i];
        if (perHandshake >= 0.005) switches.append(String.format(Locale.ROOT, " %s=%.2f", e.getKey(), perHandshake));
      }
      report.append(switches).append(System.lineSeparator());
      StringBuilder bytes = new StringBuilder(String.format(Locale.ROOT,
          "%-22s bytes allocated per handshake: process %.0f |", "", allocated[i] / handshakes[i]));
      for (Map.Entry<String, Long> e : allocatedByThread[i].entrySet()) {
        double perHandshake = e.getValue() / handshakes[i];
        if (perHandshake >= 1) bytes.append(String.format(Locale.ROOT, " %s=%.0f", e.getKey(), perHandshake));
      }
      report.append(bytes).append(System.lineSeparator());
    }
    return report.toString();
  }

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /**
   * Returns the bytes each live platform thread has allocated so far, summed by name as in
   * {@link BenchMeasure#threadCpuSeconds()} (digits as '#', cut at Linux's 15 characters, so the names match).
   */
  static Map<String, Long> threadAllocatedBytes() {
    long[] ids = THREADS.getAllThreadIds();
    long[] bytes = THREADS.getThreadAllocatedBytes(ids);
    ThreadInfo[] infos = THREADS.getThreadInfo(ids);
    Map<String, Long> byName = new TreeMap<>();
    for (int k = 0; k < ids.length; k++) {
      if (infos[k] == null || bytes[k] < 0) continue; // ended meanwhile, or not measured
      String name = infos[k].getThreadName();
      name = name.substring(0, Math.min(15, name.length())).replaceAll("[0-9]+", "#");
      byName.merge(name, bytes[k], Long::sum);
    }
    return byName;
  }
}
