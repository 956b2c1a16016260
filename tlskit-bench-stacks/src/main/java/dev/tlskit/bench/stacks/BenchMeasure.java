package dev.tlskit.bench.stacks;

import dev.tlskit.bench.stacks.BenchStacks.Link;
import dev.tlskit.bench.stacks.BenchStacks.Stack;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Drives one stack for a while and returns what it did: megabytes moved or handshakes made, and the time taken.
 * Shared by {@code tlskit bench} and tlskit-bench's comparisons (which run on the class path).
 */
public final class BenchMeasure {
  private static final long BATCH_BYTES = 1 << 20;
  /** USER_HZ: the unit of /proc's times, 100 on every Linux architecture the JDK runs on. */
  private static final int CLOCK_TICKS_PER_SECOND = 100;

  private BenchMeasure() {}

  /**
   * {@code units} (MB or handshakes) done in {@code seconds} of wall time, using {@code cpuSeconds} of process CPU,
   * of which {@code jitCpuSeconds} were the JIT compiler's threads (0 where the OS does not say: see
   * {@link #jitCpuSeconds()}).
   */
  public record Sample(double units, double seconds, double cpuSeconds, double jitCpuSeconds) {
    public Sample(double units, double seconds, double cpuSeconds) {
      this(units, seconds, cpuSeconds, 0);
    }

    public double rate() {
      return units / seconds;
    }
  }

  /** Returns the CPU time this process has used so far (all threads: both ends of the stack, JIT, GC), in seconds. */
  public static double processCpuSeconds() {
    return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
  }

  /**
   * Returns the CPU time the JVM's JIT compiler threads have used so far, in seconds (0 where the OS does not say:
   * see {@link #threadCpuSeconds()}). The JIT compiles a handshake's code for tens of seconds (methods run once per
   * handshake reach C2's thresholds after thousands of handshakes), and a slice pays for the compilation of code
   * that later slices of another stack share: the process CPU of a slice minus this is what the stack's own threads
   * (client, server, GC) used.
   */
  public static double jitCpuSeconds() {
    double jit = 0;
    for (Map.Entry<String, Double> e : threadCpuSeconds().entrySet()) {
      if (e.getKey().contains("CompilerThre")) jit += e.getValue(); // "C# CompilerThre", the name cut at 15
    }
    return jit;
  }

  /**
   * Returns the CPU seconds this process's threads have used so far, summed by thread name with each run of digits
   * as '#' (Linux names are cut at 15 characters), from Linux's per-thread accounting
   * ({@code /proc/self/task/N/stat}, 10 ms ticks); empty elsewhere. Ended threads are not counted.
   */
  public static Map<String, Double> threadCpuSeconds() {
    Map<String, Double> byName = new TreeMap<>();
    boolean linux = eachThread("stat", stat -> {
      int open = stat.indexOf('(');
      int close = stat.lastIndexOf(')');
      if (open < 0 || close < open) return;
      String name = stat.substring(open + 1, close).replaceAll("[0-9]+", "#");
      String[] f = stat.substring(close + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
      byName.merge(name, ticks / (double) CLOCK_TICKS_PER_SECOND, Double::sum);
    });
    return linux ? byName : Map.of();
  }

  /**
   * Returns the context switches (voluntary and not) of this process's threads so far, summed by thread name as in
   * {@link #threadCpuSeconds()}, from {@code /proc/self/task/N/status}; empty elsewhere. A voluntary switch is a
   * thread going to sleep, so each wake-up of a timer thread counts one.
   */
  public static Map<String, Long> threadContextSwitches() {
    Map<String, Long> byName = new TreeMap<>();
    boolean linux = eachThread("status", status -> {
      String name = null;
      long switches = 0;
      for (String line : status.split("\\n")) {
        if (line.startsWith("Name:")) name = line.substring(5).strip().replaceAll("[0-9]+", "#");
        else if (line.contains("_ctxt_switches:")) {
          switches += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
        }
      }
      if (name != null) byName.merge(name, switches, Long::sum);
    });
    return linux ? byName : Map.of();
  }

  /** Passes the text of {@code file} of each of this process's threads to {@code use}; false without /proc. */
  private static boolean eachThread(String file, Consumer<String> use) {
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        String text;
        try {
          text = Files.readString(task.resolve(file));
        } catch (IOException gone) {
          continue; // the thread ended
        }
        use.accept(text);
      }
      return true;
    } catch (IOException | RuntimeException notLinux) {
      return false;
    }
  }

  /**
   * What {@link #settleHandshakes} did: how long it ran, whether the JIT compiler went quiet in that time, and the
   * compiler's share of the process CPU in the last round.
   */
  public record Settling(double seconds, boolean settled, double lastJitShare) {}

  /**
   * Makes handshakes on {@code stacks} in turn, {@code sliceMillis} each, until one whole round in which the JIT
   * compiler's threads used less than {@code quietShare} of the process CPU, or until {@code maxMillis} passed.
   *
   * <p>A handshake runs much code once per connection, so the JIT compiles it for tens of seconds; a figure taken
   * before that ends measures the compiler (and code still interpreted), not the handshake a long-running
   * application makes, and the compiler's work falls on whichever stack runs first. Where the OS does not report
   * per-thread CPU (see {@link #threadCpuSeconds()}), this runs one round and says it could not tell.
   */
  public static Settling settleHandshakes(List<Stack> stacks, long sliceMillis, long maxMillis, double quietShare)
      throws IOException {
    long start = System.nanoTime();
    boolean canTell = !threadCpuSeconds().isEmpty();
    double share = Double.NaN;
    do {
      double cpu = processCpuSeconds();
      double jit = jitCpuSeconds();
      for (Stack s : stacks) handshakes(s, sliceMillis);
      double used = processCpuSeconds() - cpu;
      share = used <= 0 ? 0 : (jitCpuSeconds() - jit) / used;
      if (!canTell) break;
      if (share < quietShare) return new Settling((System.nanoTime() - start) / 1e9, true, share);
    } while (System.nanoTime() - start < maxMillis * 1_000_000);
    return new Settling((System.nanoTime() - start) / 1e9, false, canTell ? share : Double.NaN);
  }

  /**
   * Sends {@code messageSize}-byte messages, each written and flushed on its own (so each is at least one TLS
   * record), for about {@code millis}; the time runs until the server confirmed the byte count. Units: MB (10^6 B).
   */
  public static Sample throughput(Stack stack, int messageSize, long millis) throws IOException {
    byte[] message = new byte[messageSize];
    new Random(messageSize).nextBytes(message);
    long perBatch = Math.max(1, BATCH_BYTES / messageSize);
    long batch = perBatch * messageSize;
    try (Link link = stack.connect()) {
      OutputStream out = link.out();
      DataOutputStream header = new DataOutputStream(out);
      out.write(BenchStacks.THROUGHPUT);
      double cpu = processCpuSeconds();
      double jit = jitCpuSeconds();
      long start = System.nanoTime();
      long deadline = start + millis * 1_000_000;
      long sent = 0;
      do {
        header.writeLong(batch);
        for (long k = perBatch; k > 0; k--) {
          out.write(message);
          out.flush();
        }
        sent += batch;
      } while (System.nanoTime() < deadline);
      header.writeLong(0);
      out.flush();
      long confirmed = new DataInputStream(link.in()).readLong();
      long elapsed = System.nanoTime() - start;
      if (confirmed != sent) throw new IOException("server received " + confirmed + " bytes of " + sent);
      return new Sample(sent / 1e6, elapsed / 1e9, processCpuSeconds() - cpu, jitCpuSeconds() - jit);
    }
  }

  /**
   * Opens connections one after another for about {@code millis}, each a full (or resumed) handshake, one byte each
   * way and a close_notify. Units: connections.
   */
  public static Sample handshakes(Stack stack, long millis) throws IOException {
    double cpu = processCpuSeconds();
    double jit = jitCpuSeconds();
    long start = System.nanoTime();
    long deadline = start + millis * 1_000_000;
    long n = 0;
    do {
      try (Link link = stack.connect()) {
        link.out().write(BenchStacks.PING);
        link.out().flush();
        if (link.in().read() != 'p') throw new IOException("bench server did not answer the ping");
      }
      n++;
    } while (System.nanoTime() < deadline);
    return new Sample(n, (System.nanoTime() - start) / 1e9, processCpuSeconds() - cpu, jitCpuSeconds() - jit);
  }
}
