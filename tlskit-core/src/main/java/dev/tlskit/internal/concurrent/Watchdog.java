package dev.tlskit.internal.concurrent;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs short tasks after a delay on one daemon platform thread (the timer of every TlsKit deadline), waking that thread
 * only when a new deadline comes before the time it already means to wake.
 *
 * <p>Why not a {@code ScheduledThreadPoolExecutor}: it signals its thread whenever a new task becomes the head of its
 * queue. With connections one at a time the queue empties at every close (cancelled deadlines leave it), so every
 * connection's first deadline woke the thread, one futex wake and context switch per connection on each end, for a
 * deadline seconds away. Here the thread keeps its pending wake time when cancellations empty the queue; a later
 * deadline then needs no signal (the thread wakes at the old time, finds the new head, and sleeps until it). A thread
 * that wakes to an empty queue parks without a timeout, so an idle process has no periodic wake-ups.
 *
 * <p>Guarantees: a task runs no earlier than its deadline and, the thread being free, at it; tasks with equal
 * deadlines run in the order scheduled; a cancelled task leaves the queue at once and its handle drops the task, so
 * neither holds what the task captured (a socket). A task that throws is reported to the thread's uncaught-exception
 * handler and the thread goes on.
 */
public final class Watchdog {
  /** Deadlines further away are clamped, so deadline arithmetic on {@link System#nanoTime()} cannot overflow. */
  private static final long MAX_DELAY = Long.MAX_VALUE >> 2;

  /** A scheduled task; {@link #cancel()} removes it from the queue. */
  public static final class Task {
    private final Watchdog owner;
    private final long deadline;
    private final long seq;
    private Runnable action; // guarded by owner.lock; null once cancelled or taken to run
    private int index = -1; // position in the heap, -1 when not queued

    private Task(Watchdog owner, Runnable action, long deadline, long seq) {
      this.owner = owner;
      this.action = action;
      this.deadline = deadline;
      this.seq = seq;
    }

    /** Cancels the task if it has not started, removing it from the queue at once; harmless after it ran. */
    public void cancel() {
      owner.cancel(this);
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Thread thread;
  private Task[] heap = new Task[16]; // guarded by lock: a binary min-heap on (deadline, seq)
  private int size;
  private long seq;
  private boolean parked; // the thread is parked, or about to park, until wakeAt (or until signalled when !timed)
  private boolean timed;
  private long wakeAt;
  private long signals; // how many times schedule() woke the thread, for tests

  /** Makes a timer whose thread, made by {@code threads}, starts now. */
  Watchdog(Thread.Builder threads) {
    this.thread = threads.unstarted(this::loop);
    thread.start();
  }

  /**
   * Runs {@code action} on the timer's thread in {@code delayNanos} nanoseconds (as soon as possible if not
   * positive) and returns its handle. {@code action} must be short: every deadline shares the thread.
   */
  public Task schedule(Runnable action, long delayNanos) {
    long deadline = System.nanoTime() + Math.min(Math.max(0, delayNanos), MAX_DELAY);
    boolean wake;
    Task t;
    lock.lock();
    try {
      t = new Task(this, action, deadline, seq++);
      offer(t);
      // A thread that is running will look at the queue before it parks; a parked one needs a signal only if this
      // deadline comes first. After a signal it rescans, so no later schedule needs to signal until it parks again.
      wake = parked && (!timed || deadline - wakeAt < 0);
      if (wake) {
        parked = false;
        signals++;
      }
    } finally {
      lock.unlock();
    }
    if (wake) LockSupport.unpark(thread);
    return t;
  }

  private void cancel(Task t) {
    lock.lock();
    try {
      t.action = null;
      if (t.index >= 0) removeAt(t.index);
    } finally {
      lock.unlock();
    }
  }

  /** Returns how many times scheduling a task woke the timer's thread (for tests). */
  long signals() {
    lock.lock();
    try {
      return signals;
    } finally {
      lock.unlock();
    }
  }

  /** Returns the number of queued tasks (for tests). */
  int queued() {
    lock.lock();
    try {
      return size;
    } finally {
      lock.unlock();
    }
  }

  /** Returns the timer's thread (for tests). */
  Thread thread() {
    return thread;
  }

  private void loop() {
    for (;;) {
      Runnable due = null;
      boolean ran = false;
      long waitNanos = 0;
      lock.lock();
      try {
        parked = false;
        long now = System.nanoTime();
        Task head = size == 0 ? null : heap[0];
        if (head != null && head.deadline - now <= 0) {
          removeAt(0);
          due = head.action;
          head.action = null;
          ran = true;
        } else {
          parked = true;
          if (head != null) {
            timed = true;
            wakeAt = head.deadline;
          } else if (timed && wakeAt - now <= 0) {
            timed = false; // woke to an empty queue: sleep until a task comes, no periodic wake-ups
          }
          // else the queue emptied by cancellation before the pending wake time (or nothing was ever queued): keep
          // that time, so a later deadline needs no signal
          if (timed) waitNanos = wakeAt - now;
        }
      } finally {
        lock.unlock();
      }
      if (ran) {
        if (due != null) run(due);
      } else if (waitNanos > 0) {
        LockSupport.parkNanos(this, waitNanos);
      } else {
        LockSupport.park(this);
      }
    }
  }

  private void run(Runnable action) {
    try {
      action.run();
    } catch (Throwable e) {
      Thread me = Thread.currentThread();
      me.getUncaughtExceptionHandler().uncaughtException(me, e);
    }
  }

  // ---- the heap (all under lock) ----

  private static boolean before(Task a, Task b) {
    long d = a.deadline - b.deadline;
    return d < 0 || (d == 0 && a.seq < b.seq);
  }

  private void offer(Task t) {
    if (size == heap.length) heap = Arrays.copyOf(heap, size * 2);
    siftUp(size++, t);
  }

  private void removeAt(int i) {
    Task removed = heap[i];
    removed.index = -1;
    int last = --size;
    Task moved = heap[last];
    heap[last] = null;
    if (i == last) return;
    siftDown(i, moved);
    if (heap[i] == moved) siftUp(i, moved);
  }

  private void siftUp(int i, Task t) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      Task p = heap[parent];
      if (!before(t, p)) break;
      heap[i] = p;
      p.index = i;
      i = parent;
    }
    heap[i] = t;
    t.index = i;
  }

  private void siftDown(int i, Task t) {
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      Task c = heap[child];
      int right = child + 1;
      if (right < size && before(heap[right], c)) c = heap[child = right];
      if (!before(c, t)) break;
      heap[i] = c;
      c.index = i;
      i = child;
    }
    heap[i] = t;
    t.index = i;
  }
}
