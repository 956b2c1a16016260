package dev.tlskit.internal.io;

import dev.tlskit.internal.tls.ProviderHook;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketException;
import java.time.Duration;
import javax.net.ssl.SSLSocket;

/** Closes connections the same way on both sides: pending output first, then every socket, whatever fails. */
public final class Closing {
  /**
   * The longest a close waits for the peer's answer to our close_notify (see {@link #boundCloseWait}). An honest peer
   * answers within a round trip and its own reaction: a close took 0.12-0.18 ms (median) on loopback, a few ms at p99
   * on a loaded machine, and a round trip across the world is under 300 ms (docs/bench/notes-i18-close.md). A peer
   * that answers later still gets all we sent (nothing came in, so the TCP close is a FIN), then a reset to its late
   * answer.
   */
  static final Duration CLOSE_GRACE = Duration.ofSeconds(1);

  private Closing() {}

  /**
   * Flushes {@code out} unless it is null (a failure is ignored: the peer may be gone already; closing is what
   * matters), then closes each of {@code sockets} in order, all of them even when one fails; throws the first failure.
   */
  public static void flushThenClose(OutputStream out, Closeable... sockets) throws IOException {
    try {
      if (out != null) out.flush();
    } catch (IOException ignored) {
      // the peer may be gone already; closing is what matters
    }
    if (sockets.length > 0 && sockets[0] instanceof SSLSocket ssl) {
      closeNotifyAlone(ssl);
      boundCloseWait(ssl);
    }
    IOException first = null;
    for (Closeable c : sockets) {
      try {
        c.close();
      } catch (IOException e) {
        if (first == null) first = e;
      }
    }
    if (first != null) throw first;
  }

  /**
   * Ends the output of a TLS 1.3 connection of the JDK's provider with close_notify alone (its half-close), before the
   * socket is closed. Closed at once, while the peer has not closed its side, the JDK sends user_canceled and then
   * close_notify: a second alert, which both ends then process, at a cost of 8-17 µs of the peer's CPU and 3-6 µs of
   * ours per resumed connection (docs/bench/notes-i18-lean.md). Either way nothing more is read, and the peer sees a
   * clean close. Other providers' sockets, and TLS 1.2, which has no half-close, are closed as before.
   */
  static void closeNotifyAlone(SSLSocket ssl) {
    if (!ProviderHook.isJdkSocket(ssl) || ssl.isClosed() || ssl.isOutputShutdown()
        || ssl.getApplicationProtocol() == null) {
      return; // another provider, closed already, or no completed handshake (getSession() would start one)
    }
    try {
      if ("TLSv1.3".equals(ssl.getSession().getProtocol())) ssl.shutdownOutput();
    } catch (IOException | RuntimeException e) {
      // the peer may be gone already; closing is what matters
    }
  }

  /**
   * Bounds by {@link #CLOSE_GRACE} the one read a close makes. The JDK's {@code close()} of a TLS 1.3 connection whose
   * peer has not closed its side reads one more byte before closing the TCP socket, waiting up to SO_TIMEOUT
   * ({@code SSLSocketImpl.bruteForceCloseInput} -> {@code AppInputStream.deplete} -> {@code
   * SSLSocketInputRecord.deplete(true)}, only when SO_TIMEOUT is above 0): an honest peer's close_notify ends that wait
   * at once, and consuming it lets the TCP close end with FIN, not a reset. A peer that neither reads nor closes held
   * the closing thread, and TlsServer's admission slot, for the whole idle or read timeout. SO_TIMEOUT 0 would skip
   * the read, and so meet every peer's close_notify with a reset; it stays 0 when it is 0 (then the JDK does not wait).
   */
  static void boundCloseWait(SSLSocket ssl) {
    try {
      if (!ssl.isClosed()) {
        int timeout = ssl.getSoTimeout();
        int wait = closeWaitMillis(timeout);
        if (wait != timeout) ssl.setSoTimeout(wait);
      }
    } catch (SocketException | RuntimeException e) {
      // the socket is going anyway: closing is what matters
    }
  }

  /**
   * Returns how long, in ms, a close may wait for the peer's answer to close_notify (its close_notify or the end of the
   * stream) on a TLS socket whose SO_TIMEOUT is {@code soTimeout}: at most {@link #CLOSE_GRACE}, and 0 (no wait at
   * all, the JDK's rule) when SO_TIMEOUT is 0. The one rule of both engines: the JDK's close gets it through
   * {@link #boundCloseWait}, the native engine's close applies it to its own read.
   */
  public static int closeWaitMillis(int soTimeout) {
    return soTimeout <= 0 ? 0 : (int) Math.min(soTimeout, CLOSE_GRACE.toMillis());
  }

  /**
   * Closes {@code c}, ignoring a failure (best effort, on a path that already failed); a TLS socket's wait for the
   * peer's answer is bounded as in {@link #flushThenClose}.
   */
  public static void quietly(Closeable c) {
    if (c instanceof SSLSocket ssl) boundCloseWait(ssl);
    try {
      c.close();
    } catch (IOException ignored) {
      // closing is best effort
    }
  }
}
