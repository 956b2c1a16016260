package dev.tlskit.internal.concurrent;

import java.util.concurrent.ThreadFactory;

/** Makes every thread and executor TlsKit uses, each with an uncaught-exception handler that logs. */
public final class Threads {
  private static final System.Logger LOG = System.getLogger("dev.tlskit");
  private static final Thread.UncaughtExceptionHandler LOG_UNCAUGHT =
      (t, e) -> LOG.log(System.Logger.Level.ERROR, "uncaught exception in thread " + t.getName(), e);

  private static final class WatchdogHolder {
    static final Watchdog WATCHDOG = new Watchdog(watchdogThread());
  }

  /** Returns a builder of the timer's thread: platform (it parks with a deadline), daemon, named, logging. */
  static Thread.Builder watchdogThread() {
    return Thread.ofPlatform().name("tlskit-watchdog").daemon(true).uncaughtExceptionHandler(LOG_UNCAUGHT);
  }

  private Threads() {}

  /** Returns the shared timer for timeouts (one daemon thread; tasks must be short; a cancelled task is removed
   * from the queue at once). */
  public static Watchdog watchdog() {
    return WatchdogHolder.WATCHDOG;
  }

  /** Returns a factory of virtual threads named {@code prefix-N}. */
  public static ThreadFactory virtual(String prefix) {
    return Thread.ofVirtual().name(prefix + "-", 0).uncaughtExceptionHandler(LOG_UNCAUGHT).factory();
  }

  /**
   * Starts a platform daemon thread named {@code name}, for a loop that spends its life blocked in one call (an
   * accept loop): a virtual thread there costs, per wake-up, a failed non-blocking attempt, a poller registration and
   * an unpark on top of the call itself.
   */
  public static Thread startDaemon(String name, Runnable task) {
    return Thread.ofPlatform().name(name).daemon(true).uncaughtExceptionHandler(LOG_UNCAUGHT).start(task);
  }

  /** Starts a virtual thread named {@code name}. */
  public static Thread startVirtual(String name, Runnable task) {
    return Thread.ofVirtual().name(name).uncaughtExceptionHandler(LOG_UNCAUGHT).start(task);
  }
}
