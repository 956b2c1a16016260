package dev.tlskit.internal.server;

import java.io.IOException;
import java.net.Socket;
import dev.tlskit.internal.concurrent.Watchdog;

/**
 * Closes a socket when a deadline passes, unless cancelled first: a bound on a whole phase (PROXY header, plaintext
 * before STARTTLS, handshake) that a peer cannot stretch by trickling bytes, as it can a per-read timeout.
 */
public final class SocketDeadline {
  private final Watchdog.Task task;
  private volatile boolean passed;

  private SocketDeadline(Watchdog timer, Socket socket, long nanos) {
    this.task = timer.schedule(() -> {
      passed = true;
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing is best effort
      }
    }, nanos);
  }

  /** Schedules the closing of {@code socket} on {@code timer} in {@code nanos} nanoseconds (at once if not positive). */
  public static SocketDeadline start(Watchdog timer, Socket socket, long nanos) {
    return new SocketDeadline(timer, socket, nanos);
  }

  /** Cancels the deadline (it leaves the timer's queue, so it no longer holds the socket); harmless once passed. */
  public void cancel() {
    task.cancel();
  }

  /** Returns true once the deadline has passed and closed the socket. */
  public boolean passed() {
    return passed;
  }
}
