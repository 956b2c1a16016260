package dev.tlskit;

import java.io.IOException;

/**
 * Base of every error TlsKit raises itself. Network failures that the JDK already types (connect refused, timeouts)
 * are passed through as the JDK's own {@link IOException} subclasses.
 */
public abstract class TlsKitException extends IOException {
  protected TlsKitException(String message, Throwable cause) {
    super(message, cause);
  }
}
