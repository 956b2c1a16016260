package dev.tlskit.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.internal.concurrent.Threads;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LogThrottleTest {
  static final Duration INTERVAL = Duration.ofMillis(200);
  final Recorder log = new Recorder();
  final LogThrottle throttle = new LogThrottle(log, Level.WARNING, INTERVAL, Threads.watchdog(),
      (n, seconds) -> "held back " + n + " in " + seconds + " s");

  @Test
  void aBurstIsLoggedOnceThenSummarizedAtMostOncePerInterval() throws Exception {
    long start = System.nanoTime();
    int events = 0;
    while (System.nanoTime() - start < INTERVAL.toNanos() * 3) { // about three intervals of continuous events
      throttle.log(() -> "first", null);
      events++;
    }
    long elapsed = System.nanoTime() - start;
    throttle.flush();
    // an interval's summary is written on a thread of its own: the last one may still be on its way
    final int total = events;
    waitUntil("every event counted", () -> 1 + heldBack(log.lines.subList(1, log.lines.size())) >= total);
    List<String> lines = log.lines;
    assertThat(lines.get(0)).isEqualTo("first");
    // the first line, one summary per interval that ended, and the flush
    assertThat(lines).hasSizeLessThanOrEqualTo(2 + (int) (elapsed / INTERVAL.toNanos()));
    assertThat(1 + heldBack(lines.subList(1, lines.size()))).as("every event counted once").isEqualTo(events);
    assertThat(events).isGreaterThan(lines.size() * 10);
  }

  @Test
  void theNextEventAfterAQuietIntervalIsLoggedAtOnce() throws Exception {
    throttle.log(() -> "first", null);
    throttle.log(() -> "second", null);
    assertThat(log.lines).containsExactly("first");
    waitUntil("the summary", () -> log.lines.size() == 2);
    assertThat(heldBack(log.lines.subList(1, 2))).isEqualTo(1);
    waitUntil("a quiet interval", throttle::isQuiet);
    assertThat(log.lines).hasSize(2); // the interval that held nothing ended without a line
    throttle.log(() -> "after a quiet interval", null);
    assertThat(log.lines).hasSize(3).last().isEqualTo("after a quiet interval");
  }

  @Test
  void flushLogsWhatIsHeldBackAndGoesQuiet() {
    throttle.log(() -> "first", null);
    throttle.log(() -> "second", null);
    throttle.log(() -> "third", null);
    throttle.flush();
    assertThat(log.lines).hasSize(2);
    assertThat(heldBack(log.lines.subList(1, 2))).isEqualTo(2);
    throttle.log(() -> "after the flush", null);
    assertThat(log.lines).hasSize(3).last().isEqualTo("after the flush");
  }

  static void waitUntil(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("timed out waiting for " + what);
      Thread.sleep(10);
    }
  }

  static long heldBack(List<String> summaries) {
    long sum = 0;
    Pattern p = Pattern.compile("held back (\\d+) in \\d+ s");
    for (String s : summaries) {
      Matcher m = p.matcher(s);
      assertThat(m.matches()).as(s).isTrue();
      sum += Long.parseLong(m.group(1));
    }
    return sum;
  }

  /** A System.Logger that keeps every message. */
  static final class Recorder implements System.Logger {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public String getName() {
      return "recorder";
    }

    @Override
    public boolean isLoggable(Level level) {
      return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      lines.add(msg);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      lines.add(java.text.MessageFormat.format(format, params));
    }
  }
}
