package dev.tlskit.internal.server;

import java.util.concurrent.ScheduledThreadPoolExecutor;

/** Makes every thread the server runs: virtual threads for connections, one daemon timer for deadlines. */
public final class Threads {
  private static final System.Logger LOG = System.getLogger("dev.tlskit.server");

  private Threads() {}

  /** Starts {@code task} on a new virtual thread named {@code name}; an uncaught exception is logged. */
  public static Thread virtual(String name, Runnable task) {
    return Thread.ofVirtual().name(name)
        .uncaughtExceptionHandler((t, e) -> LOG.log(System.Logger.Level.ERROR, "uncaught in " + t.getName(), e))
        .start(task);
  }

  /** Returns a one-thread daemon timer that forgets cancelled tasks. */
  public static ScheduledThreadPoolExecutor timer(String name) {
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
      Thread th = Thread.ofPlatform().name(name).daemon().unstarted(r);
      th.setUncaughtExceptionHandler((x, e) -> LOG.log(System.Logger.Level.ERROR, "uncaught in " + name, e));
      return th;
    });
    t.setRemoveOnCancelPolicy(true);
    return t;
  }
}
