package dev.tlskit.probe;

import java.io.InterruptedIOException;
import java.time.Duration;

/**
 * Decides when a probe opens its next connection: at once while the server takes them, spaced out once the server
 * has turned one away as busy (a server such as Exim counts a connection until its child process has exited, which
 * lags behind a fast client), and after a busy refusal a bounded exponential wait before the retry.
 *
 * <p>Limits: at most {@value #MAX_RETRIES} retries of one attempt, waiting 0.5, 1, 2, 4 and 8 s (15.5 s in all);
 * connections at most {@link #MAX_GAP} apart; the gap halves again after {@value #CALM} answers in a row.
 */
final class Pacer {
  /** Retries of one attempt before the probe gives up on the server. */
  static final int MAX_RETRIES = 5;
  static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  static final Duration MIN_GAP = Duration.ofMillis(100);
  static final Duration MAX_GAP = Duration.ofSeconds(1);
  static final int CALM = 50;

  private long gapNanos;
  private long lastConnect;
  private int calm;

  /** Waits until the next connection may be opened, then counts it as opened. */
  void beforeConnect() throws InterruptedIOException {
    long wait = lastConnect + gapNanos - System.nanoTime();
    if (gapNanos > 0 && wait > 0) sleep(Duration.ofNanos(wait));
    lastConnect = System.nanoTime();
  }

  /** Records an answered connection; after {@value #CALM} in a row the gap shrinks again. */
  void answered() {
    if (gapNanos > 0 && ++calm >= CALM) {
      calm = 0;
      gapNanos = gapNanos / 2 < MIN_GAP.toNanos() ? 0 : gapNanos / 2;
    }
  }

  /**
   * Records a busy refusal of retry number {@code retry} (0 for the first try), widens the gap between connections,
   * and returns how long to wait before the next try.
   */
  Duration refused(int retry) {
    calm = 0;
    gapNanos = Math.min(MAX_GAP.toNanos(), Math.max(gapNanos * 2, MIN_GAP.toNanos()));
    return FIRST_BACKOFF.multipliedBy(1L << Math.min(retry, MAX_RETRIES));
  }

  /** Returns the current least time between two connections. */
  Duration gap() {
    return Duration.ofNanos(gapNanos);
  }

  static void sleep(Duration d) throws InterruptedIOException {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a busy server");
    }
  }
}
