package dev.tlskit.cli;

import java.util.function.BooleanSupplier;

/** Small waits for asynchronous server effects (counters, log lines). */
final class TlsServerTestSupport {
  private TlsServerTestSupport() {}

  /** Waits up to 10 s for {@code condition}. */
  static void eventually(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("condition not met within 10 s");
      Thread.sleep(20);
    }
  }
}
