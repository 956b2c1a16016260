package dev.tlskit.probe;

import java.io.IOException;
import java.io.OutputStream;

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
    try (ProbeConnection c = ProbeConnection.open(target)) {
      OutputStream out = c.socket().getOutputStream();
      out.write(hello.encode());
      out.flush();
      return new FlightReader(c.socket().getInputStream(), wholeFlight).read();
    }
  }
}
