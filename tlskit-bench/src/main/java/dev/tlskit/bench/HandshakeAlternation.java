package dev.tlskit.bench;

import dev.tlskit.bench.stacks.BenchStacks;
import dev.tlskit.bench.stacks.BenchStacks.Link;
import dev.tlskit.bench.stacks.BenchStacks.Pki;
import dev.tlskit.bench.stacks.BenchStacks.Settings;
import dev.tlskit.bench.stacks.BenchStacks.Stack;
import dev.tlskit.certs.KeyType;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

/**
 * The four pairings of {@link HandshakeThreads} (TlsKit or raw JDK at each end), taking turns <em>connection by
 * connection</em> instead of in slices of seconds: a machine whose speed drifts, or another process that starts, then
 * weighs on every pairing alike. The order is shuffled every round (a fixed seed, so runs repeat it): rotated, each
 * pairing always followed the same one, whose leftovers in the caches it then paid for (6–10 µs per connection,
 * docs/bench/notes-i18-server.md). A fifth stack, a second raw JDK pair with its own contexts and server, takes its
 * turns too, as a control: what it differs from the first raw pair by is this run's noise, and the report gives each
 * pairing's ratio to the raw pair beside the control's. Per connection (a handshake, one byte each way,
 * close, as {@code tlskit bench}) it reads the CPU time of all the process's threads (summed from each thread's own clock,
 * in nanoseconds, as the process's clock counts in 10 ms ticks: both ends, and whatever the JIT and GC did meanwhile), the client thread's CPU time (split into connect + handshake, the
 * ping's round trip and close) and the bytes the process and the client thread allocated; it prints medians and means.
 * The medians leave out the connections a GC or a compilation landed on; the means include them. After each close
 * the client pauses {@link #SETTLE_NANOS} before the process figures are read, so that the server's end of that
 * connection (reading the close, closing its socket) is counted with it and not with the next pairing's connection.
 *
 * <p>Usage: {@code HandshakeAlternation full|resumed [CONNECTIONS] [WARM-UP-CONNECTIONS]} (per pairing; defaults
 * 10000, 10000).
 */
public final class HandshakeAlternation {
  private static final String[] PAIRINGS = {"TlsKit -> TlsServer", "TlsKit -> JDK server", "JDK -> TlsServer",
      "JDK -> JDK server", "control: JDK -> JDK"};
  /** The raw pair every ratio is taken against. */
  private static final int RAW = 3;
  /** The seed of the order's shuffle. */
  private static final long SEED = 18;
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  /** Columns per connection: process CPU, client CPU of the three phases, process and client bytes allocated. */
  private static final int PROCESS = 0;
  private static final int CONNECT = 1;
  private static final int PING = 2;
  private static final int CLOSE = 3;
  private static final int PROCESS_BYTES = 4;
  private static final int CLIENT_BYTES = 5;

  /** The pause after each close, for the server to finish the connection. */
  static final long SETTLE_NANOS = 200_000;

  private HandshakeAlternation() {}

  public static void main(String[] args) throws IOException {
    boolean resumed = args.length > 0 && args[0].equals("resumed");
    int connections = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
    System.out.print(measure(resumed, connections, warmup));
    System.exit(0);
  }

  /** Measures and returns the report: a heading, then two lines per pairing. */
  static String measure(boolean resumed, int connections, int warmup) throws IOException {
    Settings s = new Settings("TLSv1.3", "TLS_AES_128_GCM_SHA256", "x25519", KeyType.EC_P256, null);
    Pki pki = Pki.create(KeyType.EC_P256);
    Stack[] stacks = new Stack[PAIRINGS.length];
    long[][][] samples = new long[PAIRINGS.length][6][connections];
    try {
      for (int i = 0; i < stacks.length; i++) {
        stacks[i] = BenchStacks.mixed(pki, s, resumed, i < 2, i < RAW && i % 2 == 0);
      }
      long[] row = new long[6];
      Random random = new Random(SEED);
      int[] order = new int[stacks.length];
      for (int c = 0; c < warmup + connections; c++) {
        shuffle(order, random);
        for (int i : order) {
          connectOnce(stacks[i], row);
          if (c >= warmup) {
            for (int col = 0; col < row.length; col++) samples[i][col][c - warmup] = row[col];
          }
        }
      }
    } finally {
      for (Stack stack : stacks) {
        if (stack != null) stack.close();
      }
    }
    StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
        "%s handshakes, %d connections per pairing taking turns one by one (shuffled every round) after %d each of"
            + " warm-up; median (mean) per connection%n", resumed ? "resumed" : "full", connections, warmup));
    for (int i = 0; i < stacks.length; i++) {
      long[][] v = samples[i];
      report.append(String.format(Locale.ROOT,
          "%-22s process CPU %s us | client thread: connect+handshake %s, ping %s, close %s us%n", PAIRINGS[i],
          micros(v[PROCESS]), micros(v[CONNECT]), micros(v[PING]), micros(v[CLOSE])));
      report.append(String.format(Locale.ROOT, "%-22s bytes allocated: process %s | client thread %s%n", "",
          bytes(v[PROCESS_BYTES]), bytes(v[CLIENT_BYTES])));
    }
    report.append(String.format(Locale.ROOT, "process CPU per connection against %s, median (mean):", PAIRINGS[RAW]));
    for (int i = 0; i < stacks.length; i++) {
      if (i == RAW) continue;
      report.append(String.format(Locale.ROOT, " %s %.3fx (%.3fx)%s", PAIRINGS[i],
          median(samples[i][PROCESS]) / median(samples[RAW][PROCESS]),
          mean(samples[i][PROCESS]) / mean(samples[RAW][PROCESS]), i == stacks.length - 1 ? "" : ";"));
    }
    return report.append(String.format("%n")).toString();
  }

  /** Fills {@code order} with a new random permutation of its indexes. */
  static void shuffle(int[] order, Random random) {
    for (int i = 0; i < order.length; i++) order[i] = i;
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }

  /** One connection of the bench protocol's ping on {@code stack}, its costs written to {@code row}. */
  private static void connectOnce(Stack stack, long[] row) throws IOException {
    long process = allThreadsCpuNanos();
    long processBytes = THREADS.getTotalThreadAllocatedBytes();
    long clientBytes = THREADS.getCurrentThreadAllocatedBytes();
    long t0 = THREADS.getCurrentThreadCpuTime();
    Link link = stack.connect();
    long t1 = THREADS.getCurrentThreadCpuTime();
    link.out().write(BenchStacks.PING);
    link.out().flush();
    if (link.in().read() != 'p') throw new IOException("bench server did not answer the ping");
    long t2 = THREADS.getCurrentThreadCpuTime();
    link.close();
    long t3 = THREADS.getCurrentThreadCpuTime();
    LockSupport.parkNanos(SETTLE_NANOS);
    row[CLIENT_BYTES] = THREADS.getCurrentThreadAllocatedBytes() - clientBytes;
    row[PROCESS_BYTES] = THREADS.getTotalThreadAllocatedBytes() - processBytes;
    row[PROCESS] = allThreadsCpuNanos() - process;
    row[CONNECT] = t1 - t0;
    row[PING] = t2 - t1;
    row[CLOSE] = t3 - t2;
  }

  /** Returns the CPU time of the process's live platform threads (virtual threads' on their carriers), in ns. */
  private static long allThreadsCpuNanos() {
    long sum = 0;
    for (long t : THREADS.getThreadCpuTime(THREADS.getAllThreadIds())) {
      if (t > 0) sum += t;
    }
    return sum;
  }

  private static String micros(long[] nanos) {
    return String.format(Locale.ROOT, "%.1f (%.1f)", median(nanos) / 1e3, mean(nanos) / 1e3);
  }

  private static double median(long[] values) {
    long[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }

  private static double mean(long[] values) {
    return Arrays.stream(values).average().orElse(0);
  }

  private static String bytes(long[] b) {
    long[] v = b.clone();
    Arrays.sort(v);
    return String.format(Locale.ROOT, "%d (%.0f)", v[v.length / 2], Arrays.stream(v).average().orElse(0));
  }
}
