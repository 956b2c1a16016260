package dev.tlskit.internal.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class WatchdogTest {
  private static final long MS = 1_000_000L;
  private static final long LONG = TimeUnit.SECONDS.toNanos(60);

  private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();
  private final Watchdog watchdog = new Watchdog(
      Thread.ofPlatform().name("test-watchdog").daemon(true).uncaughtExceptionHandler((t, e) -> uncaught.add(e)));

  @Test
  void tasksRunInDeadlineOrderAndNeverEarly() throws Exception {
    List<Integer> order = new CopyOnWriteArrayList<>();
    List<Long> early = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(4);
    long[] delays = {150 * MS, 50 * MS, 100 * MS, 0};
    for (int i = 0; i < delays.length; i++) {
      int id = i;
      long deadline = System.nanoTime() + delays[i];
      watchdog.schedule(() -> {
        long late = System.nanoTime() - deadline;
        if (late < 0) early.add(late);
        order.add(id);
        done.countDown();
      }, delays[i]);
    }
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(order).containsExactly(3, 1, 2, 0);
    assertThat(early).as("tasks run before their deadline (ns)").isEmpty();
  }

  @Test
  void tasksWithTheSameDeadlineRunInTheOrderScheduled() throws Exception {
    List<Integer> order = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(50);
    for (int i = 0; i < 50; i++) {
      int id = i;
      watchdog.schedule(() -> {
        order.add(id);
        done.countDown();
      }, Long.MIN_VALUE); // not positive: as soon as possible, so every deadline is "now" and ties are common
    }
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(order).isSorted().hasSize(50);
  }

  @Test
  void anEarlierDeadlineWakesTheSleepingThreadAtOnce() throws Exception {
    watchdog.schedule(() -> {}, LONG);
    waitUntil("the thread sleeps until the far deadline", this::sleepsWithTimeout);
    CountDownLatch ran = new CountDownLatch(1);
    long before = watchdog.signals();
    watchdog.schedule(ran::countDown, 20 * MS);
    // without a signal the thread would sleep for a minute
    assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(watchdog.signals() - before).as("signals for the earlier deadline").isEqualTo(1);
  }

  @Test
  void laterDeadlinesScheduledAndCancelledOneAtATimeDoNotWakeTheThread() throws Exception {
    // What connections one at a time do: each schedules a deadline seconds away and cancels it when it closes, so
    // the queue is empty before each schedule. A timer that signals its thread for every new head of the queue
    // (ScheduledThreadPoolExecutor) wakes it once per connection here.
    Watchdog.Task first = watchdog.schedule(() -> {}, LONG);
    waitUntil("the thread sleeps until the first deadline", this::sleepsWithTimeout);
    first.cancel();
    long before = watchdog.signals();
    for (int i = 0; i < 1_000; i++) {
      Watchdog.Task t = watchdog.schedule(() -> {}, LONG + i * MS);
      assertThat(watchdog.queued()).isEqualTo(1);
      t.cancel();
      assertThat(watchdog.queued()).isZero();
    }
    assertThat(watchdog.signals() - before).as("wake-ups for 1000 later deadlines").isZero();
    assertThat(watchdog.thread().getState()).isEqualTo(Thread.State.TIMED_WAITING);
  }

  @Test
  void aThreadThatWakesToAnEmptyQueueSleepsWithoutATimeout() throws Exception {
    Watchdog.Task t = watchdog.schedule(() -> {}, 300 * MS);
    waitUntil("the thread sleeps until the deadline", this::sleepsWithTimeout);
    t.cancel(); // the queue is empty; the thread keeps its wake time, wakes, finds nothing, and parks for good
    waitUntil("the thread parks without a timeout", () -> watchdog.thread().getState() == Thread.State.WAITING);
    CountDownLatch ran = new CountDownLatch(1);
    watchdog.schedule(ran::countDown, 10 * MS);
    assertThat(ran.await(30, TimeUnit.SECONDS)).as("a parked thread is woken by the next task").isTrue();
  }

  @Test
  void aCancelledTaskLeavesTheQueueAndHoldsNothing() throws Exception {
    Object captured = new Object();
    WeakReference<Object> ref = new WeakReference<>(captured);
    Watchdog.Task handle = watchdog.schedule(new Holder(captured), LONG);
    captured = null;
    handle.cancel();
    assertThat(watchdog.queued()).isZero();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (ref.get() != null && System.nanoTime() < end) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(ref.get()).as("what a cancelled task captured, while its handle is still held").isNull();
    assertThat(handle).isNotNull();
  }

  @Test
  void aTaskThatThrowsIsReportedAndLaterTasksStillRun() throws Exception {
    watchdog.schedule(() -> {
      throw new IllegalStateException("boom");
    }, 0);
    CountDownLatch ran = new CountDownLatch(1);
    watchdog.schedule(ran::countDown, 10 * MS);
    assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(uncaught).singleElement().satisfies(e -> assertThat(e).hasMessage("boom"));
  }

  @Test
  void theSharedTimerRunsOnADaemonPlatformThreadNamedTlskitWatchdog() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    Thread[] on = new Thread[1];
    Threads.watchdog().schedule(() -> {
      on[0] = Thread.currentThread();
      ran.countDown();
    }, 0);
    assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(on[0].getName()).isEqualTo("tlskit-watchdog");
    assertThat(on[0].isDaemon()).isTrue();
    assertThat(on[0].isVirtual()).isFalse();
    assertThat(on[0].getUncaughtExceptionHandler()).isNotSameAs(on[0].getThreadGroup());
  }

  private boolean sleepsWithTimeout() {
    return watchdog.thread().getState() == Thread.State.TIMED_WAITING;
  }

  private record Holder(Object captured) implements Runnable {
    @Override
    public void run() {}
  }

  private static void waitUntil(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("timed out waiting until " + what);
      Thread.sleep(5);
    }
  }
}
