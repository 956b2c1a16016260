package dev.tlskit.cli;

import dev.tlskit.cli.BenchCommandStacks.Link;
import dev.tlskit.cli.BenchCommandStacks.Stack;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;

/** Drives one stack for a while and returns a rate: throughput in MB/s or handshakes per second. */
final class BenchCommandMeasure {
  private static final long BATCH_BYTES = 1 << 20;

  private BenchCommandMeasure() {}

  /**
   * Sends {@code messageSize}-byte messages, each written and flushed on its own (so each is at least one TLS
   * record), for about {@code millis}; the time runs until the server confirmed the byte count. Returns MB/s (10^6).
   */
  static double throughput(Stack stack, int messageSize, long millis) throws IOException {
    byte[] message = new byte[messageSize];
    new Random(messageSize).nextBytes(message);
    long perBatch = Math.max(1, BATCH_BYTES / messageSize);
    long batch = perBatch * messageSize;
    try (Link link = stack.connect()) {
      OutputStream out = link.out();
      DataOutputStream header = new DataOutputStream(out);
      out.write(BenchCommandStacks.THROUGHPUT);
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
      return sent / (elapsed / 1e9) / 1e6;
    }
  }

  /**
   * Opens connections one after another for about {@code millis}, each a full (or resumed) handshake, one byte each
   * way and a close_notify; returns connections per second.
   */
  static double handshakes(Stack stack, long millis) throws IOException {
    long start = System.nanoTime();
    long deadline = start + millis * 1_000_000;
    long n = 0;
    do {
      try (Link link = stack.connect()) {
        link.out().write(BenchCommandStacks.PING);
        link.out().flush();
        if (link.in().read() != 'p') throw new IOException("bench server did not answer the ping");
      }
      n++;
    } while (System.nanoTime() < deadline);
    return n / ((System.nanoTime() - start) / 1e9);
  }
}
