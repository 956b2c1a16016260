package dev.tlskit.internal.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

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

  /** Closes {@code c}, ignoring a failure (best effort, on a path that already failed). */
  public static void quietly(Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing is best effort
    }
  }
}
