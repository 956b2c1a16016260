package dev.tlskit.probe;

import dev.tlskit.internal.concurrent.Threads;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends one probe ClientHello on a fresh connection (after the STARTTLS preamble, if any) and reads the answer. Each
 * attempt is bounded by the target's timeout for connecting and for each read, and by twice that for the whole
 * attempt (a watchdog closes the socket).
 */
final class HelloSender {
  private final Target target;

  HelloSender(Target target) {
    this.target = target;
  }

  /**
   * Sends {@code hello} and returns the server's answer.
   *
   * @param wholeFlight for TLS 1.2 and older, read certificates, OCSP and key exchange too
   * @throws IOException when the target cannot be reached or answers with something that is not TLS
   */
  ServerFlight send(ClientHello hello, boolean wholeFlight) throws IOException {
    Starttls.Lines preamble = target.starttls() == null ? null : Starttls.Lines.dial(target);
    Socket s = preamble == null ? target.dial() : preamble.socket();
    ScheduledFuture<?> watchdog = Threads.watchdog().schedule(() -> close(s), target.timeout().toMillis() * 2,
        TimeUnit.MILLISECONDS);
    try {
      if (preamble != null) target.starttls().negotiate(preamble);
      OutputStream out = s.getOutputStream();
      out.write(hello.encode());
      out.flush();
      return new FlightReader(s.getInputStream(), wholeFlight).read();
    } finally {
      watchdog.cancel(false);
      close(s);
    }
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing after the answer or a failure
    }
  }
}
