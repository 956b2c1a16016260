package dev.tlskit.internal.server;

import dev.tlskit.internal.concurrent.Threads;
import dev.tlskit.internal.concurrent.Watchdog;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Logs an event that a peer can repeat at will at most once per interval: the first occurrence at once, then, while
 * it keeps happening, one summary line per interval with how many occurred since the last line. After a whole quiet
 * interval the next occurrence is logged at once again. Thread-safe; {@code timer} ends the intervals, and the summary
 * lines are written on a virtual thread of their own.
 */
public final class LogThrottle {
  /** The text of a summary line. */
  @FunctionalInterface
  public interface Summary {
    /** Returns the line for {@code count} occurrences held back during the last {@code seconds} seconds. */
    String describe(long count, long seconds);
  }

  private static final long QUIET = -1;

  private final System.Logger log;
  private final Level level;
  private final long intervalNanos;
  private final Watchdog timer;
  private final Summary summary;
  /** {@link #QUIET} when no interval is running, else how many occurrences this interval held back. */
  private final AtomicLong held = new AtomicLong(QUIET);
  private volatile long since;
  private volatile Watchdog.Task tick;

  /** Makes a throttle that logs to {@code log} at {@code level}, one line per {@code interval} at most. */
  public LogThrottle(System.Logger log, Level level, Duration interval, Watchdog timer,
      Summary summary) {
    this.log = Objects.requireNonNull(log, "log");
    this.level = Objects.requireNonNull(level, "level");
    this.intervalNanos = interval.toNanos();
    if (intervalNanos <= 0) throw new IllegalArgumentException("interval must be positive: " + interval);
    this.timer = Objects.requireNonNull(timer, "timer");
    this.summary = Objects.requireNonNull(summary, "summary");
  }

  /**
   * Logs {@code message} (with {@code error}, which may be null) when no interval is running and starts one;
   * otherwise only counts the occurrence for the interval's summary. The message is built only when logged.
   */
  public void log(Supplier<String> message, Throwable error) {
    if (held.getAndUpdate(h -> h == QUIET ? 0 : h + 1) != QUIET) return;
    since = System.nanoTime();
    if (log.isLoggable(level)) log.log(level, message.get(), error);
    tick = timer.schedule(this::tick, intervalNanos);
  }

  /** Ends an interval: summarizes what it held back and starts the next, or goes quiet when it held nothing. */
  private void tick() {
    long n = held.getAndUpdate(h -> h == 0 ? QUIET : 0);
    if (n <= 0) return;
    tick = timer.schedule(this::tick, intervalNanos);
    // Not on the timer's thread: a log handler that blocks (a full stderr pipe) must not hold up the deadlines that
    // share it.
    Threads.startVirtual("tlskit-log-summary", () -> summarize(n));
  }

  /** Logs the summary of what the running interval held back, if anything, and goes quiet (at shutdown). */
  public void flush() {
    Watchdog.Task t = tick;
    if (t != null) t.cancel();
    long n = held.getAndSet(QUIET);
    if (n > 0) summarize(n);
  }

  /** Returns true when no interval is running, so the next occurrence is logged at once (for tests). */
  boolean isQuiet() {
    return held.get() == QUIET;
  }

  private void summarize(long n) {
    long now = System.nanoTime();
    long seconds = Math.max(1, Math.round((now - since) / 1e9));
    since = now;
    log.log(level, summary.describe(n, seconds));
  }
}
