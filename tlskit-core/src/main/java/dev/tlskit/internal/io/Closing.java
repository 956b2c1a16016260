package dev.tlskit.internal.io;

import dev.tlskit.internal.tls.ProviderHook;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import javax.net.ssl.SSLSocket;

/** Closes connections the same way on both sides: pending output first, then every socket, whatever fails. */
public final class Closing {
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
    if (sockets.length > 0 && sockets[0] instanceof SSLSocket ssl) closeNotifyAlone(ssl);
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

  /** Closes {@code c}, ignoring a failure (best effort, on a path that already failed). */
  public static void quietly(Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing is best effort
    }
  }
}
