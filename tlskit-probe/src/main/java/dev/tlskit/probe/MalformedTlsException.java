package dev.tlskit.probe;

import java.io.IOException;

/** The server answered a probe hello with something that is not well-formed TLS (or not TLS at all). */
public final class MalformedTlsException extends IOException {
  private static final long serialVersionUID = 1L;

  MalformedTlsException(String message) {
    super(message);
  }
}
