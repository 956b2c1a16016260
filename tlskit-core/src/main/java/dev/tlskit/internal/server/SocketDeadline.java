package dev.tlskit.internal.server;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a socket when a deadline passes, unless cancelled first: a bound on a whole phase (PROXY header, plaintext
 * before STARTTLS, handshake) that a peer cannot stretch by trickling bytes, as it can a per-read timeout.
 */
public final class SocketDeadline {
  private final ScheduledFuture<?> task;
  private volatile boolean passed;

  private SocketDeadline(ScheduledExecutorService timer, Socket socket, long nanos) {
    this.task = timer.schedule(() -> {
      passed = true;
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing is best effort
      }
    }, Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }

  /** Schedules the closing of {@code socket} on {@code timer} in {@code nanos} nanoseconds (at once if not positive). */
  public static SocketDeadline start(ScheduledExecutorService timer, Socket socket, long nanos) {
    return new SocketDeadline(timer, socket, nanos);
  }

  /** Cancels the deadline (it leaves the timer's queue, so it no longer holds the socket); harmless once passed. */
  public void cancel() {
    task.cancel(false);
  }

  /** Returns true once the deadline has passed and closed the socket. */
  public boolean passed() {
    return passed;
  }
}
