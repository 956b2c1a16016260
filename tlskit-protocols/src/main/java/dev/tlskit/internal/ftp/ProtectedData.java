package dev.tlskit.internal.ftp;

import dev.tlskit.TlsSecurityException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import javax.net.ssl.SSLSession;

/** A data connection after its TLS handshake: streams, the negotiated session, and the socket underneath. */
public interface ProtectedData extends Closeable {
  InputStream input() throws IOException;

  OutputStream output() throws IOException;

  SSLSession session();

  Socket socket();

  /** Closes the TLS layer (close_notify) and the socket. */
  @Override
  void close() throws IOException;

  /**
   * Returns the error of a protected data connection whose TCP stream ended after the handshake without the server's
   * close_notify, whatever TLS engine read it: a transfer cut that way must never look complete. {@code cause} is the
   * engine's own report, or null.
   */
  static TlsSecurityException truncated(Throwable cause) {
    return new TlsSecurityException(TlsSecurityException.Reason.TRUNCATED,
        "the data connection ended without TLS close_notify: the data may be truncated", null, cause);
  }
}
