package dev.tlskit.probe;

import dev.tlskit.internal.concurrent.Threads;
import dev.tlskit.internal.concurrent.Watchdog;
import dev.tlskit.internal.io.Closing;
import java.io.Closeable;
import java.io.IOException;
import java.net.Socket;
import java.util.List;

/**
 * One probe connection, ready for a handshake the probe runs itself (a raw ClientHello or a JDK handshake): dialled
 * directly for implicit TLS, or through the STARTTLS preamble up to the server's agreement; closed by a watchdog when
 * the attempt takes longer than twice the target's timeout, and by {@link #close()}.
 */
final class ProbeConnection implements Closeable {
  private final Socket socket;
  private final List<String> capabilitiesBefore;
  private final Watchdog.Task watchdog;

  private ProbeConnection(Socket socket, List<String> capabilitiesBefore, Watchdog.Task watchdog) {
    this.socket = socket;
    this.capabilitiesBefore = capabilitiesBefore;
    this.watchdog = watchdog;
  }

  /**
   * Dials {@code target} and, for STARTTLS, greets and asks for the upgrade.
   *
   * @throws TemporaryRefusal when a STARTTLS server is busy or drops the connection before TLS
   * @throws Starttls.StarttlsException when the preamble breaks or the upgrade is refused
   */
  static ProbeConnection open(Target target) throws IOException {
    Starttls.Lines preamble = target.starttls() == null ? null : Starttls.Lines.dial(target);
    Socket s = preamble == null ? target.dial() : preamble.socket();
    Watchdog.Task watchdog = Threads.watchdog().schedule(() -> Closing.quietly(s),
        target.timeout().multipliedBy(2).toNanos());
    try {
      List<String> before = preamble == null ? List.of() : target.starttls().negotiate(preamble);
      return new ProbeConnection(s, before, watchdog);
    } catch (IOException | RuntimeException e) {
      watchdog.cancel();
      Closing.quietly(s);
      throw e;
    }
  }

  /** Returns the plaintext socket, the probe's to write its handshake on. */
  Socket socket() {
    return socket;
  }

  /** Returns the capabilities the server offered before TLS; empty for implicit TLS. */
  List<String> capabilitiesBefore() {
    return capabilitiesBefore;
  }

  /** Stops the watchdog and closes the socket (and any TLS socket layered on it). */
  @Override
  public void close() {
    watchdog.cancel();
    Closing.quietly(socket);
  }
}
