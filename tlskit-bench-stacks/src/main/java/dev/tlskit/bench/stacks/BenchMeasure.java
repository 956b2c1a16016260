package dev.tlskit.bench.stacks;

import dev.tlskit.bench.stacks.BenchStacks.Link;
import dev.tlskit.bench.stacks.BenchStacks.Stack;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;

/**
 * Drives one stack for a while and returns what it did: megabytes moved or handshakes made, and the time taken.
 * Shared by {@code tlskit bench} and tlskit-bench's comparisons (which run on the class path).
 */
public final class BenchMeasure {
  private static final long BATCH_BYTES = 1 << 20;

  private BenchMeasure() {}

  /** {@code units} (MB or handshakes) done in {@code seconds} of wall time, using {@code cpuSeconds} of process CPU. */
  public record Sample(double units, double seconds, double cpuSeconds) {
    public double rate() {
      return units / seconds;
    }
  }

  /** Returns the CPU time this process has used so far (all threads: both ends of the stack, JIT, GC), in seconds. */
  public static double processCpuSeconds() {
    return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
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
      return new Sample(sent / 1e6, elapsed / 1e9, processCpuSeconds() - cpu);
    }
  }

  /**
   * Opens connections one after another for about {@code millis}, each a full (or resumed) handshake, one byte each
   * way and a close_notify. Units: connections.
   */
  public static Sample handshakes(Stack stack, long millis) throws IOException {
    double cpu = processCpuSeconds();
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
    return new Sample(n, (System.nanoTime() - start) / 1e9, processCpuSeconds() - cpu);
  }
}
